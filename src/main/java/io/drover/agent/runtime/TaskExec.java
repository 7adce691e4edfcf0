package io.drover.agent.runtime;

import java.time.Duration;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs a command inside a running task, with the task's environment, working directory and
 * resource accounting: what a lifecycle hook's {@code exec} needs. A {@link Runtime} that can do
 * this implements it; callers check for the interface.
 */
public interface TaskExec {

    /**
     * Runs {@code command} in the task and waits up to {@code timeout} for it; a command still
     * running then is killed with everything it started.
     *
     * @throws TaskException when the task does not run or the command cannot be started
     */
    ExecResult exec(TaskHandle handle, List<String> command, Duration timeout) throws InterruptedException;

    /**
     * What a command run inside the task needs when the caller runs it itself (an interactive
     * {@code kubectl exec} streams its input and output): the task's environment, working
     * directory and the {@code cgroup.procs} files that put a process under its limits.
     *
     * @return empty when the task does not run
     */
    Optional<TaskEnvironment> environment(TaskHandle handle);

    /**
     * Ties a session that a command the caller started in the task leads (a {@code kubectl exec}
     * started from {@link #environment}) to the task's life: stopping the task kills its
     * processes too, as every process of a container ends with it. A task that no longer runs
     * has them killed at once.
     */
    void adoptSession(TaskHandle handle, long sessionId);

    /**
     * How a task's processes run.
     *
     * @param env its whole environment
     * @param workingDir its working directory
     * @param cgroupProcs the {@code cgroup.procs} files a process writes its pid to, to join the
     *     task's cgroup(s) (one per hierarchy with cgroup v1; empty without cgroups)
     * @param mountNamespace the task's mount namespace ({@code /proc/<pid>/ns/mnt}) when it differs
     *     from the agent's (a pod's own resolv.conf), else empty
     * @param security who its processes run as and with which privileges
     */
    record TaskEnvironment(Map<String, String> env, Path workingDir, List<Path> cgroupProcs,
            Optional<Path> mountNamespace, TaskSecurity security) {
        public TaskEnvironment {
            env = Map.copyOf(env);
            cgroupProcs = List.copyOf(cgroupProcs);
            mountNamespace = mountNamespace == null ? Optional.empty() : mountNamespace;
            security = security == null ? TaskSecurity.AGENT : security;
        }
    }

    /**
     * How an exec ended.
     *
     * @param exitCode its exit status ({@code 128 + n} for signal {@code n}); meaningless when timed out
     * @param output its standard output and error, interleaved, cut at {@link #OUTPUT_LIMIT} bytes
     * @param timedOut whether it was killed for running past its timeout
     */
    record ExecResult(int exitCode, String output, boolean timedOut) {
        /** The most output kept: enough for an error message, bounded against chatty commands. */
        public static final int OUTPUT_LIMIT = 10 * 1024;

        public boolean succeeded() {
            return !timedOut && exitCode == 0;
        }
    }
}
