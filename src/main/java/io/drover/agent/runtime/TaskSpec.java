package io.drover.agent.runtime;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What to run: one container of a pod, with its command already expanded ({@code $(VAR)}
 * references resolved, image entrypoint merged) and its environment complete.
 *
 * @param id the task's id, unique on the node, e.g. {@code <pod uid>/<container name>}
 * @param command the program and its arguments; the program is looked up on the task's {@code PATH}
 * @param env the task's whole environment: nothing is inherited from the agent
 * @param workingDir the task's working directory, or {@code null} for a per-task directory the runtime creates
 * @param stdoutLog the file the task's standard output is appended to
 * @param stderrLog the file the task's standard error is appended to (may equal {@code stdoutLog})
 * @param resources its limits and requests, enforced where the runtime can ({@link Capabilities#supportsResourceLimits()})
 * @param resolvConf a file the task sees as {@code /etc/resolv.conf} (the pod's DNS settings), or
 *     {@code null} for the host's; the process runtime applies it as root only
 * @param stdio its standard input and terminal
 * @param security who it runs as and with which privileges ({@link TaskSecurity#AGENT} when {@code null})
 */
public record TaskSpec(String id, List<String> command, Map<String, String> env, Path workingDir, Path stdoutLog,
        Path stderrLog, Resources resources, Path resolvConf, TaskStdio stdio, TaskSecurity security) {

    /** A task run as the node agent's user, with its privileges. */
    public TaskSpec(String id, List<String> command, Map<String, String> env, Path workingDir, Path stdoutLog,
            Path stderrLog, Resources resources, Path resolvConf, TaskStdio stdio) {
        this(id, command, env, workingDir, stdoutLog, stderrLog, resources, resolvConf, stdio, TaskSecurity.AGENT);
    }

    /** A task without stdin or terminal. */
    public TaskSpec(String id, List<String> command, Map<String, String> env, Path workingDir, Path stdoutLog,
            Path stderrLog, Resources resources, Path resolvConf) {
        this(id, command, env, workingDir, stdoutLog, stderrLog, resources, resolvConf, TaskStdio.NONE);
    }

    /** A task that sees the host's /etc/resolv.conf. */
    public TaskSpec(String id, List<String> command, Map<String, String> env, Path workingDir, Path stdoutLog,
            Path stderrLog, Resources resources) {
        this(id, command, env, workingDir, stdoutLog, stderrLog, resources, null);
    }

    /** A task without limits or requests. */
    public TaskSpec(String id, List<String> command, Map<String, String> env, Path workingDir, Path stdoutLog,
            Path stderrLog) {
        this(id, command, env, workingDir, stdoutLog, stderrLog, Resources.NONE);
    }

    public TaskSpec {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("id: " + id + " (expected: non-blank)");
        }
        if (command == null || command.isEmpty() || command.get(0).isEmpty()) {
            throw new IllegalArgumentException("command: " + command + " (expected: a program and its arguments)");
        }
        command = List.copyOf(command);
        env = env == null ? Map.of() : Map.copyOf(env);
        for (String name : env.keySet()) {
            if (name.isEmpty() || name.indexOf('=') >= 0 || name.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("env name: '" + name + "' (expected: non-empty, without '=' or NUL)");
            }
        }
        if (stdoutLog == null || stderrLog == null) {
            throw new IllegalArgumentException(
                    "stdoutLog, stderrLog: " + stdoutLog + ", " + stderrLog + " (expected: both set)");
        }
        resources = resources == null ? Resources.NONE : resources;
        stdio = stdio == null ? TaskStdio.NONE : stdio;
        security = security == null ? TaskSecurity.AGENT : security;
    }
}
