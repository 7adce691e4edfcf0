package io.drover.proxy;

import io.fabric8.kubernetes.api.model.discovery.v1.EndpointConditions;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Which endpoints of a Service port get traffic, by kube-proxy's rules: the ready ones; when none is
 * ready, the ones that are serving while terminating (so a Service whose every pod is shutting down
 * still answers, KEP-1669). A missing ready condition counts as ready, a missing serving condition
 * as the ready one, as in the EndpointSlice API. IPv4 slices only, as drover's addresses are.
 */
final class EndpointSelection {
    private EndpointSelection() {}

    static List<InetSocketAddress> select(List<EndpointSlice> slices, String portName, String protocol) {
        Set<InetSocketAddress> ready = new LinkedHashSet<>();
        Set<InetSocketAddress> terminatingServing = new LinkedHashSet<>();
        for (EndpointSlice slice : slices) {
            if (!"IPv4".equals(slice.getAddressType()) || slice.getEndpoints() == null) {
                continue;
            }
            Integer port = port(slice, portName, protocol);
            if (port == null) {
                continue;
            }
            for (var endpoint : slice.getEndpoints()) {
                if (endpoint.getAddresses() == null || endpoint.getAddresses().isEmpty()) {
                    continue;
                }
                // A literal only: a name here would be looked up in DNS on the sync thread.
                byte[] ip = NetUtil.createByteArrayFromIpAddressString(endpoint.getAddresses().get(0));
                if (ip == null || ip.length != 4) {
                    continue;
                }
                InetSocketAddress address;
                try {
                    address = new InetSocketAddress(InetAddress.getByAddress(ip), port);
                } catch (UnknownHostException e) {
                    continue; // not for a 4-byte address
                }
                EndpointConditions conditions = endpoint.getConditions();
                boolean isReady = conditions == null || !Boolean.FALSE.equals(conditions.getReady());
                boolean serving = conditions == null || conditions.getServing() == null
                        ? isReady : conditions.getServing();
                boolean terminating = conditions != null && Boolean.TRUE.equals(conditions.getTerminating());
                if (isReady) {
                    ready.add(address);
                } else if (serving && terminating) {
                    terminatingServing.add(address);
                }
            }
        }
        return new ArrayList<>(ready.isEmpty() ? terminatingServing : ready);
    }

    private static Integer port(EndpointSlice slice, String portName, String protocol) {
        if (slice.getPorts() == null) {
            return null;
        }
        for (EndpointPort port : slice.getPorts()) {
            String name = port.getName() == null ? "" : port.getName();
            String proto = port.getProtocol() == null ? "TCP" : port.getProtocol();
            if (name.equals(portName) && proto.equals(protocol) && port.getPort() != null) {
                // Kubernetes does not check a slice's port range; a port no socket can have serves nothing.
                return port.getPort() >= 1 && port.getPort() <= 65535 ? port.getPort() : null;
            }
        }
        return null;
    }

    static boolean sameService(EndpointSlice slice, String namespace, String service) {
        return Objects.equals(slice.getMetadata().getNamespace(), namespace)
                && slice.getMetadata().getLabels() != null
                && service.equals(slice.getMetadata().getLabels().get(ServiceProxy.SERVICE_NAME_LABEL));
    }
}
