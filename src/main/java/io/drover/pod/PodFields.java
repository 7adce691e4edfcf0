package io.drover.pod;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;
import java.util.stream.Stream;

/**
 * Null-safe reads of a pod's optional fields, as Go reads a nil slice or string: empty, and whether its phase is
 * terminal. A package of its own, not the agent's, since the scheduler, the controllers and the API server read
 * pods the same way.
 */
public final class PodFields {
    private PodFields() {}

    /** The status of the init, regular or ephemeral container of that name; null when it has none yet. */
    public static ContainerStatus statusOf(Pod pod, String container) {
        if (pod.getStatus() == null) {
            return null;
        }
        return Stream.of(pod.getStatus().getInitContainerStatuses(), pod.getStatus().getContainerStatuses(),
                        pod.getStatus().getEphemeralContainerStatuses())
                .flatMap(statuses -> list(statuses).stream())
                .filter(s -> container.equals(s.getName())).findFirst().orElse(null);
    }

    /**
     * podutil.IsPodTerminal: the phase is Succeeded or Failed, so the pod will run nothing more. A pod without a
     * status or phase yet is not terminal.
     */
    public static boolean isTerminal(Pod pod) {
        return pod.getStatus() != null && isTerminal(pod.getStatus().getPhase());
    }

    /** podutil.IsPodPhaseTerminal, for a phase read on its own (from a pod's JSON, say); null is not terminal. */
    public static boolean isTerminal(String phase) {
        return "Succeeded".equals(phase) || "Failed".equals(phase);
    }

    /** An optional string field as Go reads a nil one: "" (any object's, not only a pod's). */
    public static String text(String s) {
        return s == null ? "" : s;
    }

    /** An optional list field as Go reads a nil slice: empty (any object's, not only a pod's). */
    public static <T> List<T> list(List<T> l) {
        return l == null ? List.of() : l;
    }
}
