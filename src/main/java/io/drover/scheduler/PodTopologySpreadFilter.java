package io.drover.scheduler;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * kube-scheduler's PodTopologySpread filter, for the constraints with whenUnsatisfiable DoNotSchedule: placing the
 * pod in the node's domain must keep that domain within maxSkew of the emptiest domain.
 *
 * <p>Before the nodes are looked at, the matching pods are counted per domain (a value of the topologyKey). Only
 * eligible nodes make domains: those that carry the topologyKey of every constraint and, per constraint, match the
 * pod's node affinity (nodeAffinityPolicy Honor, the default) and have no taint the pod does not tolerate
 * (nodeTaintsPolicy Honor; Ignore is the default). A pod counts when it is in the pod's namespace, is not being
 * deleted, and matches the constraint's selector; an empty selector ({@code {}}) counts no pod, as in Kubernetes.
 *
 * <p>For a node, skew = the pods counted in its domain + 1 if the pod matches its own selector - the smallest count
 * of any eligible domain, which is taken as 0 while there are fewer eligible domains than minDomains. A node without
 * the topologyKey is rejected outright; a constraint whose key no eligible node carries is not checked (Kubernetes
 * finds no precomputed minimum for it and skips it).
 */
final class PodTopologySpreadFilter implements Filter {
    static final String REASON = "node(s) didn't match pod topology spread constraints";
    static final String MISSING_LABEL = REASON + " (missing required label)";

    @Override
    public boolean preemptionMightHelp(List<String> reasons) {
        return !reasons.contains(MISSING_LABEL); // a node without the topology key stays without it
    }

    @Override
    public List<String> reject(PodInfo pod, NodeInfo node, ClusterSnapshot snapshot) {
        return preparedFor(pod, snapshot).reject(pod, node, snapshot);
    }

    @Override
    public Filter preparedFor(PodInfo pod, ClusterSnapshot snapshot) {
        List<TopologySpreadConstraint> constraints = pod.spreadConstraints();
        if (constraints.isEmpty()) {
            return (p, node, s) -> List.of();
        }
        Map<TopologyDomain, Integer> counts = new HashMap<>();
        for (NodeInfo node : snapshot.nodes()) {
            if (!constraints.stream().allMatch(c -> node.labels().containsKey(c.topologyKey()))) {
                continue;
            }
            for (TopologySpreadConstraint c : constraints) {
                if (eligible(pod, node, c)) {
                    counts.merge(new TopologyDomain(c.topologyKey(), node.labels().get(c.topologyKey())),
                            matching(pod, c, snapshot.podsOn(node.name())), Integer::sum);
                }
            }
        }
        Map<String, Integer> minimum = new HashMap<>();
        Map<String, Integer> domains = new HashMap<>();
        counts.forEach((domain, count) -> {
            minimum.merge(domain.key(), count, Math::min);
            domains.merge(domain.key(), 1, Integer::sum);
        });
        return (p, node, s) -> reject(pod, node, counts, minimum, domains);
    }

    private static boolean eligible(PodInfo pod, NodeInfo node, TopologySpreadConstraint c) {
        return (!c.honorNodeAffinity() || pod.nodeAffinity().matches(node))
                && (!c.honorNodeTaints() || TaintTolerationFilter.untolerated(pod, node).isEmpty());
    }

    private static int matching(PodInfo pod, TopologySpreadConstraint c, List<PodInfo> onNode) {
        if (c.selector().isEmpty()) {
            return 0;
        }
        return (int) onNode.stream()
                .filter(o -> !o.terminating() && o.namespace().equals(pod.namespace())
                        && c.selector().matches(o.labels()))
                .count();
    }

    private static List<String> reject(PodInfo pod, NodeInfo node, Map<TopologyDomain, Integer> counts,
            Map<String, Integer> minimum, Map<String, Integer> domains) {
        for (TopologySpreadConstraint c : pod.spreadConstraints()) {
            String value = node.labels().get(c.topologyKey());
            if (value == null) {
                return List.of(MISSING_LABEL);
            }
            if (!minimum.containsKey(c.topologyKey())) {
                continue;
            }
            int min = domains.get(c.topologyKey()) < c.minDomains() ? 0 : minimum.get(c.topologyKey());
            int self = c.selector().matches(pod.labels()) ? 1 : 0;
            int skew = counts.getOrDefault(new TopologyDomain(c.topologyKey(), value), 0) + self - min;
            if (skew > c.maxSkew()) {
                return List.of(REASON);
            }
        }
        return List.of();
    }
}
