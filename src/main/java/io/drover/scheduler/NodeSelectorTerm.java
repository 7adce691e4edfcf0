package io.drover.scheduler;

import io.drover.pod.PodFields;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One nodeSelectorTerm of a node affinity: its matchExpressions on the node's labels and its matchFields on the node's
 * fields all hold. A term without requirements matches no node (Kubernetes: an empty term selects no objects).
 */
record NodeSelectorTerm(List<Requirement> expressions, List<Requirement> fields) {
    /** The only field a node selector may name. */
    static final String NAME_FIELD = "metadata.name";

    NodeSelectorTerm {
        expressions = List.copyOf(expressions);
        fields = List.copyOf(fields);
    }

    static NodeSelectorTerm of(io.fabric8.kubernetes.api.model.NodeSelectorTerm term) {
        return new NodeSelectorTerm(
                PodFields.list(term.getMatchExpressions()).stream()
                        .map(r -> Requirement.of(r.getKey(), r.getOperator(), r.getValues())).toList(),
                PodFields.list(term.getMatchFields()).stream()
                        .map(r -> Requirement.of(r.getKey(), r.getOperator(), r.getValues())).toList());
    }

    boolean matches(NodeInfo node) {
        if (expressions.isEmpty() && fields.isEmpty()) {
            return false;
        }
        Map<String, String> nodeFields = Map.of(NAME_FIELD, node.name());
        return expressions.stream().allMatch(r -> r.matches(node.labels()))
                && fields.stream().allMatch(r -> validField(r) && r.matches(nodeFields));
    }

    /** Kubernetes builds field selectors of metadata.name only, In or NotIn, with exactly one value. */
    private static boolean validField(Requirement r) {
        return r.key().equals(NAME_FIELD) && (r.operator().equals("In") || r.operator().equals("NotIn"))
                && r.values().size() == 1;
    }

    /**
     * The node names this term is limited to by its {@code metadata.name In} fields (their intersection); empty when
     * it names none, so any node may match.
     */
    Optional<Set<String>> nodeNames() {
        Set<String> names = null;
        for (Requirement r : fields) {
            if (r.key().equals(NAME_FIELD) && r.operator().equals("In")) {
                if (names == null) {
                    names = new HashSet<>(r.values());
                } else {
                    names.retainAll(r.values());
                }
            }
        }
        return Optional.ofNullable(names);
    }
}
