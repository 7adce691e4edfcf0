package io.drover.api.apply;

import static io.drover.api.apply.ServerSideApplyTest.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.patch.PatchSchema;
import io.drover.api.resource.ResourceRegistry;
import io.drover.api.resource.ResourceType;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * apiserver's lastAppliedManager: which conflicts of a server-side apply to an object made by {@code kubectl apply}
 * the last-applied-configuration annotation allows (the report's cases A, B and C of fuzzing round 30).
 */
class ClientSideApplyTakeoverTest {
    private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
    private static final Instant T1 = Instant.parse("2025-01-01T00:01:00Z");
    private static final Instant T2 = Instant.parse("2025-01-01T00:02:00Z");
    private static final PatchSchema CONFIG_MAP = PatchSchema.forKind("v1", "ConfigMap");
    private static final PatchSchema DEPLOYMENT = PatchSchema.forKind("apps/v1", "Deployment");
    private static final ResourceType CONFIG_MAPS = ResourceRegistry.builtin().find("", "v1", "configmaps")
            .orElseThrow();
    private static final ResourceType DEPLOYMENTS = ResourceRegistry.builtin().find("apps", "v1", "deployments")
            .orElseThrow();

    private static ObjectNode configMap(String data) {
        return json("{'apiVersion':'v1','kind':'ConfigMap','metadata':{'name':'cm','namespace':'default'},"
                + "'data':" + data + "}");
    }

    /** The ConfigMap as kubectl's client-side apply of {@code data} creates it. */
    private static ObjectNode clientSideApplied(String data) {
        ObjectNode created = configMap(data);
        ObjectNode lastApplied = configMap(data);
        lastApplied.withObjectProperty("metadata").putObject("annotations");
        created.withObjectProperty("metadata").putObject("annotations")
                .put(LastApplied.ANNOTATION, lastApplied.toString());
        return ManagedFields.recordUpdate(null, created, "kubectl-client-side-apply", T0, CONFIG_MAP);
    }

    private static ObjectNode withData(ObjectNode live, String key, String value) {
        ObjectNode changed = live.deepCopy();
        changed.withObjectProperty("data").put(key, value);
        return changed;
    }

    private static ApplyResult apply(ObjectNode live, ObjectNode config, String manager) {
        return apply(live, config, manager, CONFIG_MAPS, CONFIG_MAP);
    }

    private static ApplyResult apply(ObjectNode live, ObjectNode config, String manager, ResourceType type,
            PatchSchema schema) {
        ApplyResult first = ServerSideApply.apply(live, config, manager, false, schema, T2);
        return ClientSideApplyTakeover.resolve(live, type, schema, manager, first,
                () -> ServerSideApply.apply(live, config, manager, true, schema, T2));
    }

    @Test
    void kubectlTakesOverTheFieldsItsClientSideApplySet() {
        ApplyResult result = apply(clientSideApplied("{'k':'v'}"), configMap("{'k':'v2'}"), "kubectl");

        assertThat(result.conflicts()).isEmpty();
        assertThat(result.merged().path("data").path("k").asText()).isEqualTo("v2");
        assertThat(result.merged().path("metadata").path("managedFields").findValuesAsText("manager"))
                .containsExactlyInAnyOrder("kubectl-client-side-apply", "kubectl");
    }

    @Test
    void anotherManagerTakesNothingOver() {
        ApplyResult result = apply(clientSideApplied("{'k':'v'}"), configMap("{'k':'v2'}"), "other");

        assertThat(result.conflictMessage())
                .isEqualTo("Apply failed with 1 conflict: conflict with \"kubectl-client-side-apply\" using v1: .data.k");
    }

    @Test
    void aValueChangedSinceTheClientSideApplyStillConflicts() {
        ObjectNode live = clientSideApplied("{'k':'v'}");
        live = ManagedFields.recordUpdate(live, withData(live, "k", "patched"), "kubectl-patch", T1, CONFIG_MAP);

        ApplyResult result = apply(live, configMap("{'k':'v'}"), "kubectl");

        assertThat(result.conflictMessage())
                .isEqualTo("Apply failed with 1 conflict: conflict with \"kubectl-patch\" using v1: .data.k");
    }

    @Test
    void theConflictsLeftAreThoseTheAnnotationDoesNotAllow() {
        ObjectNode live = clientSideApplied("{'j':'v','k':'v'}");
        live = ManagedFields.recordUpdate(live, withData(live, "k", "patched"), "kubectl-patch", T1, CONFIG_MAP);

        ApplyResult result = apply(live, configMap("{'j':'w','k':'v'}"), "kubectl");

        assertThat(result.conflictMessage())
                .isEqualTo("Apply failed with 1 conflict: conflict with \"kubectl-patch\" using v1: .data.k");
    }

    @Test
    void aFieldAddedSinceTheClientSideApplyIsNotAllowed() {
        ObjectNode live = clientSideApplied("{'k':'v'}");
        live = ManagedFields.recordUpdate(live, withData(live, "n", "new"), "kubectl-edit", T1, CONFIG_MAP);

        ApplyResult result = apply(live, configMap("{'k':'v','n':'mine'}"), "kubectl");

        assertThat(result.conflictMessage())
                .isEqualTo("Apply failed with 1 conflict: conflict with \"kubectl-edit\" using v1: .data.n");
    }

    @Test
    void anAllowedFieldIsTakenFromAnApplierToo() {
        ObjectNode live = clientSideApplied("{'k':'v'}");
        live = ServerSideApply.apply(live, configMap("{'k':'v'}"), "helm", false, CONFIG_MAP, T1).merged();

        ApplyResult result = apply(live, configMap("{'k':'v3'}"), "kubectl");

        assertThat(result.conflicts()).isEmpty();
        assertThat(result.merged().path("data").path("k").asText()).isEqualTo("v3");
    }

    @Test
    void noTakeoverWithoutAnAnnotationOfTheObjectsKindAndVersion() {
        ObjectNode live = clientSideApplied("{'k':'v'}");
        ObjectNode annotations = live.withObjectProperty("metadata").withObjectProperty("annotations");
        String lastApplied = annotations.path(LastApplied.ANNOTATION).asText();

        for (String other : new String[] {"", "not json", lastApplied.replace("\"v1\"", "\"v2\""),
                lastApplied.replace("ConfigMap", "Secret"), lastApplied.replace("\"data\"", "\"undeclared\":1,\"data\"")}) {
            annotations.put(LastApplied.ANNOTATION, other);
            assertThat(apply(live, configMap("{'k':'v2'}"), "kubectl").conflicted()).as(other).isTrue();
        }
    }

    @Test
    void replicasScaledSinceTheClientSideApplyConflictWithTheScaler() {
        String manifest = "{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'web','namespace':"
                + "'default'},'spec':{'replicas':%d,'selector':{'matchLabels':{'app':'web'}},'template':{'metadata':"
                + "{'labels':{'app':'web'}},'spec':{'containers':[{'name':'web','image':'nginx'}]}}}}";
        ObjectNode created = json(manifest.formatted(1));
        created.withObjectProperty("metadata").putObject("annotations")
                .put(LastApplied.ANNOTATION, json(manifest.formatted(1)).toString());
        ObjectNode live = ManagedFields.recordUpdate(null, created, "kubectl-client-side-apply", T0, DEPLOYMENT);
        ObjectNode scaled = live.deepCopy();
        scaled.withObjectProperty("spec").put("replicas", 2);
        // kubectl scale names no field manager: it is the user agent's first word.
        live = ManagedFields.recordUpdate(live, scaled, "kubectl", T1, "scale");

        ApplyResult result = apply(live, json(manifest.formatted(1)), "kubectl", DEPLOYMENTS, DEPLOYMENT);

        assertThat(result.conflictMessage()).isEqualTo("Apply failed with 1 conflict: conflict with "
                + "\"kubectl\" with subresource \"scale\" using apps/v1: .spec.replicas");
    }
}
