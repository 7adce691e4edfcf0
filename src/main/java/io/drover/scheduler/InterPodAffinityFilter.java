package io.drover.scheduler;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * kube-scheduler's InterPodAffinity filter: the pod's required pod affinity and anti-affinity, and the required
 * anti-affinity of the pods already bound (symmetry: a pod that keeps others away is kept away from them too).
 *
 * <p>A topology domain is one value of a term's topologyKey among the nodes' labels. Before the nodes are looked at,
 * the bound pods are counted per domain three ways, as kube-scheduler's PreFilter does:
 * <ul>
 *   <li>bound pods matching every affinity term of the pod, per term's domain;
 *   <li>bound pods matching an anti-affinity term of the pod, per that term's domain;
 *   <li>bound pods with an anti-affinity term that matches the pod, per that term's domain.
 * </ul>
 * A pod on a node without a term's topologyKey counts in no domain of that term.
 *
 * <p>A node fails affinity when it lacks a term's topologyKey or a term's domain there has no matching pod. The one
 * exception lets the first pod of a group that attracts itself start: when no bound pod matches the terms anywhere
 * and the pod matches all its own terms, any node with the keys will do.
 */
final class InterPodAffinityFilter implements Filter {
    static final String AFFINITY = "node(s) didn't match pod affinity rules";
    static final String ANTI_AFFINITY = "node(s) didn't match pod anti-affinity rules";
    static final String EXISTING_ANTI_AFFINITY = "node(s) didn't satisfy existing pods anti-affinity rules";

    @Override
    public boolean preemptionMightHelp(List<String> reasons) {
        return !reasons.contains(AFFINITY); // removing pods adds no pod the affinity asks for
    }

    @Override
    public List<String> reject(PodInfo pod, NodeInfo node, ClusterSnapshot snapshot) {
        return preparedFor(pod, snapshot).reject(pod, node, snapshot);
    }

    @Override
    public Filter preparedFor(PodInfo pod, ClusterSnapshot snapshot) {
        Map<TopologyDomain, Integer> affinity = new HashMap<>();
        Map<TopologyDomain, Integer> anti = new HashMap<>();
        Map<TopologyDomain, Integer> existingAnti = new HashMap<>();
        List<PodAffinityTerm> terms = pod.podAffinity().required();
        Map<String, String> podNamespaceLabels = snapshot.namespaceLabels(pod.namespace());
        boolean podHasTerms = !pod.podAffinity().isEmpty();
        for (NodeInfo node : snapshot.nodes()) {
            for (PodInfo other : snapshot.podsOn(node.name())) {
                if (!podHasTerms && other.podAffinity().requiredAnti().isEmpty()) {
                    continue; // the usual case, a pod without rules among pods without anti-affinity: nothing to count
                }
                Map<String, String> otherNamespaceLabels = snapshot.namespaceLabels(other.namespace());
                if (!terms.isEmpty() && terms.stream().allMatch(t -> t.matches(other, otherNamespaceLabels))) {
                    terms.forEach(t -> count(affinity, node, t));
                }
                pod.podAffinity().requiredAnti().stream().filter(t -> t.matches(other, otherNamespaceLabels))
                        .forEach(t -> count(anti, node, t));
                other.podAffinity().requiredAnti().stream().filter(t -> t.matches(pod, podNamespaceLabels))
                        .forEach(t -> count(existingAnti, node, t));
            }
        }
        boolean firstOfItsGroup = affinity.isEmpty() && !terms.isEmpty()
                && terms.stream().allMatch(t -> t.matches(pod, podNamespaceLabels));
        return (p, node, s) -> reject(pod, node, affinity, anti, existingAnti, firstOfItsGroup);
    }

    private static void count(Map<TopologyDomain, Integer> counts, NodeInfo node, PodAffinityTerm term) {
        String value = node.labels().get(term.topologyKey());
        if (value != null) {
            counts.merge(new TopologyDomain(term.topologyKey(), value), 1, Integer::sum);
        }
    }

    private static List<String> reject(PodInfo pod, NodeInfo node, Map<TopologyDomain, Integer> affinity,
            Map<TopologyDomain, Integer> anti, Map<TopologyDomain, Integer> existingAnti, boolean firstOfItsGroup) {
        if (!satisfiesAffinity(pod, node, affinity, firstOfItsGroup)) {
            return List.of(AFFINITY);
        }
        for (PodAffinityTerm term : pod.podAffinity().requiredAnti()) {
            String value = node.labels().get(term.topologyKey());
            if (value != null && anti.containsKey(new TopologyDomain(term.topologyKey(), value))) {
                return List.of(ANTI_AFFINITY); // a node without the key is in no domain, so no pod there repels
            }
        }
        boolean repelled = node.labels().entrySet().stream()
                .anyMatch(label -> existingAnti.containsKey(new TopologyDomain(label.getKey(), label.getValue())));
        return repelled ? List.of(EXISTING_ANTI_AFFINITY) : List.of();
    }

    private static boolean satisfiesAffinity(PodInfo pod, NodeInfo node, Map<TopologyDomain, Integer> affinity,
            boolean firstOfItsGroup) {
        boolean everyDomainHasAMatch = true;
        for (PodAffinityTerm term : pod.podAffinity().required()) {
            String value = node.labels().get(term.topologyKey());
            if (value == null) {
                return false; // even the first pod of a group needs every topology key on its node
            }
            everyDomainHasAMatch &= affinity.containsKey(new TopologyDomain(term.topologyKey(), value));
        }
        return everyDomainHasAMatch || firstOfItsGroup;
    }
}
