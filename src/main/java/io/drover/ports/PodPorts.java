package io.drover.ports;

import static io.drover.pod.PodFields.list;
import static io.drover.pod.PodFields.text;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Stream;

/**
 * Where a pod's ports are on its node, read from the pod object alone (its spec and its {@link
 * HostPortAnnotation}), so that the agent's probes and an endpoints controller resolve a port
 * reference the same way. A reference is what Kubernetes allows: a number, or the name of a
 * containerPort. A number the pod declares as a containerPort leads to that port's host port; a
 * number it does not declare is taken as the host port itself (the process chose it).
 */
public final class PodPorts {
    private static final String TCP = "TCP";

    /** A containerPort as the spec declares it, the input to allocation. */
    public record DeclaredPort(String name, int containerPort, String protocol, int hostPort) {}

    private final List<DeclaredPort> declared;
    private final List<PortAssignment> assignments;

    private PodPorts(List<DeclaredPort> declared, List<PortAssignment> assignments) {
        this.declared = declared;
        this.assignments = assignments;
    }

    public static PodPorts of(Pod pod) {
        Map<String, String> annotations = pod.getMetadata() == null ? null : pod.getMetadata().getAnnotations();
        String value = annotations == null ? null : annotations.get(HostPortAnnotation.KEY);
        return of(pod, HostPortAnnotation.parse(value).orElse(List.of()));
    }

    /** The pod's declared ports with assignments known elsewhere (the agent's own, before its record is seen). */
    public static PodPorts of(Pod pod, List<PortAssignment> assignments) {
        return new PodPorts(declared(pod), assignments);
    }

    /** Whether the pod declares this containerPort (so it has a host port of its own once assigned). */
    public boolean declares(int containerPort, String protocol) {
        String proto = protocol(protocol);
        return declared.stream().anyMatch(d -> d.containerPort() == containerPort && d.protocol().equals(proto));
    }

    /**
     * The containerPorts of the pod's containers and init containers, in spec order, one per
     * containerPort and protocol (containers of a pod share its network, so a port declared twice
     * is one port; the first declaration's name wins).
     */
    public static List<DeclaredPort> declared(Pod pod) {
        List<DeclaredPort> ports = new ArrayList<>();
        if (pod.getSpec() == null) {
            return ports;
        }
        Stream.concat(list(pod.getSpec().getInitContainers()).stream(), list(pod.getSpec().getContainers()).stream())
                .forEach(c -> {
                    for (ContainerPort p : list(c.getPorts())) {
                        if (p.getContainerPort() == null) {
                            continue;
                        }
                        String protocol = protocol(p.getProtocol());
                        if (ports.stream().noneMatch(d -> d.containerPort() == p.getContainerPort()
                                && d.protocol().equals(protocol))) {
                            ports.add(new DeclaredPort(text(p.getName()), p.getContainerPort(), protocol,
                                    p.getHostPort() == null ? 0 : p.getHostPort()));
                        }
                    }
                });
        return ports;
    }

    /** The recorded assignments; empty before the agent allocated them. */
    public List<PortAssignment> assignments() {
        return assignments;
    }

    /** Whether every declared port has its host port recorded. */
    public boolean complete() {
        return declared.stream().allMatch(d -> assigned(d.containerPort(), d.protocol()).isPresent());
    }

    /** The host port of a declared containerPort; empty when it is not (yet) assigned. */
    public OptionalInt assigned(int containerPort, String protocol) {
        String proto = protocol(protocol);
        return assignments.stream().filter(a -> a.isFor(containerPort, proto))
                .mapToInt(PortAssignment::hostPort).findFirst();
    }

    /**
     * A Service's targetPort on this pod (Kubernetes' FindPort): a name matches a containerPort of
     * that name and protocol in any container; a number is that port. Empty when the name is
     * unknown or the port is declared but not yet assigned.
     */
    public OptionalInt forTarget(IntOrString targetPort, String protocol) {
        String proto = protocol(protocol);
        if (targetPort == null) {
            return OptionalInt.empty();
        }
        if (targetPort.getIntVal() != null) {
            return byNumber(targetPort.getIntVal(), proto);
        }
        return declared.stream().filter(d -> d.name().equals(targetPort.getStrVal()) && d.protocol().equals(proto))
                .findFirst().map(d -> assigned(d.containerPort(), d.protocol())).orElse(OptionalInt.empty());
    }

    /**
     * A probe's port (httpGet.port, tcpSocket.port, grpc.port) on {@code container} (the
     * kubelet's ResolveContainerPort: a name is looked up among that container's ports).
     */
    public OptionalInt forProbe(Container container, IntOrString port) {
        if (port == null) {
            return OptionalInt.empty();
        }
        if (port.getIntVal() != null) {
            return byNumber(port.getIntVal(), TCP);
        }
        Optional<ContainerPort> named = list(container.getPorts()).stream()
                .filter(p -> port.getStrVal().equals(p.getName()) && p.getContainerPort() != null).findFirst();
        return named.map(p -> assigned(p.getContainerPort(), p.getProtocol())).orElse(OptionalInt.empty());
    }

    private OptionalInt byNumber(int port, String protocol) {
        return declares(port, protocol) ? assigned(port, protocol) : OptionalInt.of(port);
    }

    private static String protocol(String protocol) {
        return protocol == null || protocol.isEmpty() ? TCP : protocol;
    }
}
