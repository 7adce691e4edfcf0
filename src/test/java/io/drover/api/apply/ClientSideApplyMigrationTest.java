package io.drover.api.apply;

import static io.drover.api.apply.ServerSideApplyTest.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.patch.PatchSchema;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * {@code kubectl apply} followed by {@code kubectl apply --server-side} of the same ConfigMap: the requests
 * kubectl 1.32 sends, in order, at the level of {@link ServerSideApply} and {@link ManagedFields}.
 */
class ClientSideApplyMigrationTest {
    private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
    private static final Instant T1 = Instant.parse("2025-01-01T00:01:00Z");
    private static final Instant T2 = Instant.parse("2025-01-01T00:02:00Z");
    private static final PatchSchema CONFIG_MAP = PatchSchema.forKind("v1", "ConfigMap");
    private static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";
    /** The annotation as apiserver's lastAppliedUpdater rewrites it for the server-side apply of a: "2". */
    private static final String SYNCED = "{\"apiVersion\":\"v1\",\"data\":{\"a\":\"2\"},\"kind\":\"ConfigMap\","
            + "\"metadata\":{\"name\":\"migrated\",\"namespace\":\"default\"}}";

    private static ObjectNode configMap(String a) {
        return json("{'apiVersion':'v1','kind':'ConfigMap','metadata':{'name':'migrated','namespace':'default'},"
                + "'data':{'a':'" + a + "'}}");
    }

    /** The annotation as kubectl's client-side apply writes it. */
    private static String lastApplied(String a) {
        return "{\"apiVersion\":\"v1\",\"data\":{\"a\":\"" + a + "\"},\"kind\":\"ConfigMap\",\"metadata\":{"
                + "\"annotations\":{},\"name\":\"migrated\",\"namespace\":\"default\"}}\n";
    }

    private static ObjectNode apply(ObjectNode live, ObjectNode config, String manager, boolean force,
            Instant now) {
        ApplyResult result = ServerSideApply.apply(live, config, manager, force, CONFIG_MAP, now);
        assertThat(result.conflicts()).isEmpty();
        return result.merged();
    }

    /** The object after kubectl's client-side apply, then steps 1 to 3 of its server-side apply. */
    private static ObjectNode migrated() {
        ObjectNode created = configMap("1");
        created.withObjectProperty("metadata").putObject("annotations").put(LAST_APPLIED, lastApplied("1"));
        ObjectNode live = ManagedFields.recordUpdate(null, created, "kubectl-client-side-apply", T0, CONFIG_MAP);
        assertThat(live.path("metadata").path("managedFields").get(0).get("fieldsV1")).isEqualTo(json(
                "{'f:data':{'.':{},'f:a':{}},'f:metadata':{'f:annotations':{'.':{},'f:" + LAST_APPLIED + "':{}}}}"));

        // 1: the first server-side apply takes data.a over from the client-side-apply manager.
        assertThat(ServerSideApply.apply(live, configMap("2"), "kubectl", false, CONFIG_MAP, T1).conflicted())
                .isTrue();
        live = apply(live, configMap("2"), "kubectl", true, T1);
        LastApplied.sync(live, configMap("2"), "kubectl");
        assertThat(live.path("data").path("a").asText()).isEqualTo("2");
        assertThat(live.path("metadata").path("annotations").path(LAST_APPLIED).asText()).isEqualTo(SYNCED);

        // 2: kubectl-last-applied applies the annotation.
        ObjectNode annotation = json("{'apiVersion':'v1','kind':'ConfigMap','metadata':{'name':'migrated',"
                + "'namespace':'default','annotations':{}}}");
        ((ObjectNode) annotation.path("metadata").path("annotations")).put(LAST_APPLIED, SYNCED);
        live = apply(live, annotation, "kubectl-last-applied", true, T1);

        // 3: a JSON patch by manager kubectl replaces managedFields (and resourceVersion, with the same value).
        ObjectNode patched = live.deepCopy();
        patched.withObjectProperty("metadata").set("managedFields", json("{'list':[{'manager':"
                + "'kubectl-last-applied','operation':'Apply','apiVersion':'v1','fieldsType':'FieldsV1',"
                + "'fieldsV1':{'f:metadata':{'f:annotations':{'f:" + LAST_APPLIED + "':{}}}}},"
                + "{'manager':'kubectl','operation':'Apply','apiVersion':'v1','time':'2025-01-01T00:01:00Z',"
                + "'fieldsType':'FieldsV1','fieldsV1':{'f:data':{'.':{},'f:a':{}},'f:metadata':{"
                + "'f:annotations':{'.':{},'f:" + LAST_APPLIED + "':{}}}}}]}").get("list"));
        return ManagedFields.recordUpdate(live, patched, "kubectl", T2, CONFIG_MAP);
    }

    @Test
    void theJsonPatchOfManagedFieldsReplacesThemAndRecordsNoUpdate() {
        ObjectNode live = migrated();

        assertThat(live.path("data").path("a").asText()).isEqualTo("2");
        assertThat(live.path("metadata").path("managedFields")).isEqualTo(json("{'list':[{'manager':"
                + "'kubectl-last-applied','operation':'Apply','apiVersion':'v1','fieldsType':'FieldsV1',"
                + "'fieldsV1':{'f:metadata':{'f:annotations':{'f:" + LAST_APPLIED + "':{}}}}},"
                + "{'manager':'kubectl','operation':'Apply','apiVersion':'v1','time':'2025-01-01T00:01:00Z',"
                + "'fieldsType':'FieldsV1','fieldsV1':{'f:data':{'.':{},'f:a':{}},'f:metadata':{"
                + "'f:annotations':{'.':{},'f:" + LAST_APPLIED + "':{}}}}}]}").get("list"));
    }

    @Test
    void reapplyingAfterTheMigrationKeepsTheDataAndTheAnnotation() {
        ObjectNode live = migrated();

        // 4: kubectl applies the same configuration again; it now leaves out the `.` markers and the annotation.
        ObjectNode result = apply(live, configMap("2"), "kubectl", false, T2);
        LastApplied.sync(result, configMap("2"), "kubectl");

        assertThat(result.get("data")).isEqualTo(json("{'a':'2'}"));
        assertThat(result.path("metadata").path("annotations").path(LAST_APPLIED).asText())
                .isEqualTo(SYNCED);
        assertThat(result.path("metadata").path("managedFields")).isEqualTo(json("{'list':[{'manager':"
                + "'kubectl-last-applied','operation':'Apply','apiVersion':'v1','fieldsType':'FieldsV1',"
                + "'fieldsV1':{'f:metadata':{'f:annotations':{'f:" + LAST_APPLIED + "':{}}}}},"
                + "{'manager':'kubectl','operation':'Apply','apiVersion':'v1','time':'2025-01-01T00:01:00Z',"
                + "'fieldsType':'FieldsV1','fieldsV1':{'f:data':{'f:a':{}}}}]}").get("list"));
    }

    @Test
    void onlyKubectlsApplyRewritesAnExistingLastAppliedAnnotation() {
        ObjectNode plain = configMap("2");
        LastApplied.sync(plain, configMap("2"), "kubectl");
        assertThat(plain.path("metadata").has("annotations")).isFalse();

        ObjectNode other = configMap("2");
        other.withObjectProperty("metadata").putObject("annotations").put(LAST_APPLIED, lastApplied("1"));
        LastApplied.sync(other, configMap("2"), "helm");
        assertThat(other.path("metadata").path("annotations").path(LAST_APPLIED).asText()).isEqualTo(lastApplied("1"));

        LastApplied.sync(other, configMap("2"), "kubectl");
        assertThat(other.path("metadata").path("annotations").path(LAST_APPLIED).asText()).isEqualTo(SYNCED);
    }
}
