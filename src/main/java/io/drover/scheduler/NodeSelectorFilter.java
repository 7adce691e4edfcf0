package io.drover.scheduler;

import java.util.List;

/** The node's labels must include every label of the pod's nodeSelector. */
final class NodeSelectorFilter implements Filter {
    static final String REASON = "node(s) didn't match Pod's node affinity/selector";

    @Override
    public List<String> reject(PodInfo pod, NodeInfo node, ClusterSnapshot snapshot) {
        boolean matches = pod.nodeSelector().entrySet().stream()
                .allMatch(e -> e.getValue().equals(node.labels().get(e.getKey())));
        return matches ? List.of() : List.of(REASON);
    }
}
