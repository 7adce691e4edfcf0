package io.drover.agent.exec;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Where and how an exec'd command runs: as the container's own processes do.
 *
 * @param env the container's whole environment (nothing of the agent's is inherited)
 * @param workingDir the container's working directory
 * @param cgroupProcs the container's {@code cgroup.procs} files (one with cgroup v2, one per
 *     hierarchy with v1) the command joins, so it shares the container's limits; empty when the
 *     container has no cgroup
 */
public record ExecTarget(Map<String, String> env, Path workingDir, List<Path> cgroupProcs) {

    public ExecTarget {
        env = env == null ? Map.of() : Map.copyOf(env);
        cgroupProcs = cgroupProcs == null ? List.of() : List.copyOf(cgroupProcs);
        if (workingDir == null) {
            throw new IllegalArgumentException("workingDir: null (expected: the container's working directory)");
        }
    }
}
