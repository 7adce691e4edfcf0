package io.drover.workload;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The arithmetic of rolling updates: fenceposts, NewRSNewReplicas and proportional scaling. */
class RolloutMathTest {
    private static Deployment rolling(int replicas, IntOrString surge, IntOrString unavailable) {
        return new DeploymentBuilder().withNewMetadata().withName("web").endMetadata().withNewSpec()
                .withReplicas(replicas).withNewStrategy().withType("RollingUpdate").withNewRollingUpdate()
                .withMaxSurge(surge).withMaxUnavailable(unavailable).endRollingUpdate().endStrategy().endSpec().build();
    }

    private static ReplicaSet rs(String name, String created, int spec, int statusReplicas, String maxReplicas) {
        return new ReplicaSetBuilder().withNewMetadata().withName(name).withCreationTimestamp(created)
                .addToAnnotations(Revisions.MAX_REPLICAS, maxReplicas).endMetadata()
                .withNewSpec().withReplicas(spec).endSpec().withNewStatus().withReplicas(statusReplicas).endStatus()
                .build();
    }

    @Test
    void percentagesRoundSurgeUpAndUnavailabilityDown() {
        Deployment d = rolling(4, new IntOrString("30%"), new IntOrString("30%"));
        assertThat(DeploymentStatuses.maxSurge(d)).isEqualTo(2);
        assertThat(DeploymentStatuses.maxUnavailable(d)).isEqualTo(1);
        Deployment tiny = rolling(3, new IntOrString("25%"), new IntOrString("25%"));
        assertThat(DeploymentStatuses.maxSurge(tiny)).isEqualTo(1);
        assertThat(DeploymentStatuses.maxUnavailable(tiny)).isZero();
    }

    @Test
    void aPercentageOfAnyLengthIsComputedAndHeldWhereReplicasPlusItFit() {
        // Validation takes any digits before the %; an int parse stalled the Deployment's every sync.
        Deployment d = rolling(10, new IntOrString("99999999999%"), new IntOrString("100000000000000000000000%"));
        assertThat(DeploymentStatuses.maxSurge(d)).isEqualTo(Integer.MAX_VALUE - 10);
        assertThat(DeploymentStatuses.maxUnavailable(d)).isEqualTo(10);
        assertThat(DeploymentStatuses.maxSurge(rolling(2, new IntOrString("99999999999%"), new IntOrString(0))))
                .isEqualTo(2_000_000_000);
    }

    @Test
    void bothFencepostsZeroMeansOneUnavailable() {
        Deployment d = rolling(10, new IntOrString("0%"), new IntOrString(0));
        assertThat(DeploymentStatuses.maxSurge(d)).isZero();
        assertThat(DeploymentStatuses.maxUnavailable(d)).isEqualTo(1);
    }

    @Test
    void newReplicaSetGrowsByTheSurgeAndNeverBeyondReplicas() {
        Deployment d = rolling(10, new IntOrString(3), new IntOrString(2));
        ReplicaSet old = rs("old", "2024-01-01T00:00:00Z", 10, 10, "13");
        assertThat(RollingUpdate.newReplicas(d, List.of(old), 0)).isEqualTo(3);
        ReplicaSet oldDown = rs("old", "2024-01-01T00:00:00Z", 2, 2, "13");
        ReplicaSet current = rs("new", "2024-01-02T00:00:00Z", 8, 8, "13");
        assertThat(RollingUpdate.newReplicas(d, List.of(oldDown, current), 8)).isEqualTo(10);
    }

    @Test
    void podsAnOldReplicaSetHasNotRemovedYetCountAgainstTheSurge() {
        Deployment d = rolling(10, new IntOrString(3), new IntOrString(2));
        // Scaled to 5, but its status still reports 10 pods: nothing may be added yet.
        ReplicaSet old = rs("old", "2024-01-01T00:00:00Z", 5, 10, "13");
        ReplicaSet current = rs("new", "2024-01-02T00:00:00Z", 3, 3, "13");
        assertThat(RollingUpdate.newReplicas(d, List.of(old, current), 3)).isEqualTo(3);
    }

    @Test
    void scalingDuringARolloutIsProportionalWithLeftoversToTheLargest() {
        // Kubernetes' example: 10 replicas, surge 3, rollout at old 8 + new 5; scaled to 15.
        Deployment d = rolling(15, new IntOrString(3), new IntOrString(2));
        ReplicaSet old = rs("old", "2024-01-01T00:00:00Z", 8, 8, "13");
        ReplicaSet current = rs("new", "2024-01-02T00:00:00Z", 5, 5, "13");
        ProportionalScaling.Plan plan = ProportionalScaling.plan(d, List.of(old, current));
        assertThat(plan.operation()).isEqualTo("up");
        Map<String, Integer> sizes = plan.sizes().entrySet().stream()
                .collect(Collectors.toMap(e -> e.getKey().getMetadata().getName(), Map.Entry::getValue));
        // 18 allowed, 13 now: old 8*18/13 = 11.08 -> +3, new 5*18/13 = 6.9 -> +2.
        assertThat(sizes).containsEntry("old", 11).containsEntry("new", 7);
        assertThat(plan.sizes().keySet()).extracting(rs -> rs.getMetadata().getName()).containsExactly("old", "new");

        Deployment down = rolling(5, new IntOrString(3), new IntOrString(2));
        ProportionalScaling.Plan shrink = ProportionalScaling.plan(down, List.of(old, current));
        assertThat(shrink.operation()).isEqualTo("down");
        assertThat(shrink.sizes().values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(8);
    }

    @Test
    void roundingIsGoMathRound() {
        assertThat(ProportionalScaling.roundHalfAwayFromZero(2.5)).isEqualTo(3);
        assertThat(ProportionalScaling.roundHalfAwayFromZero(-2.5)).isEqualTo(-3);
        assertThat(ProportionalScaling.roundHalfAwayFromZero(-2.4)).isEqualTo(-2);
    }
}
