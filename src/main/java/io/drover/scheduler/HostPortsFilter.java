package io.drover.scheduler;

import java.util.List;

/**
 * An explicit hostPort may be used once per node, protocol and address. Ports without a hostPort
 * get a free host port from the node agent, so they never conflict.
 */
final class HostPortsFilter implements Filter {
    static final String REASON = "node(s) didn't have free ports for the requested pod ports";

    @Override
    public boolean preemptionMightHelp(List<String> reasons) {
        return true; // NodePorts: Unschedulable
    }

    @Override
    public List<String> reject(PodInfo pod, NodeInfo node, ClusterSnapshot snapshot) {
        if (pod.hostPorts().isEmpty()) {
            return List.of();
        }
        boolean conflict = snapshot.podsOn(node.name()).stream()
                .flatMap(other -> other.hostPorts().stream())
                .anyMatch(used -> pod.hostPorts().stream().anyMatch(used::conflictsWith));
        return conflict ? List.of(REASON) : List.of();
    }
}
