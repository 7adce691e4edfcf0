package io.drover.api.storage;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.ApiException;
import io.drover.api.ClusterBootstrap;
import io.drover.api.resource.ResourceRegistry;
import io.drover.api.resource.ResourceType;
import io.drover.api.service.ServiceAllocations;
import io.drover.testing.TempSqliteStore;
import java.time.Clock;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** An object stored before a rule (here: selector values must be label values) stays writable; no update may add a problem. */
class StoredProblemsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ResourceRegistry REGISTRY = ResourceRegistry.builtin();
    private static final ResourceType PDBS = REGISTRY.find("policy", "v1", "poddisruptionbudgets").orElseThrow();

    @RegisterExtension
    final TempSqliteStore temp = new TempSqliteStore("drover-stored-problems");
    private ObjectStorage storage;

    @BeforeEach
    void bootstrap() {
        storage = new ObjectStorage(temp.store(), JSON, Clock.systemUTC(), ServiceAllocations.defaults(), new Random());
        ClusterBootstrap.run(storage, REGISTRY, JSON);
    }

    @Test
    void anUpdateMayKeepAProblemTheStoredObjectHadButNotAddOne() throws Exception {
        // Written straight to the store, as a server before the rule stored it.
        temp.store().create("/registry/poddisruptionbudgets/default/old", ("{\"apiVersion\":\"policy/v1\","
                + "\"kind\":\"PodDisruptionBudget\",\"metadata\":{\"name\":\"old\",\"namespace\":\"default\","
                + "\"uid\":\"u1\",\"creationTimestamp\":\"2026-01-01T00:00:00Z\",\"finalizers\":[\"example.com/hold\"]},"
                + "\"spec\":{\"minAvailable\":1,\"selector\":{\"matchExpressions\":[{\"key\":\"app\",\"operator\":\"In\","
                + "\"values\":[\"bad value\"]}]}}}").getBytes(UTF_8));

        ObjectNode relabelled = storage.update(PDBS, "default", "old", pdb -> {
            pdb.withObject("metadata").putObject("labels").put("team", "a");
            ((ObjectNode) pdb.get("metadata")).remove("finalizers");
            return pdb;
        }, false, false);
        assertThat(relabelled.path("metadata").path("labels").path("team").asText()).isEqualTo("a");

        assertThatThrownBy(() -> storage.update(PDBS, "default", "old", pdb -> {
            pdb.withObject("spec").put("minAvailable", -1);
            return pdb;
        }, false, false)).isInstanceOf(ApiException.class).hasMessageContaining("spec.minAvailable")
                .hasMessageNotContaining("bad value");
    }
}
