package io.drover.pod;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;
import java.util.stream.Stream;

/**
 * Null-safe reads of a pod's optional fields, as Go reads a nil slice or string: empty. A package of its own, not
 * the agent's, since the scheduler and the controllers read pods the same way.
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

    public static String text(String s) {
        return s == null ? "" : s;
    }

    public static <T> List<T> list(List<T> l) {
        return l == null ? List.of() : l;
    }
}
