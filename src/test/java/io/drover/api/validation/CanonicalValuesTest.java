package io.drover.api.validation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drover.json.Mappers;
import org.junit.jupiter.api.Test;

/** Times are stored as metav1.Time's and MicroTime's MarshalJSON write them (quantities: {@link QuantitiesTest}). */
class CanonicalValuesTest {
    private static final ObjectMapper JSON = Mappers.json();

    @Test
    void timesAreStoredInUtcToTheSecond() throws Exception {
        JsonNode pod = JSON.readTree("""
                {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p",
                  "managedFields": [{"manager": "js", "operation": "Update", "time": "2026-12-02T09:21:13.000Z"}]},
                 "status": {"startTime": "2026-12-02T11:08:05.999+02:00",
                   "conditions": [{"type": "Ready", "status": "True", "lastTransitionTime": "2026-12-02T09:08:05,5Z"}],
                   "containerStatuses": [{"name": "c", "state": {"running": {"startedAt": "2026-12-02T1:02:03-24:00"}}}]}}
                """);

        CanonicalValues.canonicalize("v1", "Pod", pod);

        assertThat(pod.at("/metadata/managedFields/0/time").asText()).isEqualTo("2026-12-02T09:21:13Z");
        assertThat(pod.at("/status/startTime").asText()).isEqualTo("2026-12-02T09:08:05Z");
        assertThat(pod.at("/status/conditions/0/lastTransitionTime").asText()).isEqualTo("2026-12-02T09:08:05Z");
        // Go reads a one-digit hour and offsets up to 24 hours.
        assertThat(pod.at("/status/containerStatuses/0/state/running/startedAt").asText())
                .isEqualTo("2026-12-03T01:02:03Z");
    }

    @Test
    void microTimesAreStoredInUtcWithSixDigits() throws Exception {
        JsonNode lease = JSON.readTree("""
                {"apiVersion": "coordination.k8s.io/v1", "kind": "Lease", "metadata": {"name": "l"},
                 "spec": {"renewTime": "2026-12-02T09:08:05.123456+02:00", "acquireTime": "2026-12-02T09:08:05.000001Z"}}
                """);

        CanonicalValues.canonicalize("coordination.k8s.io/v1", "Lease", lease);

        assertThat(lease.at("/spec/renewTime").asText()).isEqualTo("2026-12-02T07:08:05.123456Z");
        assertThat(lease.at("/spec/acquireTime").asText()).isEqualTo("2026-12-02T09:08:05.000001Z");
    }

    @Test
    void nullsAndStringsThatAreNoTimesAreLeftAlone() throws Exception {
        JsonNode lease = JSON.readTree("""
                {"apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
                 "metadata": {"name": "l", "annotations": {"at": "2026-12-02T09:08:05.5Z"}},
                 "spec": {"renewTime": null, "holderIdentity": "2026-12-02T09:08:05.5Z"}}
                """);

        CanonicalValues.canonicalize("coordination.k8s.io/v1", "Lease", lease);

        assertThat(lease.at("/spec/renewTime").isNull()).isTrue();
        assertThat(lease.at("/spec/holderIdentity").asText()).isEqualTo("2026-12-02T09:08:05.5Z");
        assertThat(lease.at("/metadata/annotations/at").asText()).isEqualTo("2026-12-02T09:08:05.5Z");
    }
}
