package io.drover.scheduler;

import io.fabric8.kubernetes.api.model.Pod;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Places one pod on a snapshot of the cluster, without I/O: the filters remove the nodes that
 * cannot take it, the scorers rank the rest.
 *
 * <p>Filters run in kube-scheduler's order and a node's reasons are those of the first filter that
 * rejects it; the reasons of all nodes make the message "0/3 nodes are available: 1 Insufficient
 * memory, 2 node(s) didn't match Pod's node affinity/selector." (counts per reason, sorted as
 * strings, as kube-scheduler's FitError does). Scorers are compared one after the other rather
 * than summed, so spreading replicas always wins over load; equal nodes go to the first name.
 */
public final class Scheduler {
    private final List<Filter> filters;
    private final List<Scorer> scorers;

    Scheduler(List<Filter> filters, List<Scorer> scorers) {
        this.filters = List.copyOf(filters);
        this.scorers = List.copyOf(scorers);
    }

    /** The default chain: cordon, taints, nodeSelector, host ports, resources; then spread, least allocated. */
    public static Scheduler defaults() {
        return new Scheduler(
                List.of(new NodeUnschedulableFilter(), new TaintTolerationFilter(), new NodeSelectorFilter(),
                        new HostPortsFilter(), new ResourcesFitFilter()),
                List.of(new SpreadScorer(), new LeastAllocatedScorer()));
    }

    public Placement schedule(Pod pod, ClusterSnapshot snapshot) {
        return schedule(PodInfo.of(pod), snapshot);
    }

    public Placement schedule(PodInfo pod, ClusterSnapshot snapshot) {
        if (snapshot.nodes().isEmpty()) {
            return new Placement.Unschedulable("no nodes available to schedule pods");
        }
        Map<String, Integer> reasons = new TreeMap<>();
        NodeInfo best = null;
        long[] bestScores = null;
        for (NodeInfo node : snapshot.nodes()) {
            List<String> rejected = reject(pod, node, snapshot);
            if (!rejected.isEmpty()) {
                rejected.forEach(r -> reasons.merge(r, 1, Integer::sum));
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
        return new Placement.Unschedulable(message(snapshot.nodes().size(), reasons));
    }

    private List<String> reject(PodInfo pod, NodeInfo node, ClusterSnapshot snapshot) {
        for (Filter filter : filters) {
            List<String> reasons = filter.reject(pod, node, snapshot);
            if (!reasons.isEmpty()) {
                return reasons;
            }
        }
        return List.of();
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
