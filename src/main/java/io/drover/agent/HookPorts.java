package io.drover.agent;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.drover.ports.PodPorts;
import java.util.OptionalInt;
import java.util.function.Function;

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
     * A declared port without a host port yet is an error, never the bare containerPort.
     *
     * @param portsOf where a pod's ports are on this node
     */
    static HookPorts allocated(Function<Pod, PodPorts> portsOf) {
        return (pod, c, port) -> {
            PodPorts ports = portsOf.apply(pod);
            OptionalInt allocated = ports.forProbe(c, port);
            if (allocated.isPresent()) {
                return allocated.getAsInt();
            }
            int resolved = CONTAINER_PORTS.resolve(pod, c, port);
            if (ports.declares(resolved, "TCP")) {
                throw new IllegalArgumentException("port " + resolved + " of container " + c.getName()
                        + " has no host port yet");
            }
            return resolved;
        };
    }
}
