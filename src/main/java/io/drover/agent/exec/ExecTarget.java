package io.drover.agent.exec;

import io.drover.agent.runtime.TaskSecurity;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where and how an exec'd command runs: as the container's own processes do.
 *
 * @param env the container's whole environment (nothing of the agent's is inherited)
 * @param workingDir the container's working directory
 * @param cgroupProcs the container's {@code cgroup.procs} files (one with cgroup v2, one per
 *     hierarchy with v1) the command joins, so it shares the container's limits; empty when the
 *     container has no cgroup
 * @param mountNamespace the container's mount namespace ({@code /proc/<pid>/ns/mnt}) when it is
 *     not the agent's, which the command then enters; empty otherwise
 * @param security who the container runs as and with which privileges: the command does too
 * @param sessions the container, told of the sessions the command leads so that they end with it
 */
public record ExecTarget(Map<String, String> env, Path workingDir, List<Path> cgroupProcs,
        Optional<Path> mountNamespace, TaskSecurity security, SessionOwner sessions) {

    public ExecTarget {
        env = env == null ? Map.of() : Map.copyOf(env);
        cgroupProcs = cgroupProcs == null ? List.of() : List.copyOf(cgroupProcs);
        mountNamespace = mountNamespace == null ? Optional.empty() : mountNamespace;
        security = security == null ? TaskSecurity.AGENT : security;
        sessions = sessions == null ? SessionOwner.NONE : sessions;
        if (workingDir == null) {
            throw new IllegalArgumentException("workingDir: null (expected: the container's working directory)");
        }
    }

    /** A target in the agent's own mount namespace, tied to no container's life. */
    public ExecTarget(Map<String, String> env, Path workingDir, List<Path> cgroupProcs) {
        this(env, workingDir, cgroupProcs, Optional.empty(), TaskSecurity.AGENT, SessionOwner.NONE);
    }
}
