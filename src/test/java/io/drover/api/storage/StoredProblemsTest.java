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

    /**
     * A pod whose status was stored before the status rules (a custom condition type that is no qualified name)
     * still takes status writes, as the agent's, which carry that condition forward; a new problem is refused.
     * A write that leaves out the QoS class keeps it, and the single IP field leads the list.
     */
    @Test
    void aStatusWriteMayKeepAProblemTheStoredStatusHadButNotAddOne() throws Exception {
        ResourceType pods = REGISTRY.find("", "v1", "pods").orElseThrow();
        temp.store().create("/registry/pods/default/old", ("{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":"
                + "{\"name\":\"old\",\"namespace\":\"default\",\"uid\":\"u2\",\"creationTimestamp\":"
                + "\"2026-01-01T00:00:00Z\"},\"spec\":{\"containers\":[{\"name\":\"a\",\"image\":\"x\"}]},"
                + "\"status\":{\"phase\":\"Pending\",\"qosClass\":\"BestEffort\","
                + "\"conditions\":[{\"type\":\"my gate\",\"status\":\"True\"}]}}").getBytes(UTF_8));

        ObjectNode running = storage.update(pods, "default", "old", pod -> {
            ObjectNode status = pod.withObject("status");
            status.put("phase", "Running").remove("qosClass");
            status.put("podIP", "10.0.0.7").putArray("podIPs").addObject().put("ip", "10.0.0.8");
            return pod;
        }, true, false);
        assertThat(running.path("status").path("phase").asText()).isEqualTo("Running");
        assertThat(running.path("status").path("qosClass").asText()).isEqualTo("BestEffort");
        assertThat(running.path("status").path("podIPs").toString()).isEqualTo("[{\"ip\":\"10.0.0.7\"}]");

        assertThatThrownBy(() -> storage.update(pods, "default", "old", pod -> {
            pod.withObject("status").put("qosClass", "Guaranteed");
            return pod;
        }, true, false)).isInstanceOf(ApiException.class).hasMessageContaining("status.qosClass")
                .hasMessageNotContaining("my gate");
    }
}
