package io.drover.workload;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import java.util.ArrayList;
import java.util.List;

/**
 * A Deployment as last written in this reconcile, its new ReplicaSet (null when it does not exist
 * yet) and the old ones. Each write returns the object the server answered, so later steps of one
 * reconcile see their own writes ({@code with}).
 */
record Sets(Deployment d, ReplicaSet newRS, List<ReplicaSet> old) {
    List<ReplicaSet> all() {
        List<ReplicaSet> all = new ArrayList<>(old);
        if (newRS != null) {
            all.add(newRS);
        }
        return all;
    }

    /** controller.FilterActiveReplicaSets: those with spec.replicas above 0. */
    static List<ReplicaSet> active(List<ReplicaSet> rss) {
        return rss.stream().filter(rs -> rs.getSpec().getReplicas() > 0).toList();
    }

    Sets with(ReplicaSet updated) {
        String uid = updated.getMetadata().getUid();
        if (newRS != null && uid.equals(newRS.getMetadata().getUid())) {
            return new Sets(d, updated, old);
        }
        return new Sets(d, newRS, old.stream().map(o -> uid.equals(o.getMetadata().getUid()) ? updated : o).toList());
    }

    /** GetReplicaCountForReplicaSets: the sum of spec.replicas. */
    static int specReplicas(List<ReplicaSet> rss) {
        return rss.stream().mapToInt(rs -> rs.getSpec().getReplicas()).sum();
    }

    static int available(ReplicaSet rs) {
        return rs.getStatus() == null || rs.getStatus().getAvailableReplicas() == null ? 0
                : rs.getStatus().getAvailableReplicas();
    }

    /** GetActualReplicaCountForReplicaSets: the sum of status.replicas. */
    static int actualReplicas(List<ReplicaSet> rss) {
        return rss.stream().mapToInt(rs -> rs.getStatus() == null || rs.getStatus().getReplicas() == null ? 0
                : rs.getStatus().getReplicas()).sum();
    }
}
