package io.drover.workload;

import io.drover.pod.PodFields;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/** Pods as a ReplicaSet sees them: built from its template, active or not, ready, and which to delete first. */
final class Pods {
    static final String DELETION_COST = "controller.kubernetes.io/pod-deletion-cost";
    private static final Pattern DNS_SUBDOMAIN_PREFIX = Pattern.compile("[a-z0-9]([-a-z0-9.]*)?");

    private Pods() {}

    /** {@code controller.GetPodFromTemplate}: the template's labels, annotations, finalizers and spec, owned by the RS. */
    static Pod fromTemplate(ReplicaSet rs) {
        PodTemplateSpec template = Copies.of(rs.getSpec().getTemplate());
        ObjectMeta tm = template.getMetadata() == null ? new ObjectMeta() : template.getMetadata();
        ObjectMeta meta = new ObjectMeta();
        meta.setGenerateName(namePrefix(rs.getMetadata().getName()));
        meta.setLabels(tm.getLabels() == null ? new HashMap<>() : new HashMap<>(tm.getLabels()));
        meta.setAnnotations(tm.getAnnotations() == null ? new HashMap<>() : new HashMap<>(tm.getAnnotations()));
        meta.setFinalizers(tm.getFinalizers() == null ? new ArrayList<>() : new ArrayList<>(tm.getFinalizers()));
        meta.setOwnerReferences(new ArrayList<>(List.of(OwnerRefs.controllerRef(rs, "apps/v1", "ReplicaSet"))));
        Pod pod = new Pod();
        pod.setApiVersion("v1");
        pod.setKind("Pod");
        pod.setMetadata(meta);
        pod.setSpec(template.getSpec());
        return pod;
    }

    /** {@code getPodsPrefix}: "name-" unless that is not a valid name prefix, then the bare name. */
    static String namePrefix(String controllerName) {
        String prefix = controllerName + "-";
        return prefix.length() <= 253 && DNS_SUBDOMAIN_PREFIX.matcher(prefix).matches() ? prefix : controllerName;
    }

    /** {@code controller.IsPodActive}: not Succeeded, not Failed, not being deleted. */
    static boolean isActive(Pod pod) {
        return !PodFields.isTerminal(pod) && pod.getMetadata().getDeletionTimestamp() == null;
    }

    static boolean isReady(Pod pod) {
        return readyCondition(pod).map(c -> "True".equals(c.getStatus())).orElse(false);
    }

    /** Ready, and for at least {@code minReadySeconds} (podutil.IsPodAvailable). */
    static boolean isAvailable(Pod pod, int minReadySeconds, Instant now) {
        if (!isReady(pod)) {
            return false;
        }
        if (minReadySeconds == 0) {
            return true;
        }
        Instant since = readySince(pod);
        return since != null && since.plusSeconds(minReadySeconds).isBefore(now);
    }

    private static Optional<PodCondition> readyCondition(Pod pod) {
        if (pod.getStatus() == null || pod.getStatus().getConditions() == null) {
            return Optional.empty();
        }
        return pod.getStatus().getConditions().stream().filter(c -> "Ready".equals(c.getType())).findFirst();
    }

    static Instant readySince(Pod pod) {
        return readyCondition(pod).map(PodCondition::getLastTransitionTime).map(Pods::time).orElse(null);
    }

    static Instant time(String timestamp) {
        return timestamp == null || timestamp.isEmpty() ? null : Instant.parse(timestamp);
    }

    /** GetDeletionCostFromPodAnnotations: the annotation's int32, 0 without one or for a value it cannot read. */
    static int deletionCost(Pod pod) {
        Map<String, String> annotations = pod.getMetadata().getAnnotations();
        String value = annotations == null ? null : annotations.get(DELETION_COST);
        if (value == null || !value.matches("-?[0-9]+") || (value.startsWith("0") && !value.equals("0"))) {
            return 0;
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
