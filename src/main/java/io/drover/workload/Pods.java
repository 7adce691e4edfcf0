package io.drover.workload;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
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
        String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
        return !"Succeeded".equals(phase) && !"Failed".equals(phase) && pod.getMetadata().getDeletionTimestamp() == null;
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

    private static Instant readySince(Pod pod) {
        return readyCondition(pod).map(PodCondition::getLastTransitionTime).map(Pods::time).orElse(null);
    }

    static Instant time(String timestamp) {
        return timestamp == null || timestamp.isEmpty() ? null : Instant.parse(timestamp);
    }

    /**
     * The order in which surplus pods go, first to delete first: Kubernetes' ActivePodsWithRanks
     * without the co-location rank. Unscheduled before scheduled; Pending before Unknown before
     * Running; not ready before ready; a lower controller.kubernetes.io/pod-deletion-cost before a
     * higher; ready for less time before more; more container restarts before fewer; newer before older.
     */
    static final Comparator<Pod> DELETION_ORDER = (a, b) -> {
        boolean aUnassigned = nodeName(a).isEmpty();
        boolean bUnassigned = nodeName(b).isEmpty();
        if (aUnassigned != bUnassigned) {
            return aUnassigned ? -1 : 1;
        }
        int phase = Integer.compare(phaseOrdinal(a), phaseOrdinal(b));
        if (phase != 0) {
            return phase;
        }
        boolean aReady = isReady(a);
        boolean bReady = isReady(b);
        if (aReady != bReady) {
            return aReady ? 1 : -1;
        }
        int cost = Integer.compare(deletionCost(a), deletionCost(b));
        if (cost != 0) {
            return cost;
        }
        if (aReady) {
            int ready = laterOrZeroFirst(readySince(a), readySince(b));
            if (ready != 0) {
                return ready;
            }
        }
        int restarts = Integer.compare(maxRestarts(b), maxRestarts(a));
        if (restarts != 0) {
            return restarts;
        }
        return laterOrZeroFirst(time(a.getMetadata().getCreationTimestamp()), time(b.getMetadata().getCreationTimestamp()));
    };

    /** The {@code count} pods to delete from {@code pods}. */
    static List<Pod> surplus(List<Pod> pods, int count) {
        return pods.stream().sorted(DELETION_ORDER).limit(count).toList();
    }

    private static String nodeName(Pod pod) {
        return pod.getSpec() == null || pod.getSpec().getNodeName() == null ? "" : pod.getSpec().getNodeName();
    }

    private static int phaseOrdinal(Pod pod) {
        String phase = pod.getStatus() == null || pod.getStatus().getPhase() == null ? "Pending"
                : pod.getStatus().getPhase();
        return switch (phase) {
            case "Pending" -> 0;
            case "Unknown" -> 1;
            case "Running" -> 2;
            default -> 3;
        };
    }

    /** GetDeletionCostFromPodAnnotations: the annotation's int32, 0 without one or for a value it cannot read. */
    private static int deletionCost(Pod pod) {
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

    private static int maxRestarts(Pod pod) {
        if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
            return 0;
        }
        return pod.getStatus().getContainerStatuses().stream().map(ContainerStatus::getRestartCount)
                .filter(r -> r != null).mapToInt(Integer::intValue).max().orElse(0);
    }

    /** {@code afterOrZero}: a missing time first, else the later time first. */
    private static int laterOrZeroFirst(Instant a, Instant b) {
        if (a == null || b == null) {
            return a == null && b == null ? 0 : a == null ? -1 : 1;
        }
        return b.compareTo(a);
    }
}
