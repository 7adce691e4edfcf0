package io.drover.agent.exec;

import java.util.Optional;

/** The node agent's view of its running containers, as exec needs it. */
@FunctionalInterface
public interface ExecTargets {

    /** The running container {@code container} of pod {@code namespace/pod}; empty when none runs. */
    Optional<ExecTarget> find(String namespace, String pod, String container);
}
