package io.drover.scheduler;

import io.drover.pod.PodFields;
import io.fabric8.kubernetes.api.model.PodSpec;
import java.util.List;

/**
 * A pod's required inter-pod constraints: the terms some existing pod must satisfy in the node's topology domain
 * (affinity) and those no existing pod there may satisfy (anti-affinity). Preferred terms are not read: drover does
 * not score by them.
 */
record PodAffinity(List<PodAffinityTerm> required, List<PodAffinityTerm> requiredAnti) {
    static final PodAffinity NONE = new PodAffinity(List.of(), List.of());

    PodAffinity {
        required = List.copyOf(required);
        requiredAnti = List.copyOf(requiredAnti);
    }

    static PodAffinity of(PodSpec spec, String namespace) {
        var affinity = spec.getAffinity();
        if (affinity == null) {
            return NONE;
        }
        List<PodAffinityTerm> required = affinity.getPodAffinity() == null ? List.of()
                : terms(affinity.getPodAffinity().getRequiredDuringSchedulingIgnoredDuringExecution(), namespace);
        List<PodAffinityTerm> anti = affinity.getPodAntiAffinity() == null ? List.of()
                : terms(affinity.getPodAntiAffinity().getRequiredDuringSchedulingIgnoredDuringExecution(), namespace);
        return new PodAffinity(required, anti);
    }

    private static List<PodAffinityTerm> terms(List<io.fabric8.kubernetes.api.model.PodAffinityTerm> terms,
            String namespace) {
        return PodFields.list(terms).stream().map(t -> PodAffinityTerm.of(t, namespace)).toList();
    }

    boolean isEmpty() {
        return required.isEmpty() && requiredAnti.isEmpty();
    }
}
