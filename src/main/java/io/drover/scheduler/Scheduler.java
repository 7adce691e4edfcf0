package io.drover.scheduler;

import io.fabric8.kubernetes.api.model.Pod;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Places one pod on a snapshot of the cluster, without I/O: the filters remove the nodes that
 * cannot take it, the scorers rank the rest.
 *
 * <p>Filters run in kube-scheduler's order and a node's reasons are those of the first filter that
 * rejects it; the reasons of all nodes make the message "0/3 nodes are available: 1 Insufficient
 * memory, 2 node(s) didn't match Pod's node affinity/selector." (counts per reason, sorted as
 * strings, as kube-scheduler's FitError does). Scorers are compared one after the other rather
 * than summed, so preferred node affinity wins over spreading replicas, which wins over load; equal nodes go to the
 * first name.
 *
 * <p>Before any filter, the nodes a pod's required node affinity names by {@code metadata.name} are the only ones
 * looked at (kube-scheduler's NodeAffinity PreFilter), so the others are counted with their own reason. A pod with
 * scheduling gates is not looked at at all. A pod that fits nowhere gets {@link DefaultPreemption}'s sentence after
 * the filters' ("... preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.."); nothing
 * is preempted.
 */
public final class Scheduler {
    private final List<Filter> filters;
    private final List<Scorer> scorers;

    Scheduler(List<Filter> filters, List<Scorer> scorers) {
        this.filters = List.copyOf(filters);
        this.scorers = List.copyOf(scorers);
    }

    /**
     * The default chain, in kube-scheduler's order: cordon, taints, node affinity, host ports, resources, topology
     * spread, inter-pod affinity; then soft (PreferNoSchedule) taints, preferred node affinity, spread of replicas,
     * least allocated.
     */
    public static Scheduler defaults() {
        return new Scheduler(
                List.of(new NodeUnschedulableFilter(), new TaintTolerationFilter(), new NodeAffinityFilter(),
                        new HostPortsFilter(), new ResourcesFitFilter(), new PodTopologySpreadFilter(),
                        new InterPodAffinityFilter()),
                List.of(new TaintTolerationScorer(), new NodeAffinityScorer(), new SpreadScorer(),
                        new LeastAllocatedScorer()));
    }

    public Placement schedule(Pod pod, ClusterSnapshot snapshot) {
        return schedule(PodInfo.of(pod), snapshot);
    }

    public Placement schedule(PodInfo pod, ClusterSnapshot snapshot) {
        if (!pod.schedulingGates().isEmpty()) {
            return new Placement.Gated(pod.schedulingGates());
        }
        if (snapshot.nodes().isEmpty()) {
            return new Placement.Unschedulable("no nodes available to schedule pods");
        }
        Optional<Set<String>> named = pod.nodeAffinity().nodeNames();
        if (named.isPresent() && named.get().isEmpty()) {
            // A PreFilter's verdict, for every node and for good.
            return unschedulable(pod, snapshot, "0/" + snapshot.nodes().size() + " nodes are available: "
                    + NodeAffinityFilter.CONFLICT + ".", List.of());
        }
        List<Filter> prepared = prepare(pod, snapshot);
        Map<String, Integer> reasons = new TreeMap<>();
        List<NodeInfo> preemptible = new ArrayList<>();
        NodeInfo best = null;
        long[] bestScores = null;
        for (NodeInfo node : snapshot.nodes()) {
            Rejection rejected = named.isPresent() && !named.get().contains(node.name())
                    ? new Rejection(List.of(NodeAffinityFilter.NOT_NAMED), false)
                    : reject(prepared, pod, node, snapshot);
            if (!rejected.reasons().isEmpty()) {
                rejected.reasons().forEach(r -> reasons.merge(r, 1, Integer::sum));
                if (rejected.preemptionMightHelp()) {
                    preemptible.add(node);
                }
                continue;
            }
            long[] scores = scores(pod, node, snapshot);
            // Nodes come sorted by name, so only a strictly better node replaces the best one.
            if (best == null || Arrays.compare(scores, bestScores) > 0) {
                best = node;
                bestScores = scores;
            }
        }
        if (best != null) {
            return new Placement.Bound(best.name());
        }
        return unschedulable(pod, snapshot, message(snapshot.nodes().size(), reasons), preemptible);
    }

    /** The filters for one pod on one snapshot, in the order of {@link #filters}. */
    private List<Filter> prepare(PodInfo pod, ClusterSnapshot snapshot) {
        return filters.stream().map(f -> f.preparedFor(pod, snapshot)).toList();
    }

    /** Why a node cannot take a pod: the first rejecting filter's reasons, and whether preemption might help. */
    private record Rejection(List<String> reasons, boolean preemptionMightHelp) {}

    private Rejection reject(List<Filter> prepared, PodInfo pod, NodeInfo node, ClusterSnapshot snapshot) {
        for (int i = 0; i < prepared.size(); i++) {
            List<String> reasons = prepared.get(i).reject(pod, node, snapshot);
            if (!reasons.isEmpty()) {
                return new Rejection(reasons, filters.get(i).preemptionMightHelp(reasons));
            }
        }
        return new Rejection(List.of(), false);
    }

    /**
     * The filters' message, then DefaultPreemption's, as kube-scheduler's FitError joins them: with its
     * SeparatorFormat " %v.", after a message that ends in its own period (real events end "..").
     */
    private Placement unschedulable(PodInfo pod, ClusterSnapshot snapshot, String message,
            List<NodeInfo> preemptible) {
        Optional<String> preemption = DefaultPreemption.message(pod, snapshot, preemptible,
                (reduced, node) -> reject(prepare(pod, reduced), pod, node, reduced).reasons());
        return new Placement.Unschedulable(preemption.map(m -> message + " " + m + ".").orElse(message));
    }

    private long[] scores(PodInfo pod, NodeInfo node, ClusterSnapshot snapshot) {
        long[] scores = new long[scorers.size()];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = scorers.get(i).score(pod, node, snapshot);
        }
        return scores;
    }

    static String message(int nodeCount, Map<String, Integer> reasons) {
        List<String> counted = new ArrayList<>();
        reasons.forEach((reason, count) -> counted.add(count + " " + reason));
        counted.sort(null);
        return "0/" + nodeCount + " nodes are available: " + String.join(", ", counted) + ".";
    }
}
