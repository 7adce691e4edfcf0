package io.drover.agent.env;

/**
 * A container's configuration cannot be resolved (a missing ConfigMap, Secret or key, an
 * unsupported field, no free host port): the kubelet's CreateContainerConfigError. The message is
 * the kubelet's, shown as the waiting message and in the "Error: ..." event.
 */
public final class ContainerConfigException extends Exception {
    public static final String REASON = "CreateContainerConfigError";

    public ContainerConfigException(String message) {
        super(message);
    }
}
