package io.drover.agent.exec;

import io.drover.agent.runtime.TaskStreams;
import java.io.IOException;
import java.util.Optional;

/** The node agent's running containers, as attach needs them. */
@FunctionalInterface
public interface AttachTargets {

    /**
     * Attaches to the running container {@code container} of pod {@code namespace/pod}.
     *
     * @param stdin whether the client sends stdin
     * @return empty when no such container runs
     */
    Optional<TaskStreams> attach(String namespace, String pod, String container, boolean stdin) throws IOException;
}
