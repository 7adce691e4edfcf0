package io.drover.scheduler;

import io.drover.pod.PodFields;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A metav1.LabelSelector as Kubernetes evaluates it: matchLabels and matchExpressions all hold. The absent selector
 * ({@link #NOTHING}) matches no object, while the empty one ({@code {}}) matches every object: a pod affinity term
 * without a labelSelector selects no pod, one with {@code labelSelector: {}} selects all.
 */
record LabelSelector(Map<String, String> matchLabels, List<Requirement> expressions, boolean nothing) {
    static final LabelSelector NOTHING = new LabelSelector(Map.of(), List.of(), true);

    LabelSelector {
        matchLabels = Map.copyOf(matchLabels);
        expressions = List.copyOf(expressions);
    }

    static LabelSelector of(io.fabric8.kubernetes.api.model.LabelSelector selector) {
        if (selector == null) {
            return NOTHING;
        }
        return new LabelSelector(PodInfo.map(selector.getMatchLabels()),
                PodFields.list(selector.getMatchExpressions()).stream()
                        .map(e -> Requirement.of(e.getKey(), e.getOperator(), e.getValues())).toList(),
                false);
    }

    boolean matches(Map<String, String> labels) {
        return !nothing && matchLabels.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())))
                && expressions.stream().allMatch(r -> r.matches(labels));
    }

    /** {@code {}}: selects every object (the absent selector is not empty, it selects none). */
    boolean isEmpty() {
        return !nothing && matchLabels.isEmpty() && expressions.isEmpty();
    }

    /**
     * This selector narrowed to {@code labels} as well (a topology spread constraint's matchLabelKeys). The absent
     * selector stays absent: it matches nothing before and after, as in Kubernetes.
     */
    LabelSelector and(Map<String, String> labels) {
        if (nothing || labels.isEmpty()) {
            return this;
        }
        List<Requirement> more = new ArrayList<>(expressions);
        labels.forEach((key, value) -> more.add(new Requirement(key, "In", List.of(value))));
        return new LabelSelector(matchLabels, more, false);
    }
}
