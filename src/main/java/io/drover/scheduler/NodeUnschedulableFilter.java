package io.drover.scheduler;

import java.util.List;

/** A cordoned node (spec.unschedulable) takes only pods that tolerate node.kubernetes.io/unschedulable. */
final class NodeUnschedulableFilter implements Filter {
    static final String REASON = "node(s) were unschedulable";
    private static final Taint CORDON = new Taint(NodeInfo.UNSCHEDULABLE, "", Taint.NO_SCHEDULE);

    @Override
    public List<String> reject(PodInfo pod, NodeInfo node, ClusterSnapshot snapshot) {
        if (!node.unschedulable() || pod.tolerations().stream().anyMatch(t -> t.tolerates(CORDON))) {
            return List.of();
        }
        return List.of(REASON);
    }
}
