package io.drover.dns;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServiceSpec;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.ReverseMap;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * Builds the cluster zone from Services and EndpointSlices, record for record as the Kubernetes
 * DNS-based service discovery specification (kubernetes/dns docs/specification.md, schema 1.1.0):
 * <ul>
 *   <li>ClusterIP services: A/AAAA {@code <svc>.<ns>.svc.<zone>} to the ClusterIPs, SRV
 *       {@code _<port>._<proto>.<svc>.<ns>.svc.<zone>} per named port pointing at the service name,
 *       PTR for each ClusterIP;
 *   <li>headless services: A/AAAA to each ready endpoint, A/AAAA and PTR for
 *       {@code <hostname>.<svc>.<ns>.svc.<zone>} (the endpoint's hostname, else its address with
 *       dashes, as CoreDNS), SRV per named port per ready endpoint pointing at that name;
 *   <li>ExternalName services: CNAME to the external name;
 *   <li>pods: {@code <a-b-c-d>.<ns>.pod.<zone>} in every namespace (made up per query by the index);
 *   <li>{@code dns-version.<zone>} TXT "1.1.0";
 *   <li>NS at the zone apex naming the DNS Service this server is an endpoint of, else
 *       {@code ns.dns.<zone>} ({@link NameServers}), as CoreDNS.
 * </ul>
 * Every record has the same TTL (5 s by default, as CoreDNS's kubernetes plugin), but for
 * {@code dns-version}'s 8 hours.
 */
final class ServiceRecords {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ServiceRecords.class);
    static final String SCHEMA_VERSION = "1.1.0";
    static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";
    /** The TTL of {@code dns-version.<zone>}: CoreDNS's kubernetes Services() hard-codes it, whatever the plugin's ttl. */
    static final long SCHEMA_VERSION_TTL = 28800;

    private final Name zone;
    private final long ttl;
    private final Map<Name, Map<Integer, List<Record>>> records = new HashMap<>();

    private ServiceRecords(Name zone, long ttl) {
        this.zone = zone;
        this.ttl = ttl;
    }

    /**
     * The index for these objects; {@code serial} goes into the zone's SOA (a revision of the data).
     * {@code namespaces} (names) exist in the zone with or without Services, and hold the pod names.
     * {@code serverAddresses} are the DNS server's own (non-loopback) addresses, by which it finds
     * itself among the endpoints to name the zone's name servers ({@link NameServers}).
     */
    static RecordIndex build(Name zone, long ttl, long serial, Collection<String> namespaces,
            Collection<Service> services, Collection<EndpointSlice> slices, Collection<InetAddress> serverAddresses) {
        ServiceRecords builder = new ServiceRecords(zone, ttl);
        Map<String, List<EndpointSlice>> slicesByService = new HashMap<>();
        for (EndpointSlice slice : slices) {
            String service = slice.getMetadata().getLabels() == null ? null
                    : slice.getMetadata().getLabels().get(SERVICE_NAME_LABEL);
            if (service != null) {
                slicesByService.computeIfAbsent(slice.getMetadata().getNamespace() + "/" + service,
                        k -> new ArrayList<>()).add(slice);
            }
        }
        Map<String, Service> servicesByKey = new HashMap<>();
        for (Service service : services) {
            String key = service.getMetadata().getNamespace() + "/" + service.getMetadata().getName();
            servicesByKey.put(key, service);
            try {
                builder.addService(service, slicesByService.getOrDefault(key, List.of()));
            } catch (IllegalArgumentException e) {
                // One object the API let through with a name DNS cannot carry must not hide the rest.
                log.warn("no DNS records for service {}: {}", key, e.getMessage());
            }
        }
        builder.add(new TXTRecord(builder.name("dns-version"), DClass.IN, SCHEMA_VERSION_TTL, SCHEMA_VERSION));
        builder.addNameServers(NameServers.of(zone, serverAddresses, servicesByKey, slicesByService));
        builder.splitSrvWeights();
        return new RecordIndex(List.of(zone), builder.records, Set.copyOf(namespaces), ttl, soa(zone, ttl, serial));
    }

    /** The zone's SOA, with CoreDNS's timers; its minimum (the negative-caching TTL) is the record TTL. */
    static SOARecord soa(Name zone, long ttl, long serial) {
        try {
            return new SOARecord(zone, DClass.IN, ttl, Name.fromString("ns.dns", zone),
                    Name.fromString("hostmaster", zone), serial & 0xFFFFFFFFL, 7200, 1800, 86400, ttl);
        } catch (TextParseException e) {
            throw new IllegalStateException(e);
        }
    }

    private void addService(Service service, List<EndpointSlice> slices) {
        String ns = service.getMetadata().getNamespace();
        Name serviceName = name(service.getMetadata().getName() + "." + ns + ".svc");
        var spec = service.getSpec();
        if (spec == null) {
            return;
        }
        if ("ExternalName".equals(spec.getType())) {
            // An address is no alias: no name at all, as CoreDNS adds an ExternalName only when it is a host name.
            if (spec.getExternalName() != null && !spec.getExternalName().isBlank()
                    && ipLiteral(spec.getExternalName()) == null) {
                add(new CNAMERecord(serviceName, DClass.IN, ttl, absolute(spec.getExternalName())));
            }
            return;
        }
        if ("None".equals(spec.getClusterIP())) {
            addHeadless(serviceName, slices, Boolean.TRUE.equals(spec.getPublishNotReadyAddresses()));
            return;
        }
        List<InetAddress> addresses = new ArrayList<>();
        for (String ip : clusterIps(spec)) {
            InetAddress address = parseAddress(ip);
            if (address != null) {
                add(addressRecord(serviceName, address));
                add(new PTRRecord(ReverseMap.fromAddress(address), DClass.IN, ttl, serviceName));
                addresses.add(address);
            }
        }
        if (addresses.isEmpty()) {
            // No ClusterIP yet: the name exists (NOERROR, no records) until one is allocated.
            records.computeIfAbsent(serviceName, k -> new LinkedHashMap<>());
        }
        for (ServicePort port : spec.getPorts() == null ? List.<ServicePort>of() : spec.getPorts()) {
            if (port.getName() != null && !port.getName().isEmpty() && port.getPort() != null) {
                Name srvName = srvName(port.getName(), port.getProtocol(), serviceName);
                add(new SRVRecord(srvName, DClass.IN, ttl, 0, 100, port.getPort(), serviceName));
                // An address question on the SRV name gets the addresses too: CoreDNS's findServices
                // filters by port and protocol whatever the type asked.
                addresses.forEach(address -> add(addressRecord(srvName, address)));
            }
        }
    }

    /** The Service's ClusterIPs, else its ClusterIP, as CoreDNS's object.ToService reads them. */
    static List<String> clusterIps(ServiceSpec spec) {
        return spec.getClusterIPs() == null || spec.getClusterIPs().isEmpty()
                ? (spec.getClusterIP() == null ? List.of() : List.of(spec.getClusterIP()))
                : spec.getClusterIPs();
    }

    /**
     * The zone's NS records and {@code ns.dns.<zone>}'s addresses, as CoreDNS answers
     * {@code <zone> NS} (plugin.NS over nsAddrs: one NS per name server name, TTL the plugin's) and
     * {@code ns.dns.<zone> A/AAAA} (every name server address, isDefaultNS). The NS targets' own
     * address records (the DNS Service's, or {@code ns.dns.<zone>}'s) go to the Additional section
     * ({@link RecordIndex#additional}).
     */
    private void addNameServers(List<NameServers.Server> servers) {
        Name defaultName = name("ns.dns");
        records.computeIfAbsent(defaultName, k -> new LinkedHashMap<>()); // NODATA without addresses
        for (NameServers.Server server : servers) {
            add(new NSRecord(zone, DClass.IN, ttl, server.name()));
            add(addressRecord(defaultName, server.address()));
        }
    }

    /** Without a ready endpoint the name does not exist (NXDOMAIN, DNS specification 2.4.1, as CoreDNS). */
    private void addHeadless(Name serviceName, List<EndpointSlice> slices, boolean publishNotReady) {
        for (EndpointSlice slice : slices) {
            if ("FQDN".equals(slice.getAddressType()) || slice.getEndpoints() == null) {
                continue;
            }
            for (Endpoint endpoint : slice.getEndpoints()) {
                if (!publishNotReady && !ready(endpoint)) {
                    continue;
                }
                for (String ip : endpoint.getAddresses() == null ? List.<String>of() : endpoint.getAddresses()) {
                    InetAddress address = parseAddress(ip);
                    if (address == null) {
                        continue;
                    }
                    String label = endpoint.getHostname() != null && !endpoint.getHostname().isEmpty()
                            ? endpoint.getHostname() : dashed(ip);
                    Name endpointName = child(label, serviceName);
                    add(addressRecord(serviceName, address));
                    add(addressRecord(endpointName, address));
                    if (endpoint.getHostname() != null && !endpoint.getHostname().isEmpty()) {
                        add(new PTRRecord(ReverseMap.fromAddress(address), DClass.IN, ttl, endpointName));
                    }
                    for (EndpointPort port : slice.getPorts() == null ? List.<EndpointPort>of() : slice.getPorts()) {
                        if (port.getName() != null && !port.getName().isEmpty() && port.getPort() != null) {
                            Name srvName = srvName(port.getName(), port.getProtocol(), serviceName);
                            add(new SRVRecord(srvName, DClass.IN, ttl, 0, 100, port.getPort(), endpointName));
                            add(addressRecord(srvName, address)); // as for a ClusterIP Service's port
                        }
                    }
                }
            }
        }
    }

    /**
     * The records of one SRV name share a weight of 100, as CoreDNS splits it among the records of
     * one priority (all are priority 0): 100 / n, rounded down, at least 1.
     */
    private void splitSrvWeights() {
        for (Map<Integer, List<Record>> byType : records.values()) {
            List<Record> srvs = byType.get(Type.SRV);
            if (srvs == null || srvs.size() < 2) {
                continue;
            }
            int weight = Math.max(1, 100 / srvs.size());
            srvs.replaceAll(r -> {
                SRVRecord srv = (SRVRecord) r;
                return new SRVRecord(srv.getName(), srv.getDClass(), srv.getTTL(), srv.getPriority(), weight,
                        srv.getPort(), srv.getTarget());
            });
        }
    }

    /** Unknown readiness counts as ready, as the EndpointSlice API says consumers should. */
    static boolean ready(Endpoint endpoint) {
        return endpoint.getConditions() == null || endpoint.getConditions().getReady() == null
                || endpoint.getConditions().getReady();
    }

    private Record addressRecord(Name owner, InetAddress address) {
        return address.getAddress().length == 4 ? new ARecord(owner, DClass.IN, ttl, address)
                : new AAAARecord(owner, DClass.IN, ttl, address);
    }

    private void add(Record record) {
        List<Record> list = records.computeIfAbsent(record.getName(), k -> new LinkedHashMap<>())
                .computeIfAbsent(record.getType(), k -> new ArrayList<>());
        if (!list.contains(record)) {
            list.add(record);
        }
    }

    private Name srvName(String port, String protocol, Name serviceName) {
        String proto = (protocol == null ? "TCP" : protocol).toLowerCase(Locale.ROOT);
        return child("_" + port + "._" + proto, serviceName);
    }

    private Name name(String relative) {
        return child(relative, zone);
    }

    private static Name child(String relative, Name origin) {
        try {
            return Name.fromString(relative, origin);
        } catch (TextParseException e) {
            throw new IllegalArgumentException("not a DNS name: " + relative, e);
        }
    }

    private static Name absolute(String name) {
        return child(name.endsWith(".") ? name : name + ".", Name.root);
    }

    /**
     * The name label of an endpoint without hostname, as CoreDNS's endpointHostname: the address as
     * the slice spells it with its dots, else its colons, made dashes ({@code fd00::1} is
     * {@code fd00--1}, not the expanded form).
     */
    static String dashed(String ip) {
        return ip.contains(".") ? ip.replace('.', '-') : ip.replace(':', '-');
    }

    /**
     * The address {@code text} spells as Go's {@code net.ParseIP} reads it (four decimal fields
     * without leading zeros, or IPv6 in colon-hex form), which CoreDNS uses to tell an address from a
     * host name; null otherwise. Never a lookup.
     */
    static InetAddress ipLiteral(String text) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        if (text.indexOf(':') < 0) {
            String[] fields = text.split("\\.", -1);
            if (fields.length != 4) {
                return null;
            }
            for (String field : fields) {
                if (field.isEmpty() || field.length() > 3 || (field.length() > 1 && field.charAt(0) == '0')
                        || !field.chars().allMatch(c -> c >= '0' && c <= '9') || Integer.parseInt(field) > 255) {
                    return null;
                }
            }
        } else if (!text.chars().allMatch(c -> c == ':' || c == '.' || (c >= '0' && c <= '9')
                || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
            return null;
        }
        return parseAddress(text);
    }

    /** A literal address, never a host name to look up; null for anything else ("None", ""). */
    static InetAddress parseAddress(String ip) {
        boolean literal = ip != null && !ip.isEmpty()
                && (ip.indexOf(':') >= 0 || ip.chars().allMatch(c -> c == '.' || Character.isDigit(c)));
        if (!literal) {
            return null;
        }
        try {
            return InetAddress.getByName(ip);
        } catch (java.net.UnknownHostException e) {
            return null;
        }
    }
}
