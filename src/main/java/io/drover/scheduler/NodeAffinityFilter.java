package io.drover.scheduler;

import java.util.List;

/**
 * kube-scheduler's NodeAffinity filter: the node must have every label of the pod's nodeSelector and match one of
 * the terms of its required node affinity. The narrowing to nodes named by {@code metadata.name} happens before any
 * filter, in {@link Scheduler}, with the reasons below.
 */
final class NodeAffinityFilter implements Filter {
    static final String REASON = "node(s) didn't match Pod's node affinity/selector";
    /** For the nodes the required terms do not name (kube-scheduler leaves them out before filtering). */
    static final String NOT_NAMED = "node(s) didn't satisfy plugin(s) [NodeAffinity]";
    /** For every node when the names in one term contradict each other. */
    static final String CONFLICT = "pod affinity terms conflict";

    @Override
    public List<String> reject(PodInfo pod, NodeInfo node, ClusterSnapshot snapshot) {
        return pod.nodeAffinity().matches(node) ? List.of() : List.of(REASON);
    }
}
