package io.drover.api.storage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.resource.ResourceRegistry;
import io.drover.api.resource.ResourceType;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** rest.BeforeDelete for pods, without a store: what a DELETE marks, and when it leaves a pending deletion alone. */
class PodGraceTest {
    private static final ResourceType PODS = ResourceRegistry.builtin().find("", "v1", "pods").orElseThrow();
    private static final ResourceType CONFIGMAPS = ResourceRegistry.builtin().find("", "v1", "configmaps").orElseThrow();
    private static final Instant NOW = Instant.parse("2025-01-01T00:00:00Z");

    private static ObjectNode pod(String nodeName, String phase) {
        ObjectNode pod = new ObjectMapper().createObjectNode();
        pod.putObject("metadata").put("name", "p");
        pod.putObject("spec").put("nodeName", nodeName).put("terminationGracePeriodSeconds", 30);
        pod.putObject("status").put("phase", phase);
        return pod;
    }

    @Test
    void aRunningPodGetsItsGracePeriodFromTheRequestElseItsSpec() {
        ObjectNode requested = pod("n1", "Running");
        ObjectNode fromSpec = pod("n1", "Running");

        assertThat(PodGrace.beforeDelete(PODS, requested, 20L, NOW)).isEqualTo(new PodGrace.Decision(
                PodGrace.Outcome.GRACEFUL, 20));
        assertThat(PodGrace.beforeDelete(PODS, fromSpec, null, NOW).seconds()).isEqualTo(30);
        assertThat(requested.path("metadata").path("deletionTimestamp").asText()).isEqualTo("2025-01-01T00:00:20Z");
        assertThat(requested.path("metadata").path("deletionGracePeriodSeconds").asLong()).isEqualTo(20);
    }

    @Test
    void anUnboundOrFinishedPodIsMarkedWithGraceZero() {
        for (ObjectNode pod : new ObjectNode[] {pod("", "Pending"), pod("n1", "Succeeded"), pod("n1", "Failed")}) {
            assertThat(PodGrace.beforeDelete(PODS, pod, 30L, NOW)).isEqualTo(new PodGrace.Decision(
                    PodGrace.Outcome.GRACEFUL, 0));
            assertThat(pod.path("metadata").path("deletionTimestamp").asText()).isEqualTo("2025-01-01T00:00:00Z");
        }
    }

    @Test
    void aShorterGracePeriodMovesTheDeadlineByTheDifferenceAndNoneOrALongerOneChangesNothing() {
        ObjectNode pod = pod("n1", "Running");
        PodGrace.beforeDelete(PODS, pod, 300L, NOW);
        ObjectNode marked = pod.deepCopy();

        assertThat(PodGrace.beforeDelete(PODS, pod, null, NOW.plusSeconds(10))).isEqualTo(PodGrace.Decision.PENDING);
        assertThat(PodGrace.beforeDelete(PODS, pod, 300L, NOW.plusSeconds(10))).isEqualTo(PodGrace.Decision.PENDING);
        assertThat(pod).isEqualTo(marked);
        assertThat(PodGrace.beforeDelete(PODS, pod, 100L, NOW.plusSeconds(10)).seconds()).isEqualTo(100);
        assertThat(pod.path("metadata").path("deletionTimestamp").asText()).isEqualTo("2025-01-01T00:01:40Z");
        assertThat(PodGrace.beforeDelete(PODS, pod, 0L, NOW.plusSeconds(20)).seconds()).isZero();
        assertThat(pod.path("metadata").path("deletionTimestamp").asText()).isEqualTo("2025-01-01T00:00:00Z");
        // Grace 0 already: nothing graceful is left, the delete goes on (finalizers permitting).
        assertThat(PodGrace.beforeDelete(PODS, pod, 5L, NOW.plusSeconds(30))).isEqualTo(PodGrace.Decision.NOT_GRACEFUL);
    }

    @Test
    void theFirstMarkBumpsAGeneration() {
        ObjectNode pod = pod("n1", "Running");
        pod.withObject("metadata").put("generation", 3);

        PodGrace.beforeDelete(PODS, pod, 5L, NOW);
        PodGrace.beforeDelete(PODS, pod, 1L, NOW);

        assertThat(pod.path("metadata").path("generation").asLong()).isEqualTo(4);
    }

    @Test
    void otherKindsAreNotDeletedGracefully() {
        ObjectNode cm = new ObjectMapper().createObjectNode();
        cm.putObject("metadata").put("name", "c");

        assertThat(PodGrace.beforeDelete(CONFIGMAPS, cm, 30L, NOW)).isEqualTo(PodGrace.Decision.NOT_GRACEFUL);
        assertThat(cm.path("metadata").has("deletionTimestamp")).isFalse();
    }
}
