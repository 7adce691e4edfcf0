package io.drover.agent;

import io.drover.agent.runtime.TaskHandle;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import java.time.Instant;

/**
 * What the agent knows of one container of one pod: its task while it runs, how it last ended,
 * and its back-off. Touched only by the reconcile of its pod (the work queue never runs two
 * reconciles of one key at once).
 */
final class ContainerRun {
    enum Mode {
        /** Not started: about to start, or it cannot be ({@link #waitingReason}). */
        WAITING,
        /** Its task runs ({@link #handle}). */
        RUNNING,
        /** It ended and is not restarted ({@link #lastExit}). */
        EXITED,
        /** It ended and waits for {@link #restartAt} to be started again. */
        BACKOFF
    }

    final String taskId;
    // volatile: a pod being stopped in the background (PodWorker.stopInBackground) reads them on its own thread.
    volatile Mode mode = Mode.WAITING;
    volatile TaskHandle handle;
    Instant startedAt;
    /** Until when a task this agent started may not count as ready (see PodWorker.READY_AFTER_RUNNING); null after. */
    Instant readyFrom;
    int restartCount;
    /** The latest exit, and the one before it. */
    ContainerStateTerminated lastExit;
    ContainerStateTerminated priorExit;
    final RestartBackoff backoff;
    Instant restartAt;
    /** The restart the BackOff event was recorded for, so it is recorded once per wait. */
    Instant backoffEventFor;
    String waitingReason = "ContainerCreating";
    String waitingMessage;
    /** Whether the Killing event of a stop at the pod's end (its active deadline) was recorded, so it is once. */
    boolean terminalStopRecorded;
    /** The message a Failed event was recorded for, so it is recorded once per distinct problem. */
    String failedEventFor;
    /** The image the running (or last) task was started for; null when not known (adopted before it was kept). */
    String image;
    /** Stopped because its definition changed: started again at once, whatever the restart policy. */
    boolean definitionChanged;

    ContainerRun(String taskId, RestartBackoffPolicy backoff) {
        this.taskId = taskId;
        this.backoff = new RestartBackoff(backoff);
    }

    /**
     * The containerID of the running or last run, as the status shows it: each run its own, as each of the kubelet's
     * is a new CRI container. The task id stays the container's across runs (its files, its cgroup, its adoption);
     * the restart count a run started with tells the runs apart, and is known again from the status after an agent
     * restart.
     */
    String containerId() {
        return "process://" + taskId + "-" + restartCount;
    }
}
