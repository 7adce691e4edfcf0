package io.drover.scheduler;

import io.drover.pod.PodFields;
import io.fabric8.kubernetes.api.model.PodSpec;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Where a pod may and would rather run by node: its nodeSelector, its required node affinity (terms ORed) and its
 * preferred node affinity (weighted terms). This is Kubernetes' RequiredNodeAffinity plus the preferred terms.
 *
 * @param required empty when the pod has no requiredDuringSchedulingIgnoredDuringExecution; present but with no
 *     terms it matches no node, as Kubernetes' node selector without terms does
 */
record NodeAffinity(Map<String, String> nodeSelector, Optional<List<NodeSelectorTerm>> required,
        List<Preferred> preferred) {

    /** A preferred term and its weight (1-100). */
    record Preferred(int weight, NodeSelectorTerm term) {}

    NodeAffinity {
        nodeSelector = Map.copyOf(nodeSelector);
        required = required.map(List::copyOf);
        preferred = List.copyOf(preferred);
    }

    static NodeAffinity of(PodSpec spec) {
        var affinity = spec.getAffinity() == null ? null : spec.getAffinity().getNodeAffinity();
        Optional<List<NodeSelectorTerm>> required = Optional.empty();
        List<Preferred> preferred = List.of();
        if (affinity != null) {
            required = Optional.ofNullable(affinity.getRequiredDuringSchedulingIgnoredDuringExecution())
                    .map(s -> PodFields.list(s.getNodeSelectorTerms()).stream().map(NodeSelectorTerm::of).toList());
            preferred = PodFields.list(affinity.getPreferredDuringSchedulingIgnoredDuringExecution()).stream()
                    .filter(p -> p.getPreference() != null)
                    .map(p -> new Preferred(p.getWeight() == null ? 0 : p.getWeight(),
                            NodeSelectorTerm.of(p.getPreference())))
                    .toList();
        }
        return new NodeAffinity(PodInfo.map(spec.getNodeSelector()), required, preferred);
    }

    /** The node has every label of the nodeSelector and matches one of the required terms, if there are any. */
    boolean matches(NodeInfo node) {
        boolean selected = nodeSelector.entrySet().stream()
                .allMatch(e -> e.getValue().equals(node.labels().get(e.getKey())));
        return selected && required.map(terms -> terms.stream().anyMatch(t -> t.matches(node))).orElse(true);
    }

    /**
     * The only nodes the required terms can match, when every term names nodes by {@code metadata.name In}
     * (kube-scheduler's NodeAffinity PreFilter): the union over the terms. Empty when some term names none, so every
     * node must be looked at; a present empty set when the names conflict, so no node can match.
     */
    Optional<Set<String>> nodeNames() {
        List<NodeSelectorTerm> terms = required.orElse(List.of());
        if (terms.isEmpty()) {
            return Optional.empty();
        }
        Set<String> names = new HashSet<>();
        for (NodeSelectorTerm term : terms) {
            Optional<Set<String>> named = term.nodeNames();
            if (named.isEmpty()) {
                return Optional.empty();
            }
            names.addAll(named.get());
        }
        return Optional.of(names);
    }

    /** The sum of the weights of the preferred terms the node matches (the NodeAffinity score before it is normalized). */
    long preferredWeight(NodeInfo node) {
        return preferred.stream().filter(p -> p.term().matches(node)).mapToLong(Preferred::weight).sum();
    }
}
