package io.drover.workload;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetStatus;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatusesTest {
    private static final Instant NOW = Instant.parse("2024-01-01T00:10:00Z");

    @Test
    void replicaSetStatusCountsActivePodsReadyAndFullyLabeled() {
        ReplicaSet rs = PodsTest.replicaSet(3);
        Pod labeledReady = new PodBuilder(PodsTest.pod("a", "Running", true, null)).editMetadata()
                .addToLabels("pod-template-hash", "5d9c8f7b6").endMetadata().build();
        Pod partlyLabeled = PodsTest.pod("b", "Pending", false, null);
        ReplicaSetStatus status = ReplicaSetStatuses.calculate(rs, List.of(labeledReady, partlyLabeled), null, NOW);
        assertThat(status.getReplicas()).isEqualTo(2);
        assertThat(status.getFullyLabeledReplicas()).isEqualTo(1);
        assertThat(status.getReadyReplicas()).isEqualTo(1);
        assertThat(status.getAvailableReplicas()).isEqualTo(1);
        assertThat(status.getObservedGeneration()).isEqualTo(2L);
        assertThat(status.getConditions()).isEmpty();
        assertThat(ReplicaSetStatuses.changed(rs, status)).isTrue();
    }

    @Test
    void aFailedCreateSetsReplicaFailureAndSuccessClearsIt() {
        ReplicaSet rs = PodsTest.replicaSet(3);
        ReplicaSetStatus failed = ReplicaSetStatuses.calculate(rs, List.of(), new RuntimeException("quota"), NOW);
        assertThat(failed.getConditions()).singleElement().satisfies(c -> {
            assertThat(c.getType()).isEqualTo("ReplicaFailure");
            assertThat(c.getReason()).isEqualTo("FailedCreate");
            assertThat(c.getMessage()).isEqualTo("quota");
        });
        ReplicaSet withFailure = new ReplicaSetBuilder(rs).withStatus(failed).build();
        assertThat(ReplicaSetStatuses.calculate(withFailure, List.of(), null, NOW).getConditions()).isEmpty();
    }

    private static Deployment deployment(int replicas, long generation) {
        return new DeploymentBuilder().withNewMetadata().withName("web").withGeneration(generation).endMetadata()
                .withNewSpec().withReplicas(replicas).withProgressDeadlineSeconds(600).withNewStrategy()
                .withType("RollingUpdate").withNewRollingUpdate().withMaxSurge(new IntOrString("25%"))
                .withMaxUnavailable(new IntOrString("25%")).endRollingUpdate().endStrategy().endSpec().build();
    }

    private static ReplicaSet rsWith(String name, int spec, int replicas, int ready, int available) {
        return new ReplicaSetBuilder().withNewMetadata().withName(name).endMetadata().withNewSpec().withReplicas(spec)
                .endSpec().withNewStatus().withReplicas(replicas).withReadyReplicas(ready)
                .withAvailableReplicas(available).endStatus().build();
    }

    @Test
    void deploymentStatusSumsItsReplicaSets() {
        Deployment d = deployment(4, 3);
        ReplicaSet newRS = rsWith("web-new", 4, 3, 2, 2);
        ReplicaSet oldRS = rsWith("web-old", 1, 1, 1, 1);
        DeploymentStatus s = DeploymentStatuses.calculate(List.of(oldRS, newRS), newRS, d, NOW);
        assertThat(s.getObservedGeneration()).isEqualTo(3L);
        assertThat(s.getReplicas()).isEqualTo(4);
        assertThat(s.getUpdatedReplicas()).isEqualTo(3);
        assertThat(s.getReadyReplicas()).isEqualTo(3);
        assertThat(s.getAvailableReplicas()).isEqualTo(3);
        assertThat(s.getUnavailableReplicas()).isEqualTo(2);
        // maxUnavailable 25% of 4 = 1: 3 available is the minimum.
        assertThat(DeploymentStatuses.condition(s, "Available")).get().satisfies(c -> {
            assertThat(c.getStatus()).isEqualTo("True");
            assertThat(c.getReason()).isEqualTo("MinimumReplicasAvailable");
            assertThat(c.getMessage()).isEqualTo("Deployment has minimum availability.");
        });
    }

    @Test
    void withoutRunningPodsTheDeploymentLacksMinimumAvailability() {
        Deployment d = deployment(3, 1);
        ReplicaSet rs = rsWith("web-abc", 3, 3, 0, 0);
        DeploymentStatus s = DeploymentStatuses.rollout(List.of(rs), rs, d, NOW);
        assertThat(s.getUnavailableReplicas()).isEqualTo(3);
        assertThat(DeploymentStatuses.condition(s, "Available")).get().satisfies(c -> {
            assertThat(c.getStatus()).isEqualTo("False");
            assertThat(c.getReason()).isEqualTo("MinimumReplicasUnavailable");
            assertThat(c.getMessage()).isEqualTo("Deployment does not have minimum availability.");
        });
        assertThat(DeploymentStatuses.condition(s, "Progressing")).get().satisfies(c -> {
            assertThat(c.getReason()).isEqualTo("ReplicaSetUpdated");
            assertThat(c.getMessage()).isEqualTo("ReplicaSet \"web-abc\" is progressing.");
        });
    }

    @Test
    void aCompleteRolloutReportsNewReplicaSetAvailable() {
        Deployment d = deployment(3, 2);
        ReplicaSet rs = rsWith("web-5d9c8f7b6", 3, 3, 3, 3);
        DeploymentStatus s = DeploymentStatuses.rollout(List.of(rs), rs, d, NOW);
        assertThat(DeploymentStatuses.condition(s, "Progressing")).get().satisfies(c -> {
            assertThat(c.getStatus()).isEqualTo("True");
            assertThat(c.getReason()).isEqualTo("NewReplicaSetAvailable");
            assertThat(c.getMessage()).isEqualTo("ReplicaSet \"web-5d9c8f7b6\" has successfully progressed.");
        });
        assertThat(DeploymentStatuses.isComplete(d, s)).isTrue();
    }

    @Test
    void noProgressPastTheDeadlineTimesOut() {
        Deployment d = new DeploymentBuilder(deployment(3, 1)).withNewStatus().withObservedGeneration(1L)
                .withReplicas(3).withUpdatedReplicas(3).addNewCondition().withType("Progressing").withStatus("True")
                .withReason("NewReplicaSetCreated").withLastUpdateTime("2024-01-01T00:00:00Z")
                .withLastTransitionTime("2024-01-01T00:00:00Z").endCondition().endStatus().build();
        ReplicaSet rs = rsWith("web-abc", 3, 3, 0, 0);
        DeploymentStatus s = DeploymentStatuses.rollout(List.of(rs), rs, d, NOW.plusSeconds(600));
        assertThat(DeploymentStatuses.condition(s, "Progressing")).get().satisfies(c -> {
            assertThat(c.getStatus()).isEqualTo("False");
            assertThat(c.getReason()).isEqualTo("ProgressDeadlineExceeded");
            assertThat(c.getMessage()).isEqualTo("ReplicaSet \"web-abc\" has timed out progressing.");
        });
    }

    @Test
    void surgeRoundsUpUnavailableRoundsDown() {
        assertThat(DeploymentStatuses.maxSurge(deployment(3, 1))).isEqualTo(1);
        assertThat(DeploymentStatuses.maxUnavailable(deployment(3, 1))).isZero();
        assertThat(DeploymentStatuses.maxUnavailable(deployment(10, 1))).isEqualTo(2);
        Deployment recreate = new DeploymentBuilder(deployment(3, 1)).editSpec().withNewStrategy().withType("Recreate")
                .endStrategy().endSpec().build();
        assertThat(DeploymentStatuses.maxSurge(recreate)).isZero();
    }

    @Test
    void revisionHistoryKeepsTheNewestScaledDownReplicaSets() {
        Deployment d = new DeploymentBuilder(deployment(3, 1)).editSpec().withRevisionHistoryLimit(1).endSpec().build();
        ReplicaSet r1 = revision(rsWith("r1", 0, 0, 0, 0), 1);
        ReplicaSet r2 = revision(rsWith("r2", 0, 0, 0, 0), 2);
        ReplicaSet r3 = revision(rsWith("r3", 1, 1, 0, 0), 3);
        ReplicaSet r4 = revision(rsWith("r4", 0, 0, 0, 0), 4);
        // r3 still has replicas, so it is spared even though it is beyond the limit.
        assertThat(Revisions.beyondHistoryLimit(d, List.of(r4, r3, r2, r1))).extracting(r -> r.getMetadata().getName())
                .containsExactly("r1", "r2");
    }

    @Test
    void rollingBackToAnOldReplicaSetGivesItTheNextRevisionAndRemembersTheOld() {
        Deployment d = new DeploymentBuilder(deployment(3, 1)).editMetadata().addToAnnotations("team", "a")
                .addToAnnotations(Revisions.LAST_APPLIED, "{}").endMetadata().build();
        ReplicaSet rs = revision(rsWith("r1", 0, 0, 0, 0), 1);
        assertThat(Revisions.setNewReplicaSetAnnotations(d, rs, 3, true, 1)).isTrue();
        assertThat(rs.getMetadata().getAnnotations()).containsEntry(Revisions.REVISION, "3")
                .containsEntry(Revisions.REVISION_HISTORY, "1").containsEntry("team", "a")
                .doesNotContainKey(Revisions.LAST_APPLIED);
        assertThat(Revisions.setNewReplicaSetAnnotations(d, rs, 3, true, 1)).isFalse();
    }

    private static ReplicaSet revision(ReplicaSet rs, int revision) {
        return new ReplicaSetBuilder(rs).editMetadata().addToAnnotations(Revisions.REVISION, Integer.toString(revision))
                .endMetadata().build();
    }
}
