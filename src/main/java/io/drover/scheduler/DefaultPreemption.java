package io.drover.scheduler;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.BiFunction;

/**
 * What kube-scheduler's DefaultPreemption PostFilter says when a pod fits nowhere, which ends its FailedScheduling
 * message and PodScheduled condition: "preemption: 0/3 nodes are available: 1 Preemption is not helpful for
 * scheduling, 2 No preemption victims found for incoming pod." (pkg/scheduler/framework/preemption Preempt, its
 * FitError worded as the scheduler's).
 *
 * <p>As there: a pod whose preemptionPolicy is Never is not eligible; a node a filter rejected for good
 * (UnschedulableAndUnresolvable: cordon, taints, node affinity, ...) is one where preemption is not helpful; on
 * the others, the pods of lower priority are the possible victims, and the node is filtered again without all of
 * them, which gives its reasons when it still cannot take the pod. drover does not preempt: where that dry run
 * finds a node (kube would evict its victims and nominate it), there is no sentence, as in kube's message of a
 * cycle whose preemption succeeded, and the pod keeps waiting.
 */
final class DefaultPreemption {
    static final String NOT_HELPFUL = "Preemption is not helpful for scheduling";
    static final String NO_VICTIMS = "No preemption victims found for incoming pod";
    static final String NOT_ELIGIBLE = "not eligible due to preemptionPolicy=Never.";
    private static final String PREFIX = "preemption: ";

    private DefaultPreemption() {}

    /**
     * The PostFilter's message for {@code pod}, which fits on no node of {@code snapshot}.
     *
     * @param preemptible the nodes whose rejection preemption might help (status Unschedulable)
     * @param refilter why a node rejects the pod on a snapshot (empty: it takes it)
     * @return empty when preemption would find a node
     */
    static Optional<String> message(PodInfo pod, ClusterSnapshot snapshot, List<NodeInfo> preemptible,
            BiFunction<ClusterSnapshot, NodeInfo, List<String>> refilter) {
        if (!pod.preemptsOthers()) {
            return Optional.of(PREFIX + NOT_ELIGIBLE);
        }
        Map<String, Integer> reasons = new TreeMap<>();
        for (NodeInfo node : preemptible) {
            List<PodInfo> victims = snapshot.podsOn(node.name()).stream()
                    .filter(other -> other.priority() < pod.priority()).toList();
            if (victims.isEmpty()) {
                reasons.merge(NO_VICTIMS, 1, Integer::sum);
                continue;
            }
            List<String> still = refilter.apply(snapshot.without(victims), node);
            if (still.isEmpty()) {
                return Optional.empty();
            }
            still.forEach(reason -> reasons.merge(reason, 1, Integer::sum));
        }
        int unresolvable = snapshot.nodes().size() - preemptible.size();
        if (unresolvable > 0) {
            reasons.merge(NOT_HELPFUL, unresolvable, Integer::sum);
        }
        return Optional.of(PREFIX + Scheduler.message(snapshot.nodes().size(), reasons));
    }
}
