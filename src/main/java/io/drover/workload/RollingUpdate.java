package io.drover.workload;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import java.util.ArrayList;
import java.util.List;

/**
 * One step of a RollingUpdate (Kubernetes' pkg/controller/deployment/rolling.go): scale the new
 * ReplicaSet up as far as maxSurge allows; if it did not move, scale old ReplicaSets down as far as
 * maxUnavailable allows, unhealthy replicas first. The next step comes when a ReplicaSet's status
 * changes (its pods became available, or went), so the pod count never exceeds
 * {@code replicas + maxSurge} and the available count never drops below
 * {@code replicas - maxUnavailable} because of the controller.
 *
 * <p>Scaling down goes through the ReplicaSet, which deletes pods gracefully; taking a pod out of
 * Service endpoints before it is signalled belongs to pod termination, not to this step.
 */
final class RollingUpdate {
    /** The sets after the step, and whether any ReplicaSet was resized. */
    record Step(Sets sets, boolean scaled) {}

    private final ReplicaSetScaler scaler;

    RollingUpdate(ReplicaSetScaler scaler) {
        this.scaler = scaler;
    }

    /** rolloutRolling without the status: up if possible, else down. {@code sets.newRS()} must exist. */
    Step step(Sets sets) {
        Step up = reconcileNewReplicaSet(sets);
        if (up.scaled()) {
            return up;
        }
        return reconcileOldReplicaSets(sets);
    }

    private Step reconcileNewReplicaSet(Sets sets) {
        Deployment d = sets.d();
        ReplicaSet newRS = sets.newRS();
        int replicas = d.getSpec().getReplicas();
        int current = newRS.getSpec().getReplicas();
        if (current == replicas) {
            return new Step(sets, false);
        }
        int target = current > replicas ? replicas : newReplicas(d, sets.all(), current);
        ReplicaSet scaled = scaler.scaleAndRecord(newRS, target, d);
        return new Step(sets.with(scaled), target != current);
    }

    /**
     * NewRSNewReplicas: the new ReplicaSet's size after scaling up as far as the surge allows,
     * never above spec.replicas. Recreate takes the full count at once.
     */
    static int newReplicas(Deployment d, List<ReplicaSet> all, int newRSReplicas) {
        int replicas = d.getSpec().getReplicas();
        if (!DeploymentStatuses.isRollingUpdate(d)) {
            return replicas;
        }
        int maxTotal = replicas + DeploymentStatuses.maxSurge(d);
        int currentPods = all.stream().mapToInt(RollingUpdate::podsAtMost).sum();
        if (currentPods >= maxTotal) {
            return newRSReplicas;
        }
        return newRSReplicas + Math.min(maxTotal - currentPods, replicas - newRSReplicas);
    }

    /**
     * Deviation: Kubernetes counts spec.replicas here. A ReplicaSet just scaled down still has its
     * surplus pods until its controller deletes them, which its status.replicas still shows;
     * counting the larger keeps the surge bound true of the pods themselves, not only of specs.
     */
    private static int podsAtMost(ReplicaSet rs) {
        int actual = rs.getStatus() == null || rs.getStatus().getReplicas() == null ? 0 : rs.getStatus().getReplicas();
        return Math.max(rs.getSpec().getReplicas(), actual);
    }

    /**
     * Available replicas that will stay: a ReplicaSet whose status has not caught up with a scale
     * down may still report pods that are going. Deviation from Kubernetes, which counts
     * status.availableReplicas alone and so can, for a moment, take more than maxUnavailable away.
     */
    private static int staying(ReplicaSet rs) {
        return Math.min(Sets.available(rs), rs.getSpec().getReplicas());
    }

    private Step reconcileOldReplicaSets(Sets sets) {
        Deployment d = sets.d();
        List<ReplicaSet> oldActive = Sets.active(sets.old());
        if (Sets.specReplicas(oldActive) == 0) {
            return new Step(sets, false);
        }
        ReplicaSet newRS = sets.newRS();
        int allPods = Sets.specReplicas(sets.all());
        int minAvailable = d.getSpec().getReplicas() - DeploymentStatuses.maxUnavailable(d);
        int newRSUnavailable = newRS.getSpec().getReplicas() - Sets.available(newRS);
        // Unavailable new pods count against the budget too: otherwise a new version that never
        // becomes available would let the old one drain away (rolling.go's "case 1").
        int maxScaledDown = allPods - minAvailable - newRSUnavailable;
        if (maxScaledDown <= 0) {
            return new Step(sets, false);
        }
        Step cleaned = cleanupUnhealthyReplicas(sets, oldActive, maxScaledDown);
        Step down = scaleDownForRollingUpdate(cleaned.sets());
        return new Step(down.sets(), cleaned.scaled() || down.scaled());
    }

    /**
     * cleanupUnhealthyReplicas: old ReplicaSets lose their not-available replicas first (oldest
     * ReplicaSet first), which costs no availability; the ReplicaSet deletes not-ready pods first.
     */
    private Step cleanupUnhealthyReplicas(Sets sets, List<ReplicaSet> oldActive, int maxCleanup) {
        int total = 0;
        for (ReplicaSet rs : byCreation(oldActive)) {
            if (total >= maxCleanup) {
                break;
            }
            int spec = rs.getSpec().getReplicas();
            int available = Sets.available(rs);
            if (spec == 0 || spec <= available) {
                continue;
            }
            int count = Math.min(maxCleanup - total, spec - available);
            sets = sets.with(scaler.scaleAndRecord(rs, spec - count, sets.d()));
            total += count;
        }
        return new Step(sets, total > 0);
    }

    /** scaleDownOldReplicaSetsForRollingUpdate: only what stays above replicas - maxUnavailable available. */
    private Step scaleDownForRollingUpdate(Sets sets) {
        Deployment d = sets.d();
        int minAvailable = d.getSpec().getReplicas() - DeploymentStatuses.maxUnavailable(d);
        int available = sets.all().stream().mapToInt(RollingUpdate::staying).sum();
        if (available <= minAvailable) {
            return new Step(sets, false);
        }
        int toScaleDown = available - minAvailable;
        int total = 0;
        for (ReplicaSet rs : byCreation(Sets.active(sets.old()))) {
            if (total >= toScaleDown) {
                break;
            }
            int spec = rs.getSpec().getReplicas();
            int count = Math.min(spec, toScaleDown - total);
            sets = sets.with(scaler.scaleAndRecord(rs, spec - count, d));
            total += count;
        }
        return new Step(sets, total > 0);
    }

    private static List<ReplicaSet> byCreation(List<ReplicaSet> rss) {
        List<ReplicaSet> sorted = new ArrayList<>(rss);
        sorted.sort(ReplicaSetOrder.BY_CREATION);
        return sorted;
    }
}
