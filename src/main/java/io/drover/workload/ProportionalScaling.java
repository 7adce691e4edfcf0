package io.drover.workload;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a change of spec.replicas in the middle of a rollout is spread over the active ReplicaSets
 * (sync.go scale, deployment_util.go GetReplicaSetProportion / getReplicaSetFraction). Each
 * ReplicaSet moves in proportion to its size against the max-replicas annotation it was last
 * scaled for; rounding leftovers go to the first ReplicaSet in the order (largest, then newest when
 * adding, oldest when removing). Pure: the caller applies the plan.
 */
final class ProportionalScaling {
    /** The new size of each ReplicaSet, in the order to apply them, and the direction for the events. */
    record Plan(Map<ReplicaSet, Integer> sizes, String operation) {}

    private ProportionalScaling() {}

    /** Only meaningful for a RollingUpdate Deployment with several active ReplicaSets. */
    static Plan plan(Deployment d, List<ReplicaSet> active) {
        int replicas = d.getSpec().getReplicas();
        int allowed = replicas > 0 ? replicas + DeploymentStatuses.maxSurge(d) : 0;
        int toAdd = allowed - Sets.specReplicas(active);
        List<ReplicaSet> ordered = new ArrayList<>(active);
        String operation = "";
        if (toAdd > 0) {
            ordered.sort(ReplicaSetOrder.BY_SIZE_NEWER);
            operation = "up";
        } else if (toAdd < 0) {
            ordered.sort(ReplicaSetOrder.BY_SIZE_OLDER);
            operation = "down";
        }
        Map<ReplicaSet, Integer> sizes = new LinkedHashMap<>();
        int added = 0;
        for (ReplicaSet rs : ordered) {
            int size = rs.getSpec().getReplicas();
            if (toAdd != 0) {
                int proportion = proportion(rs, d, toAdd, added);
                size += proportion;
                added += proportion;
            }
            sizes.put(rs, size);
        }
        if (toAdd != 0 && !ordered.isEmpty()) {
            ReplicaSet first = ordered.get(0);
            sizes.put(first, Math.max(0, sizes.get(first) + toAdd - added));
        }
        return new Plan(sizes, operation);
    }

    /** GetReplicaSetProportion: this ReplicaSet's share, never beyond what is left to add or remove. */
    static int proportion(ReplicaSet rs, Deployment d, int toAdd, int added) {
        if (rs.getSpec().getReplicas() == 0 || toAdd == 0 || toAdd == added) {
            return 0;
        }
        int fraction = fraction(rs, d);
        int allowed = toAdd - added;
        return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
    }

    private static int fraction(ReplicaSet rs, Deployment d) {
        int replicas = d.getSpec().getReplicas();
        int size = rs.getSpec().getReplicas();
        if (replicas == 0) {
            return -size;
        }
        int maxNow = replicas + DeploymentStatuses.maxSurge(d);
        int maxBefore = maxReplicasAnnotation(rs);
        if (maxBefore == 0) {
            // Annotation missing or edited away: fall back to the Deployment's current size.
            Integer status = d.getStatus() == null ? null : d.getStatus().getReplicas();
            maxBefore = status == null ? 0 : status;
            if (maxBefore == 0) {
                return 0;
            }
        }
        return roundHalfAwayFromZero((double) size * maxNow / maxBefore) - size;
    }

    private static int maxReplicasAnnotation(ReplicaSet rs) {
        try {
            String v = Revisions.annotations(rs).get(Revisions.MAX_REPLICAS);
            return v == null ? 0 : Integer.parseInt(v);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** Go's math.Round (integer.RoundToInt32): halves away from zero, unlike Java's Math.round. */
    static int roundHalfAwayFromZero(double v) {
        return (int) (Math.signum(v) * Math.floor(Math.abs(v) + 0.5));
    }
}
