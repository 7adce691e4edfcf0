package io.drover.scheduler;

import io.drover.pod.PodFields;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A pod's topology spread constraint with whenUnsatisfiable DoNotSchedule (ScheduleAnyway ones only score in
 * Kubernetes, and drover does not score by them), with Kubernetes' defaults filled in.
 *
 * @param selector the labelSelector narrowed by matchLabelKeys to the values of the pod's own labels (kube-scheduler
 *     1.32 merges them itself; a key the pod lacks is left out)
 * @param minDomains 1 when unset
 * @param honorNodeAffinity nodeAffinityPolicy Honor (the default): only nodes matching the pod's nodeSelector and
 *     required node affinity make domains
 * @param honorNodeTaints nodeTaintsPolicy Honor (default Ignore): nodes with a NoSchedule or NoExecute taint the pod
 *     does not tolerate make no domain
 */
record TopologySpreadConstraint(int maxSkew, String topologyKey, LabelSelector selector, int minDomains,
        boolean honorNodeAffinity, boolean honorNodeTaints) {

    /** The pod's DoNotSchedule constraints; {@code labels} are the pod's own. */
    static List<TopologySpreadConstraint> required(List<io.fabric8.kubernetes.api.model.TopologySpreadConstraint> all,
            Map<String, String> labels) {
        return PodFields.list(all).stream()
                .filter(c -> "DoNotSchedule".equals(c.getWhenUnsatisfiable()))
                .map(c -> of(c, labels))
                .toList();
    }

    private static TopologySpreadConstraint of(io.fabric8.kubernetes.api.model.TopologySpreadConstraint c,
            Map<String, String> labels) {
        Map<String, String> own = new HashMap<>();
        PodFields.list(c.getMatchLabelKeys()).forEach(key -> {
            if (labels.containsKey(key)) {
                own.put(key, labels.get(key));
            }
        });
        return new TopologySpreadConstraint(c.getMaxSkew() == null ? 1 : c.getMaxSkew(),
                PodFields.text(c.getTopologyKey()), LabelSelector.of(c.getLabelSelector()).and(own),
                c.getMinDomains() == null ? 1 : c.getMinDomains(), !"Ignore".equals(c.getNodeAffinityPolicy()),
                "Honor".equals(c.getNodeTaintsPolicy()));
    }
}
