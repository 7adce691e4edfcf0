package io.drover.scheduler;

import java.util.List;

/** Where the scheduler puts a pod: on a node, nowhere (with kube-scheduler's explanation), or not yet looked at. */
public sealed interface Placement {

    /** The pod fits on {@code nodeName}, the best of the feasible nodes. */
    record Bound(String nodeName) implements Placement {}

    /** No node fits; {@code message} is the aggregated "0/3 nodes are available: ..." text. */
    record Unschedulable(String message) implements Placement {}

    /**
     * The pod has spec.schedulingGates: like kube-scheduler (its SchedulingGates PreEnqueue plugin), drover does not
     * try to place it at all until an update removes the last gate. Its PodScheduled=False/SchedulingGated condition
     * is the API server's to set, not the scheduler's.
     */
    record Gated(List<String> gates) implements Placement {
        public Gated {
            gates = List.copyOf(gates);
        }
    }
}
