package io.drover.agent.exec;

import java.nio.file.Path;
import java.util.Map;

/**
 * Where and how an exec'd command runs: as the container's own processes do.
 *
 * @param env the container's whole environment (nothing of the agent's is inherited)
 * @param workingDir the container's working directory
 * @param cgroup the container's cgroup directory (cgroup v2, or the v1 hierarchy's leaf) the command
 *     joins, so it shares the container's limits; {@code null} when the container has none
 */
public record ExecTarget(Map<String, String> env, Path workingDir, Path cgroup) {

    public ExecTarget {
        env = env == null ? Map.of() : Map.copyOf(env);
        if (workingDir == null) {
            throw new IllegalArgumentException("workingDir: null (expected: the container's working directory)");
        }
    }
}
