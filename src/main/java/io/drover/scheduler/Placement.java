package io.drover.scheduler;

/** Where the scheduler puts a pod: on a node, or nowhere, with kube-scheduler's explanation. */
public sealed interface Placement {

    /** The pod fits on {@code nodeName}, the best of the feasible nodes. */
    record Bound(String nodeName) implements Placement {}

    /** No node fits; {@code message} is the aggregated "0/3 nodes are available: ..." text. */
    record Unschedulable(String message) implements Placement {}
}
