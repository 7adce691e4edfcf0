package io.drover.agent;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodReadinessGate;
import io.fabric8.kubernetes.api.model.PodSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * The pod's ContainersReady and Ready conditions from its containers' {@code ready}, as kubelet
 * words them (pkg/kubelet/status/generate.go): False with reason ContainersNotReady and
 * "containers with unready status: [a b]", PodCompleted or PodFailed once the pod is terminal.
 * Ready follows ContainersReady and the pod's readiness gates.
 */
final class ReadyConditions {
    static final String CONTAINERS_NOT_READY = "ContainersNotReady";

    /** A condition's status, reason and message (null when absent). */
    record Verdict(String status, String reason, String message) {}

    static final Verdict TRUE = new Verdict("True", null, null);

    private ReadyConditions() {}

    /**
     * @param initStatuses the init containers' statuses: sidecars count as the containers do, first
     *     (GenerateContainersReadyCondition)
     */
    static Verdict containersReady(PodSpec spec, List<ContainerStatus> initStatuses, List<ContainerStatus> statuses,
            String phase) {
        List<String> unknown = new ArrayList<>();
        List<String> unready = new ArrayList<>();
        for (Container c : spec.getInitContainers() == null ? List.<Container>of() : spec.getInitContainers()) {
            if (!InitContainers.isSidecar(c)) {
                continue;
            }
            ContainerStatus status = initStatuses.stream().filter(s -> c.getName().equals(s.getName())).findFirst()
                    .orElse(null);
            if (status == null) {
                unknown.add(c.getName());
            } else if (!Boolean.TRUE.equals(status.getReady())) {
                unready.add(c.getName());
            }
        }
        for (Container c : spec.getContainers()) {
            ContainerStatus status = statuses.stream().filter(s -> c.getName().equals(s.getName())).findFirst()
                    .orElse(null);
            if (status == null) {
                unknown.add(c.getName());
            } else if (!Boolean.TRUE.equals(status.getReady())) {
                unready.add(c.getName());
            }
        }
        if (phase.equals("Succeeded") && unknown.isEmpty()) {
            return new Verdict("False", "PodCompleted", null);
        }
        if (phase.equals("Failed")) {
            return new Verdict("False", "PodFailed", null);
        }
        List<String> messages = new ArrayList<>();
        if (!unknown.isEmpty()) {
            messages.add("containers with unknown status: " + goList(unknown));
        }
        if (!unready.isEmpty()) {
            messages.add("containers with unready status: " + goList(unready));
        }
        return messages.isEmpty() ? TRUE
                : new Verdict("False", CONTAINERS_NOT_READY, String.join(", ", messages));
    }

    /**
     * The pod's Ready condition (GeneratePodReadyCondition): ContainersReady's verdict while that is
     * not True, then False with ReadinessGatesNotReady while a readiness gate's condition (which
     * other controllers set in the pod's status) is missing or not True.
     */
    static Verdict podReady(PodSpec spec, Verdict containersReady, List<PodCondition> conditions) {
        if (!containersReady.status().equals("True")) {
            return containersReady;
        }
        List<String> unready = new ArrayList<>();
        for (PodReadinessGate gate : spec.getReadinessGates() == null ? List.<PodReadinessGate>of()
                : spec.getReadinessGates()) {
            String type = gate.getConditionType();
            PodCondition condition = conditions.stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
            if (condition == null) {
                unready.add("corresponding condition of pod readiness gate \"" + type + "\" does not exist.");
            } else if (!"True".equals(condition.getStatus())) {
                unready.add("the status of pod readiness gate \"" + type + "\" is not \"True\", but "
                        + condition.getStatus());
            }
        }
        return unready.isEmpty() ? TRUE : new Verdict("False", "ReadinessGatesNotReady", String.join(", ", unready));
    }

    /** Go's {@code %s} of a string slice: {@code [a b]}. */
    private static String goList(List<String> names) {
        return "[" + String.join(" ", names) + "]";
    }
}
