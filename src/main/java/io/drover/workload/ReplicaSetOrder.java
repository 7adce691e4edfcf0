package io.drover.workload;

import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import java.time.Instant;
import java.util.Comparator;

/** Kubernetes' ReplicaSet sort orders (pkg/controller/controller_utils.go). */
final class ReplicaSetOrder {
    private ReplicaSetOrder() {}

    /** ReplicaSetsByCreationTimestamp: oldest first, ties by name. */
    static final Comparator<ReplicaSet> BY_CREATION = Comparator.comparing(ReplicaSetOrder::created)
            .thenComparing(rs -> rs.getMetadata().getName());

    /** ReplicaSetsBySizeOlder: larger first; among equal sizes, older first. */
    static final Comparator<ReplicaSet> BY_SIZE_OLDER = Comparator
            .comparing((ReplicaSet rs) -> rs.getSpec().getReplicas()).reversed().thenComparing(BY_CREATION);

    /** ReplicaSetsBySizeNewer: larger first; among equal sizes, newer first. */
    static final Comparator<ReplicaSet> BY_SIZE_NEWER = Comparator
            .comparing((ReplicaSet rs) -> rs.getSpec().getReplicas()).reversed()
            .thenComparing(BY_CREATION.reversed());

    private static Instant created(ReplicaSet rs) {
        Instant t = Pods.time(rs.getMetadata().getCreationTimestamp());
        return t == null ? Instant.EPOCH : t;
    }
}
