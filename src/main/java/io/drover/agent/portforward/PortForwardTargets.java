package io.drover.agent.portforward;

import java.util.Optional;

/** The node agent's view of its pods, as port-forward needs it. */
@FunctionalInterface
public interface PortForwardTargets {

    /** Pod {@code namespace/pod} when it runs on this node; empty when it does not. */
    Optional<PortForwardTarget> find(String namespace, String pod);
}
