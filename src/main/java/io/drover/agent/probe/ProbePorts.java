package io.drover.agent.probe;

import io.drover.ports.PodPorts;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.OptionalInt;
import java.util.function.Function;

/**
 * Where a probe's {@code port} (a number or a containerPort's name) is reached on this node: the
 * agent uses {@link #allocated()}, the host port allocated to the containerPort.
 */
@FunctionalInterface
public interface ProbePorts {

    /**
     * The port number to connect to.
     *
     * @throws IllegalArgumentException when the port is a name no containerPort has, or out of range
     */
    int resolve(Pod pod, Container container, IntOrString port);

    /**
     * The host port allocated to the containerPort the probe names, by number or name ({@link
     * PodPorts#forProbe}), where the process listens; a number that is no declared containerPort
     * is itself, as in the kubelet. A declared port without a host port yet is an error, never the
     * bare containerPort, which some other process on the host may hold.
     *
     * @param portsOf where a pod's ports are on this node
     */
    static ProbePorts allocated(Function<Pod, PodPorts> portsOf) {
        ProbePorts declared = containerPorts();
        return (pod, container, port) -> {
            PodPorts ports = portsOf.apply(pod);
            OptionalInt allocated = ports.forProbe(container, port);
            if (allocated.isPresent()) {
                return allocated.getAsInt();
            }
            int containerPort = declared.resolve(pod, container, port);
            throw new IllegalArgumentException("port " + containerPort + " of container " + container.getName()
                    + " has no host port yet");
        };
    }

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
