package io.drover.agent;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;

/**
 * Where an httpGet lifecycle hook connects: the port its {@code port} field names. The seam for
 * port allocation: once containerPorts are mapped to allocated host ports (PodPorts), the agent
 * passes a resolver that answers with the host port; until then {@link #CONTAINER_PORTS} answers
 * as the kubelet's resolvePort does, with the containerPort number itself.
 */
@FunctionalInterface
interface HookPorts {

    /**
     * The port to connect to for {@code port} of container {@code c}.
     *
     * @throws IllegalArgumentException when a named port is not one of the container's ports
     */
    int resolve(Pod pod, Container c, IntOrString port);

    /** The kubelet's resolvePort: a number is itself, a name is the containerPort of that name (an empty one is 80). */
    HookPorts CONTAINER_PORTS = (pod, c, port) -> {
        if (port == null) {
            return 80;
        }
        if (port.getIntVal() != null) {
            return port.getIntVal();
        }
        String name = port.getStrVal() == null ? "" : port.getStrVal();
        if (name.isEmpty()) {
            return 80;
        }
        if (name.chars().allMatch(Character::isDigit)) {
            return Integer.parseInt(name);
        }
        for (ContainerPort p : c.getPorts() == null ? java.util.List.<ContainerPort>of() : c.getPorts()) {
            if (name.equals(p.getName())) {
                return p.getContainerPort();
            }
        }
        throw new IllegalArgumentException("couldn't find port: " + name + " in container " + c.getName());
    };
}
