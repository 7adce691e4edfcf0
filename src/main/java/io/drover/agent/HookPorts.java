package io.drover.agent;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.drover.ports.PodPorts;
import java.util.OptionalInt;

/**
 * Where an httpGet lifecycle hook connects: the port its {@code port} field names. The agent uses
 * {@link #ALLOCATED}: the host port allocated to that containerPort, where the process listens.
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

    /**
     * The host port allocated to the containerPort the hook names (by number or name, {@link
     * PodPorts#forProbe}); a number that is no declared containerPort is itself, as in the kubelet.
     */
    HookPorts ALLOCATED = (pod, c, port) -> {
        OptionalInt allocated = PodPorts.of(pod).forProbe(c, port);
        return allocated.isPresent() ? allocated.getAsInt() : CONTAINER_PORTS.resolve(pod, c, port);
    };
}
