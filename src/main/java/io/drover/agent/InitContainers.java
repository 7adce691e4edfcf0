package io.drover.agent;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;

/** What the agent asks of a pod's init containers. */
public final class InitContainers {
    private InitContainers() {}

    /** A sidecar: an init container with {@code restartPolicy: Always}, which runs beside the pod's containers. */
    public static boolean isSidecar(Container c) {
        return "Always".equals(c.getRestartPolicy());
    }

    /** The pod's sidecars, in order. */
    public static List<Container> sidecars(
            Pod pod) {
        return pod.getSpec().getInitContainers() == null ? List.of()
                : pod.getSpec().getInitContainers().stream().filter(InitContainers::isSidecar).toList();
    }

    /** A regular init container that ran to a successful end (and so is not run again). */
    static boolean succeeded(ContainerRun cr) {
        return cr.mode == ContainerRun.Mode.EXITED && cr.lastExit != null
                && Integer.valueOf(0).equals(cr.lastExit.getExitCode());
    }
}
