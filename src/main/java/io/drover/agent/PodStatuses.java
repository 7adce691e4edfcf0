package io.drover.agent;

import io.drover.agent.probe.ContainerHealth;
import io.drover.json.MetaTime;
import io.drover.pod.PodFields;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.HostIP;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodIP;
import io.fabric8.kubernetes.api.model.PodStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

/**
 * A pod's status as the agent reports it, computed from what it knows of the containers: phase,
 * the five conditions, IPs, start time and container statuses. Fields the agent does not own are
 * kept from the current status, and a condition keeps its lastTransitionTime while its status
 * stays, so an unchanged pod computes an equal status and is not written again.
 */
final class PodStatuses {
    /** The kubelet's PodReadyToStartContainers (beta, on by default since 1.29): the pod's sandbox is set up. */
    private static final String READY_TO_START = "PodReadyToStartContainers";
    private static final List<String> OWN_CONDITIONS = List.of(READY_TO_START, "Initialized", "Ready",
            "ContainersReady", "PodScheduled");

    private PodStatuses() {}

    /** @param health what the probes say of a container (started, ready) */
    static PodStatus build(Pod pod, PodWorker.PodRun run, String nodeIp, Instant now,
            BiFunction<Container, ContainerRun, ContainerHealth> health) {
        PodStatus current = pod.getStatus() == null ? new PodStatus() : pod.getStatus();
        PodStatus status = new io.fabric8.kubernetes.api.model.PodStatusBuilder(current).build();
        List<PodPhase.Container> phases = new ArrayList<>();
        List<ContainerStatus> statuses = new ArrayList<>();
        for (Container c : pod.getSpec().getContainers()) {
            ContainerRun cr = run.containers.get(c.getName());
            phases.add(phaseOf(cr));
            statuses.add(containerStatus(c, cr, health.apply(c, cr)));
        }
        Init init = init(pod, run, health);
        String phase = run.deadlineExceeded || init.failed() && "Never".equals(pod.getSpec().getRestartPolicy())
                ? "Failed" : !init.done() ? "Pending" : PodPhase.of(pod.getSpec().getRestartPolicy(), phases);
        if (run.terminated && phase.equals("Running")) {
            // getPhase of a terminal pod whose containers all stopped: Succeeded if each exited 0, else Failed.
            phase = PodPhase.of("Never", phases);
        }
        if (PodFields.isTerminal(current.getPhase())) {
            // generateAPIPodStatus: a pod never leaves a terminal phase the API server shows (someone wrote it
            // through pods/status); the containers are stopped instead.
            phase = current.getPhase();
        }
        if (run.deadlineExceeded) {
            status.setReason(ActiveDeadline.REASON);
            status.setMessage(ActiveDeadline.MESSAGE);
        }
        status.setPhase(phase);
        status.setHostIP(nodeIp);
        status.setHostIPs(List.of(new HostIP(nodeIp)));
        status.setPodIP(nodeIp);
        status.setPodIPs(List.of(new PodIP(nodeIp)));
        if (status.getStartTime() == null) {
            status.setStartTime(MetaTime.format(run.seenAt));
        }
        status.setContainerStatuses(statuses);
        status.setInitContainerStatuses(init.statuses().isEmpty() ? null : init.statuses());
        List<ContainerStatus> ephemeral = new ArrayList<>();
        for (Container c : EphemeralContainers.of(pod)) {
            ephemeral.add(containerStatus(c, run.containers.get(c.getName()), ContainerHealth.NOT_RUNNING));
        }
        status.setEphemeralContainerStatuses(ephemeral.isEmpty() ? null : ephemeral);
        ReadyConditions.Verdict ready = ReadyConditions.containersReady(pod.getSpec(), init.statuses(), statuses, phase);
        String nowText = MetaTime.format(now);
        List<PodCondition> conditions = new ArrayList<>();
        conditions.add(condition(current, READY_TO_START, readyToStart(phase), nowText));
        conditions.add(condition(current, "Initialized", init.condition(phase), nowText));
        conditions.add(condition(current, "Ready",
                ReadyConditions.podReady(pod.getSpec(), ready, PodFields.list(current.getConditions())), nowText));
        conditions.add(condition(current, "ContainersReady", ready, nowText));
        conditions.add(condition(current, "PodScheduled", ReadyConditions.TRUE, nowText));
        for (PodCondition other : PodFields.list(current.getConditions())) {
            if (!OWN_CONDITIONS.contains(other.getType())) {
                conditions.add(other);
            }
        }
        status.setConditions(conditions);
        return status;
    }

    /**
     * The init containers' statuses, whether one failed, and which have not done their part (a
     * regular one that has not succeeded, a sidecar that has not started).
     */
    private record Init(List<ContainerStatus> statuses, boolean failed, List<String> incomplete, boolean done) {

        /** The Initialized condition, as the kubelet words it (GeneratePodInitializedCondition). */
        ReadyConditions.Verdict condition(String phase) {
            if (phase.equals("Succeeded")) {
                return new ReadyConditions.Verdict("True", "PodCompleted", null);
            }
            if (done) {
                return ReadyConditions.TRUE;
            }
            return new ReadyConditions.Verdict("False", "ContainersNotInitialized",
                    "containers with incomplete status: [" + String.join(" ", incomplete) + "]");
        }
    }

    /**
     * GeneratePodReadyToStartContainersCondition: True while the pod has its sandbox, False once a terminal pod's
     * is torn down. A process pod's sandbox is what the agent sets up before its first container (its ports and
     * cgroup), which it has by the time it writes a status.
     */
    private static ReadyConditions.Verdict readyToStart(String phase) {
        return PodFields.isTerminal(phase) ? new ReadyConditions.Verdict("False", null, null) : ReadyConditions.TRUE;
    }

    private static Init init(Pod pod, PodWorker.PodRun run, BiFunction<Container, ContainerRun, ContainerHealth> health) {
        List<ContainerStatus> statuses = new ArrayList<>();
        List<String> incomplete = new ArrayList<>();
        boolean failed = false;
        for (Container c : PodFields.list(pod.getSpec().getInitContainers())) {
            ContainerRun cr = run.containers.get(c.getName());
            ContainerHealth h = health.apply(c, cr);
            ContainerStatus status = containerStatus(c, cr, h);
            if (InitContainers.isSidecar(c)) {
                if (!Boolean.TRUE.equals(status.getStarted())) {
                    incomplete.add(c.getName());
                }
            } else {
                boolean succeeded = InitContainers.succeeded(cr);
                // prober_manager's UpdatePodStatus: a regular init container is ready once it succeeded; started is
                // isContainerStarted's, as for any container (it may have no startup probe: started while it runs).
                status.setReady(succeeded);
                if (!succeeded) {
                    incomplete.add(c.getName());
                }
                failed |= cr.mode != ContainerRun.Mode.RUNNING && cr.lastExit != null
                        && !Integer.valueOf(0).equals(cr.lastExit.getExitCode());
            }
            statuses.add(status);
        }
        return new Init(statuses, failed, incomplete, run.initialized || incomplete.isEmpty());
    }

    private static PodPhase.Container phaseOf(ContainerRun cr) {
        return switch (cr.mode) {
            case RUNNING -> PodPhase.Container.RUNNING;
            case WAITING -> PodPhase.Container.WAITING;
            case EXITED, BACKOFF -> cr.lastExit != null && Integer.valueOf(0).equals(cr.lastExit.getExitCode())
                    ? PodPhase.Container.SUCCEEDED : PodPhase.Container.FAILED;
        };
    }

    private static ContainerStatus containerStatus(Container c, ContainerRun cr, ContainerHealth health) {
        ContainerState state = switch (cr.mode) {
            case RUNNING -> new ContainerStateBuilder().withNewRunning()
                    .withStartedAt(MetaTime.format(cr.startedAt)).endRunning().build();
            case EXITED -> new ContainerStateBuilder().withTerminated(cr.lastExit).build();
            case WAITING, BACKOFF -> new ContainerStateBuilder().withNewWaiting().withReason(cr.waitingReason)
                    .withMessage(cr.waitingMessage).endWaiting().build();
        };
        ContainerStateTerminated previous = cr.mode == ContainerRun.Mode.EXITED ? cr.priorExit : cr.lastExit;
        ContainerState last = previous == null ? new ContainerState()
                : new ContainerStateBuilder().withTerminated(previous).build();
        boolean running = cr.mode == ContainerRun.Mode.RUNNING;
        // The image the task was started for while it runs (the spec's may be newer until it restarts).
        String image = running && cr.image != null ? cr.image : PodFields.text(c.getImage());
        return new ContainerStatusBuilder().withName(c.getName()).withImage(image)
                .withImageID("").withContainerID(cr.lastExit == null && !running ? null : cr.containerId())
                .withReady(running && health.ready()).withStarted(running && health.started()).withRestartCount(cr.restartCount)
                .withState(state).withLastState(last).build();
    }

    private static PodCondition condition(PodStatus current, String type, ReadyConditions.Verdict verdict, String now) {
        String since = now;
        for (PodCondition c : PodFields.list(current.getConditions())) {
            if (type.equals(c.getType()) && verdict.status().equals(c.getStatus()) && c.getLastTransitionTime() != null) {
                since = c.getLastTransitionTime();
            }
        }
        return new PodConditionBuilder().withType(type).withStatus(verdict.status()).withReason(verdict.reason())
                .withMessage(verdict.message()).withLastTransitionTime(since).withLastProbeTime(null).build();
    }
}
