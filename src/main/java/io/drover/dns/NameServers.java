package io.drover.dns;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;

/**
 * The zone's name servers as CoreDNS's kubernetes plugin finds itself (plugin/kubernetes/ns.go
 * nsAddrs): the EndpointSlices with a ready endpoint at one of the server's own addresses belong to
 * the DNS Service (kube-system/kube-dns), whose name and ClusterIPs are the name servers (for a
 * headless Service, each ready endpoint's name and address). A server no slice points at names
 * itself {@code ns.dns.<zone>} at its own addresses.
 */
final class NameServers {
    /** One name server: the target of the zone's NS record and an address of it. */
    record Server(Name name, InetAddress address) {}

    private NameServers() {}

    /**
     * @param serverAddresses the DNS server's own addresses, loopback left out (CoreDNS's boundIPs)
     * @param servicesByKey the Services by {@code namespace/name}
     * @param slicesByService the EndpointSlices by the {@code namespace/name} of their Service label
     */
    static List<Server> of(Name zone, Collection<InetAddress> serverAddresses, Map<String, Service> servicesByKey,
            Map<String, List<EndpointSlice>> slicesByService) {
        List<Server> servers = new ArrayList<>();
        boolean foundEndpoint = false;
        for (InetAddress local : serverAddresses) {
            for (Map.Entry<String, List<EndpointSlice>> entry : slicesByService.entrySet()) {
                for (EndpointSlice slice : entry.getValue()) {
                    List<Endpoint> ready = readyEndpoints(slice);
                    if (ready.stream().flatMap(e -> addresses(e).stream())
                            .noneMatch(ip -> local.equals(ServiceRecords.parseAddress(ip)))) {
                        continue;
                    }
                    foundEndpoint = true;
                    Service service = servicesByKey.get(entry.getKey());
                    if (service != null && service.getSpec() != null) {
                        servers.addAll(ofService(zone, service, ready));
                    }
                }
            }
        }
        if (!foundEndpoint) {
            Name defaultName = child("ns.dns", zone);
            serverAddresses.forEach(address -> servers.add(new Server(defaultName, address)));
        }
        return servers;
    }

    private static List<Server> ofService(Name zone, Service service, List<Endpoint> ready) {
        Name serviceName = child(service.getMetadata().getName() + "." + service.getMetadata().getNamespace()
                + ".svc", zone);
        List<String> clusterIps = ServiceRecords.clusterIps(service.getSpec());
        List<Server> servers = new ArrayList<>();
        if (!clusterIps.isEmpty() && "None".equals(clusterIps.getFirst())) {
            for (Endpoint endpoint : ready) {
                for (String ip : addresses(endpoint)) {
                    String label = endpoint.getHostname() != null && !endpoint.getHostname().isEmpty()
                            ? endpoint.getHostname() : ServiceRecords.dashed(ip);
                    servers.add(new Server(child(label, serviceName), ServiceRecords.parseAddress(ip)));
                }
            }
        } else {
            clusterIps.forEach(ip -> servers.add(new Server(serviceName, ServiceRecords.parseAddress(ip))));
        }
        servers.removeIf(server -> server.address() == null);
        return servers;
    }

    /** Ready or of unknown readiness, as CoreDNS's EndpointSliceToEndpoints keeps them. */
    private static List<Endpoint> readyEndpoints(EndpointSlice slice) {
        if ("FQDN".equals(slice.getAddressType()) || slice.getEndpoints() == null) {
            return List.of();
        }
        return slice.getEndpoints().stream().filter(Objects::nonNull).filter(ServiceRecords::ready).toList();
    }

    private static List<String> addresses(Endpoint endpoint) {
        return endpoint.getAddresses() == null ? List.of() : endpoint.getAddresses();
    }

    private static Name child(String relative, Name origin) {
        try {
            return Name.fromString(relative, origin);
        } catch (TextParseException e) {
            throw new IllegalArgumentException("not a DNS name: " + relative, e);
        }
    }
}
