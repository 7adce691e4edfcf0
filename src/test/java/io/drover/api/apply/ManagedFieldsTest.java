package io.drover.api.apply;

import static io.drover.api.apply.ServerSideApplyTest.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ManagedFieldsTest {
    private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
    private static final Instant T1 = Instant.parse("2025-01-01T00:01:00Z");

    private static ObjectNode pod(String labels, String image) {
        return json("{'apiVersion':'v1','kind':'Pod','metadata':{'name':'p','namespace':'default',"
                + "'resourceVersion':'7','labels':" + labels + "},"
                + "'spec':{'containers':[{'name':'web','image':'" + image + "'}]}}");
    }

    @Test
    void createAttributesEveryFieldToTheManager() {
        ObjectNode created = ManagedFields.recordUpdate(null, pod("{'app':'web'}", "a"), "kubectl-create", T0);

        JsonNode entries = created.path("metadata").path("managedFields");
        assertThat(entries).hasSize(1);
        assertThat(entries.get(0)).isEqualTo(json("""
                {'manager':'kubectl-create','operation':'Update','apiVersion':'v1','time':'2025-01-01T00:00:00Z',
                 'fieldsType':'FieldsV1','fieldsV1':{
                   'f:metadata':{'f:labels':{'.':{},'f:app':{}}},
                   'f:spec':{'f:containers':{'.':{},'K':{'.':{},'f:image':{},'f:name':{}}}}}}
                """.replace("'K'", "'k:{\\\"name\\\":\\\"web\\\"}'")));
    }

    @Test
    void anUpdateTakesTheChangedFieldFromTheOtherManager() {
        ObjectNode created = ManagedFields.recordUpdate(null, pod("{'app':'web'}", "a"), "kubectl-create", T0);
        ObjectNode next = pod("{'app':'web'}", "b");
        next.withObjectProperty("metadata").set("managedFields", created.path("metadata").path("managedFields"));

        ObjectNode updated = ManagedFields.recordUpdate(created, next, "kubectl-set", T1);

        JsonNode entries = updated.path("metadata").path("managedFields");
        assertThat(entries).extracting(e -> e.path("manager").asText())
                .containsExactly("kubectl-create", "kubectl-set");
        JsonNode webByCreate = entries.get(0).path("fieldsV1").path("f:spec").path("f:containers")
                .path("k:{\"name\":\"web\"}");
        assertThat(webByCreate.has("f:image")).isFalse();
        assertThat(webByCreate.has("f:name")).isTrue();
        assertThat(entries.get(1).get("fieldsV1")).isEqualTo(json(
                "{'f:spec':{'f:containers':{'K':{'f:image':{}}}}}".replace("'K'", "'k:{\\\"name\\\":\\\"web\\\"}'")));
    }

    @Test
    void theFieldsAWritesStrategyResetsAreNeitherOwnedByTheWriterNorTakenFromOthers() {
        var pods = io.drover.api.resource.ResourceRegistry.builtin().find("", "v1", "pods").orElseThrow();
        ObjectNode withStatus = pod("{'app':'web'}", "a");
        withStatus.putObject("status").put("phase", "Pending");
        // A create that carries status (kubectl autoscale's does): the status is reset, so not the creator's.
        ObjectNode created = ManagedFields.recordUpdate(null, withStatus, "creator", T0, "",
                ResetFields.of(pods, ""));
        assertThat(created.at("/metadata/managedFields/0/fieldsV1").has("f:status")).isFalse();

        // The kubelet's status write owns the status; a later main write of another phase takes nothing from it.
        ObjectNode running = created.deepCopy();
        running.withObjectProperty("status").put("phase", "Running");
        ObjectNode reported = ManagedFields.recordUpdate(created, running, "kubelet", T1, "status",
                ResetFields.of(pods, "status"));
        ObjectNode rewritten = reported.deepCopy();
        rewritten.withObjectProperty("status").put("phase", "Failed");
        ObjectNode main = ManagedFields.recordUpdate(reported, rewritten, "creator", T1, "", ResetFields.of(pods, ""));
        assertThat(main.path("metadata").path("managedFields")).anySatisfy(e -> {
            assertThat(e.path("manager").asText()).isEqualTo("kubelet");
            assertThat(e.at("/fieldsV1/f:status/f:phase").isObject()).isTrue();
        }).noneSatisfy(e -> {
            assertThat(e.path("manager").asText()).isEqualTo("creator");
            assertThat(e.path("fieldsV1").has("f:status")).isTrue();
        });
    }

    @Test
    void aSubresourceWriteIsTheManagersEntryForThatSubresource() {
        ObjectNode created = ManagedFields.recordUpdate(null, pod("{'app':'web'}", "a"), "kubelet", T0);
        ObjectNode withStatus = created.deepCopy();
        withStatus.putObject("status").put("phase", "Running");

        ObjectNode updated = ManagedFields.recordUpdate(created, withStatus, "kubelet", T1, "status");

        JsonNode entries = updated.path("metadata").path("managedFields");
        assertThat(entries).extracting(e -> e.path("subresource").asText("-")).containsExactly("-", "status");
        assertThat(entries.get(1).get("fieldsV1")).isEqualTo(json("{'f:status':{'f:phase':{}}}"));
        assertThat(entries.get(0).path("fieldsV1").has("f:status")).isFalse();
    }

    @Test
    void aWriteThatChangesNothingRecordsNothing() {
        ObjectNode created = ManagedFields.recordUpdate(null, pod("{'app':'web'}", "a"), "kubectl-create", T0);

        ObjectNode same = ManagedFields.recordUpdate(created, created, "kubectl-replace", T1);

        assertThat(same).isEqualTo(created);
    }

    @Test
    void removedFieldsLeaveEveryManager() {
        ObjectNode created = ManagedFields.recordUpdate(null, pod("{'app':'web','tier':'x'}", "a"), "kubectl-create",
                T0);

        ObjectNode updated = ManagedFields.recordUpdate(created, pod("{'app':'web'}", "a"), "kubectl-edit", T1);

        JsonNode entries = updated.path("metadata").path("managedFields");
        assertThat(entries).hasSize(1);
        assertThat(entries.get(0).path("fieldsV1").path("f:metadata").path("f:labels").has("f:tier")).isFalse();
    }

    @Test
    void managedFieldsSentWithTheRequestReplaceTheOldOnes() {
        ObjectNode created = ManagedFields.recordUpdate(null, pod("{'app':'web'}", "a"), "kubectl-create", T0);
        ObjectNode cleared = created.deepCopy();
        cleared.withObjectProperty("metadata").putArray("managedFields").addObject();

        ObjectNode updated = ManagedFields.recordUpdate(created, cleared, "kubectl", T1);

        assertThat(updated.path("metadata").has("managedFields")).isFalse();
    }

    @Test
    void managedFieldsSentThatCannotBeDecodedAreIgnored() {
        ObjectNode created = ManagedFields.recordUpdate(null, pod("{'app':'web'}", "a"), "kubectl-create", T0);
        JsonNode stored = created.path("metadata").path("managedFields");
        String valid = "{'manager':'m','operation':'Update','apiVersion':'v1','fieldsType':'FieldsV1',"
                + "'fieldsV1':{'f:metadata':{'f:labels':{'f:app':{}}}}}";
        for (String sent : List.of(
                valid.replace("f:app", "q:x"), valid.replace("f:app", ""), valid.replace("f:app", "i:x"),
                valid.replace("f:app", "k:notjson"), valid.replace("f:app", "v:notjson"),
                valid.replace("f:app", "k:[1]"), valid.replace("'Update'", "'Merge'"),
                valid.replace("'apiVersion':'v1',", ""), valid.replace("'FieldsV1'", "'FieldsV2'"),
                valid.replace("'fieldsType':'FieldsV1',", ""))) {
            ObjectNode next = pod("{'app':'web'}", "b");
            next.withObjectProperty("metadata").putArray("managedFields").add(json(sent));

            ObjectNode updated = ManagedFields.recordUpdate(created, next, "kubectl-set", T1);
            ObjectNode createdAnew = ManagedFields.recordUpdate(null, next, "kubectl-create", T0);

            assertThat(updated.path("metadata").path("managedFields")).as(sent)
                    .extracting(e -> e.path("manager").asText()).containsExactly("kubectl-create", "kubectl-set");
            assertThat(updated.path("metadata").path("managedFields").get(0).path("fieldsV1").path("f:metadata"))
                    .as(sent).isEqualTo(stored.get(0).path("fieldsV1").path("f:metadata"));
            assertThat(createdAnew.path("metadata").path("managedFields")).as(sent)
                    .extracting(e -> e.path("manager").asText()).containsExactly("kubectl-create");
        }
    }

    @Test
    void applyThenUpdateKeepsBothEntriesApplyFirst() {
        ObjectNode applied = ServerSideApply.apply(null, pod("{'app':'web'}", "a"), "kubectl", false,
                io.drover.api.patch.PatchSchema.forKind("v1", "Pod"), T0).merged();
        ObjectNode labelled = applied.deepCopy();
        labelled.withObjectProperty("metadata").withObjectProperty("labels").put("extra", "1");

        ObjectNode updated = ManagedFields.recordUpdate(applied, labelled, "kubectl-label", T1);

        assertThat(updated.path("metadata").path("managedFields")).extracting(e -> e.path("operation").asText())
                .containsExactly("Apply", "Update");
    }
}
