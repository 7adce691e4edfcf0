package io.drover.agent.probe;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;

/**
 * Where a probe's {@code port} (a number or a containerPort's name) is reached on this node. The
 * default passes numbers through and maps names to their containerPort; a node that allocates
 * host ports for containerPorts resolves to the allocated port instead.
 */
@FunctionalInterface
public interface ProbePorts {

    /**
     * The port number to connect to.
     *
     * @throws IllegalArgumentException when the port is a name no containerPort has, or out of range
     */
    int resolve(Pod pod, Container container, IntOrString port);

    /** Numbers as they are, names by the container's {@code ports} (kubelet's extractPort). */
    static ProbePorts containerPorts() {
        return (pod, container, port) -> {
            int number = numberOrName(container, port);
            if (number < 1 || number > 65535) {
                throw new IllegalArgumentException("invalid port number: " + number);
            }
            return number;
        };
    }

    private static int numberOrName(Container container, IntOrString port) {
        if (port == null || (port.getIntVal() == null && port.getStrVal() == null)) {
            throw new IllegalArgumentException("probe of container " + container.getName() + " has no port");
        }
        if (port.getIntVal() != null) {
            return port.getIntVal();
        }
        String name = port.getStrVal();
        if (container.getPorts() != null) {
            for (ContainerPort p : container.getPorts()) {
                if (name.equals(p.getName()) && p.getContainerPort() != null) {
                    return p.getContainerPort();
                }
            }
        }
        // As kubelet does: a name that is no containerPort's may still be a number written as a string.
        try {
            return Integer.parseInt(name);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("couldn't find port: " + name + " in container " + container.getName());
        }
    }
}
