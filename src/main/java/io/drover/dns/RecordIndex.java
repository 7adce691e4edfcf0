package io.drover.dns;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Type;

/**
 * An immutable snapshot of every record the cluster zone answers with, keyed by owner name and
 * type, built once per change so that a query is two hash lookups. The names that exist are those
 * with records and the ones CoreDNS's parseRequest accepts without records: the zone,
 * {@code svc.<zone>}, {@code pod.<zone>} and each namespace's {@code <ns>.svc} and {@code <ns>.pod}
 * (NOERROR with no records); any other parent of a name, as {@code _tcp.<svc>} or
 * {@code dns.<zone>}, is NXDOMAIN, as there.
 * Records outside the zones (PTR records of cluster IPs under in-addr.arpa) are answered where they
 * exist and otherwise forwarded.
 */
final class RecordIndex {
    private static final int MAX_CNAME_HOPS = 8;
    /** What the zone says about one question. */
    sealed interface Answer {
        /** The name has records of the asked type. */
        record Records(List<Record> records) implements Answer {}

        /** The name exists but has no records of the asked type: NOERROR, SOA in authority. */
        record NoData() implements Answer {}

        /** The name does not exist in the zone: NXDOMAIN, SOA in authority. */
        record NxDomain() implements Answer {}

        /** The name is outside the zones this index serves: forward it. */
        record NotOurs() implements Answer {}

        /**
         * The name is an alias (an ExternalName Service) whose CNAME chain ends at {@code target}, a
         * name outside the zones: the upstream resolvers are to complete it, since stub resolvers
         * (glibc, musl, Go) do not chase a CNAME that comes without the target's records.
         */
        record ExternalAlias(List<Record> chain, Name target) implements Answer {}
    }

    private static final Answer NO_DATA = new Answer.NoData();
    private static final Answer NX_DOMAIN = new Answer.NxDomain();
    private static final Answer NOT_OURS = new Answer.NotOurs();

    private final List<Name> zones;
    private final Map<Name, Map<Integer, List<Record>>> records;
    private final Set<Name> names;
    private final Set<Name> podNamespaces;
    private final long ttl;
    private final SOARecord soa;

    /**
     * @param namespaces the cluster's namespaces: {@code <ns>.svc.<zone>} and {@code <ns>.pod.<zone>}
     *     exist for each (NODATA, as CoreDNS's namespaceExposed), and {@code <a-b-c-d>.<ns>.pod.<zone>}
     *     answers with the address its label spells
     * @param ttl the TTL of the pod records made up per query
     */
    RecordIndex(List<Name> zones, Map<Name, Map<Integer, List<Record>>> records, Set<String> namespaces, long ttl,
            SOARecord soa) {
        this.zones = List.copyOf(zones);
        this.records = Map.copyOf(records);
        this.ttl = ttl;
        this.soa = soa;
        Set<Name> all = new HashSet<>();
        Set<Name> pods = new HashSet<>();
        for (Name zone : zones) {
            all.add(child("pod", zone));
            all.add(child("svc", zone));
            for (String namespace : namespaces) {
                all.add(child(namespace + ".svc", zone));
                Name podNamespace = child(namespace + ".pod", zone);
                all.add(podNamespace);
                pods.add(podNamespace);
            }
        }
        this.podNamespaces = Set.copyOf(pods);
        all.addAll(records.keySet());
        for (Name zone : zones) {
            all.add(zone);
        }
        this.names = Set.copyOf(all);
    }

    static RecordIndex empty(List<Name> zones, SOARecord soa) {
        return new RecordIndex(zones, new HashMap<>(), Set.of(), soa.getMinimum(), soa);
    }

    Answer lookup(Name name, int type) {
        if (!ours(name)) {
            // Reverse names of cluster IPs are answered here; any other name outside the cluster
            // zone falls through to the upstream resolvers (CoreDNS's "fallthrough in-addr.arpa").
            return NOT_OURS;
        }
        Answer pod = podAddress(name, type);
        if (pod != null) {
            return pod;
        }
        if (!names.contains(name)) {
            return NX_DOMAIN;
        }
        Map<Integer, List<Record>> byType = records.getOrDefault(name, Map.of());
        List<Record> found = type == Type.ANY ? byType.values().stream().flatMap(List::stream).toList()
                : byType.get(type);
        if (found == null || found.isEmpty()) {
            // An ExternalName's CNAME answers A and AAAA only: CoreDNS's A/AAAA lookups follow it,
            // while its SRV, TXT, MX and the rest find no record of the type (NODATA, no CNAME).
            List<Record> cname = byType.get(Type.CNAME);
            if (cname == null || (type != Type.A && type != Type.AAAA)) {
                return NO_DATA;
            }
            List<Record> chain = followed(cname, type);
            if (chain.getLast() instanceof CNAMERecord alias && !ours(alias.getTarget())) {
                return new Answer.ExternalAlias(chain, alias.getTarget());
            }
            return new Answer.Records(chain);
        }
        return new Answer.Records(found);
    }

    /**
     * A CNAME with the records of its target when the target is a name of the cluster's zones, as
     * CoreDNS's kubernetes plugin follows an ExternalName that points at another Service (a target
     * outside the zones is left to the caller, see {@link Answer.ExternalAlias}). Bounded, so a loop
     * ends.
     */
    private List<Record> followed(List<Record> cname, int type) {
        List<Record> chain = new ArrayList<>(cname);
        Record last = cname.getFirst();
        for (int hops = 0; hops < MAX_CNAME_HOPS && last instanceof CNAMERecord alias; hops++) {
            Name target = alias.getTarget();
            if (zoneOf(target) == null || !names.contains(target)) {
                break;
            }
            Map<Integer, List<Record>> byType = records.getOrDefault(target, Map.of());
            List<Record> found = byType.get(type);
            if (found != null && !found.isEmpty()) {
                chain.addAll(found);
                break;
            }
            List<Record> next = byType.get(Type.CNAME);
            if (next == null || next.isEmpty()) {
                break;
            }
            chain.addAll(next);
            last = next.getFirst();
        }
        return chain;
    }

    /**
     * The answer for {@code <a-b-c-d>.<ns>.pod.<zone>} of an existing namespace, as CoreDNS's
     * {@code pods insecure} (the kubeadm and k3s Corefile; DNS specification 2.6): the address the
     * first label spells with dashes, {@code a--b} for IPv6 {@code a::b}, unchecked against the pods;
     * NXDOMAIN when it spells none. Null for every other name.
     */
    private Answer podAddress(Name name, int type) {
        Name zone = zoneOf(name);
        if (zone == null || name.labels() != zone.labels() + 3 || !podNamespaces.contains(parent(name))) {
            return null;
        }
        String label = name.getLabelString(0);
        boolean v4 = label.chars().filter(c -> c == '-').count() == 3 && !label.contains("--");
        InetAddress address = ServiceRecords.ipLiteral(v4 ? label.replace('-', '.') : label.replace('-', ':'));
        if (address == null) {
            return NX_DOMAIN;
        }
        boolean isV4 = address instanceof Inet4Address;
        if (type == Type.ANY || type == (isV4 ? Type.A : Type.AAAA)) {
            return new Answer.Records(List.of(isV4 ? new ARecord(name, DClass.IN, ttl, address)
                    : new AAAARecord(name, DClass.IN, ttl, address)));
        }
        return NO_DATA;
    }

    /**
     * The address records of the targets of the SRV and NS records in {@code answer}, for the
     * Additional section, as CoreDNS's SRV and NS lookups add them, so a client needs no second query.
     */
    List<Record> additional(List<Record> answer) {
        Set<Name> targets = new java.util.LinkedHashSet<>();
        for (Record record : answer) {
            if (record instanceof SRVRecord srv) {
                targets.add(srv.getTarget());
            } else if (record instanceof NSRecord ns) {
                targets.add(ns.getTarget());
            }
        }
        List<Record> addresses = new ArrayList<>();
        for (Name target : targets) {
            Map<Integer, List<Record>> byType = records.getOrDefault(target, Map.of());
            addresses.addAll(byType.getOrDefault(Type.A, List.of()));
            addresses.addAll(byType.getOrDefault(Type.AAAA, List.of()));
        }
        return addresses;
    }

    /** The SOA of the zone {@code name} falls in, with the owner renamed to that zone. */
    SOARecord soaFor(Name name) {
        Name zone = zoneOf(name);
        if (zone == null || zone.equals(soa.getName())) {
            return soa;
        }
        return new SOARecord(zone, DClass.IN, soa.getTTL(), soa.getHost(), soa.getAdmin(), soa.getSerial(),
                soa.getRefresh(), soa.getRetry(), soa.getExpire(), soa.getMinimum());
    }

    int size() {
        return records.size();
    }

    /** Whether this index answers for {@code name}: it is in a zone, or has records of its own (PTR). */
    private boolean ours(Name name) {
        return zoneOf(name) != null || records.containsKey(name);
    }

    private Name zoneOf(Name name) {
        for (Name zone : zones) {
            if (name.subdomain(zone)) {
                return zone;
            }
        }
        return null;
    }

    private static Name child(String relative, Name origin) {
        try {
            return Name.fromString(relative, origin);
        } catch (org.xbill.DNS.TextParseException e) {
            throw new IllegalArgumentException("not a DNS name: " + relative, e);
        }
    }

    private static Name parent(Name name) {
        return new Name(name, 1);
    }
}
