package io.drover.agent.probe;

import io.drover.agent.runtime.TaskHandle;
import java.time.Instant;

/**
 * One run of a container, as the probes need to know it.
 *
 * @param id unique for this run (a restart is a new id)
 * @param startedAt when it started
 * @param handle its task, which exec probes run in
 */
public record ContainerInstance(String id, Instant startedAt, TaskHandle handle) {
    public ContainerInstance {
        if (id == null || startedAt == null || handle == null) {
            throw new IllegalArgumentException("id, startedAt, handle: " + id + ", " + startedAt + ", " + handle
                    + " (expected: all set)");
        }
    }
}
