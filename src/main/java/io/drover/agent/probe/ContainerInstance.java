package io.drover.agent.probe;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

/**
 * One run of a container, as the probes need to know it.
 *
 * @param id unique for this run (a restart is a new id)
 * @param startedAt when it started
 * @param pid its main process on this host, for its working directory
 * @param env its environment, which exec probes run with
 * @param workingDir its working directory from the spec, or null for the runtime's own
 */
public record ContainerInstance(String id, Instant startedAt, long pid, Map<String, String> env, Path workingDir) {
    public ContainerInstance {
        if (id == null || startedAt == null) {
            throw new IllegalArgumentException("id, startedAt: " + id + ", " + startedAt + " (expected: both set)");
        }
        env = env == null ? Map.of() : Map.copyOf(env);
    }
}
