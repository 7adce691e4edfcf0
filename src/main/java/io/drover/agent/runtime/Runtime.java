package io.drover.agent.runtime;

import java.time.Duration;
import java.util.Optional;

/**
 * Runs tasks (a pod's containers) on this node: the node agent's one seam to what executes
 * workloads. Implementation: {@code process} (supervised host processes); a container engine's
 * runtime is meant to be a second one behind the same interface.
 *
 * <p>The shape follows Nomad's driver interface. {@link #start} returns a {@link TaskHandle} the
 * agent persists; every other operation takes a handle, so an agent that restarts can {@link
 * #recover} its tasks and carry on. What an implementation can do is declared by {@link
 * #capabilities()}; features only some runtimes have get their own small interfaces.
 *
 * <p>All methods are safe to call from several threads, and all but {@link #start} are
 * idempotent: stopping a stopped task, or inspecting it twice, is fine.
 *
 * <p>The name hides {@link java.lang.Runtime} inside this package; import it explicitly elsewhere.
 */
public interface Runtime {

    /** What this runtime can do. */
    Capabilities capabilities();

    /**
     * Starts a task and returns once it runs (or has already ended).
     *
     * @throws TaskException when it cannot be started (its program does not exist, as runc finds)
     */
    TaskHandle start(TaskSpec spec);

    /**
     * Waits up to {@code timeout} for the task to end.
     *
     * @return how it ended, or empty when it still runs after {@code timeout} ({@link
     *     Duration#ZERO} only looks)
     */
    Optional<ExitResult> await(TaskHandle handle, Duration timeout) throws InterruptedException;

    /**
     * Stops a task and every process it started: sends SIGTERM to its main process (only, as a
     * container runtime signals a container's init), waits up to {@code gracePeriod} for it to
     * end, then sends SIGKILL to every process left. Returns once none is left (it does not wait for
     * the exit status to be recorded: {@link #await} does).
     */
    void stop(TaskHandle handle, Duration gracePeriod) throws InterruptedException;

    /**
     * The task's state, or empty when this runtime knows nothing of it (never started here, or
     * {@link #destroy destroyed}).
     */
    Optional<TaskStatus> inspect(TaskHandle handle);

    /**
     * Reattaches to a task started before an agent restart, from its persisted handle.
     *
     * @return the handle to use from now on, or empty when the task no longer runs (its process
     *     is gone, or its pid now belongs to another process); {@link #inspect} may still know
     *     how it ended
     */
    Optional<TaskHandle> recover(TaskHandle persisted);

    /**
     * Forgets a task: kills it if it still runs (no grace period) and removes what the runtime
     * kept for it (state files, the per-task working directory). Log files are the caller's.
     */
    void destroy(TaskHandle handle) throws InterruptedException;

    /**
     * Kills whatever still runs of task {@code taskId} that no handle records (a start the agent did not live to
     * record) and removes what the runtime kept for it; nothing when there is none.
     */
    void destroyUnrecorded(String taskId) throws InterruptedException;
}
