package io.drover.scheduler;

import java.util.List;
import java.util.Optional;

/** A node's NoSchedule and NoExecute taints must all be tolerated (the not-ready taint included). */
final class TaintTolerationFilter implements Filter {

    @Override
    public List<String> reject(PodInfo pod, NodeInfo node, ClusterSnapshot snapshot) {
        return untolerated(pod, node)
                .map(t -> List.of("node(s) had untolerated taint {" + t.key() + ": " + t.value() + "}"))
                .orElse(List.of());
    }

    /** The node's first NoSchedule or NoExecute taint the pod does not tolerate. */
    static Optional<Taint> untolerated(PodInfo pod, NodeInfo node) {
        return node.taints().stream()
                .filter(Taint::blocksScheduling)
                .filter(taint -> pod.tolerations().stream().noneMatch(t -> t.tolerates(taint)))
                .findFirst();
    }
}
