package io.drover.scheduler;

import io.drover.pod.PodFields;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One required pod (anti-)affinity term, read for the pod that carries it: the pods it selects (labelSelector) in
 * the namespaces it names, and the node label ({@code topologyKey}) whose value makes a topology domain.
 *
 * <p>A term with neither {@code namespaces} nor {@code namespaceSelector} looks in its own pod's namespace; otherwise
 * in the listed namespaces and in those whose labels the namespaceSelector matches ({@code {}}: all of them).
 * matchLabelKeys and mismatchLabelKeys are not read here: the API server merges them into the labelSelector when
 * the pod is created (AffinityLabelKeys, as kube-apiserver does), and the scheduler sees the merged selector.
 */
record PodAffinityTerm(LabelSelector selector, Set<String> namespaces, LabelSelector namespaceSelector,
        String topologyKey) {

    PodAffinityTerm {
        namespaces = Set.copyOf(namespaces);
    }

    static PodAffinityTerm of(io.fabric8.kubernetes.api.model.PodAffinityTerm term, String ownNamespace) {
        List<String> listed = PodFields.list(term.getNamespaces());
        Set<String> namespaces = listed.isEmpty() && term.getNamespaceSelector() == null
                ? Set.of(ownNamespace) : Set.copyOf(listed.stream().map(PodFields::text).toList());
        return new PodAffinityTerm(LabelSelector.of(term.getLabelSelector()), namespaces,
                LabelSelector.of(term.getNamespaceSelector()), PodFields.text(term.getTopologyKey()));
    }

    /** Whether this term selects {@code pod}, whose namespace has the labels {@code namespaceLabels}. */
    boolean matches(PodInfo pod, Map<String, String> namespaceLabels) {
        return (namespaces.contains(pod.namespace()) || namespaceSelector.matches(namespaceLabels))
                && selector.matches(pod.labels());
    }
}
