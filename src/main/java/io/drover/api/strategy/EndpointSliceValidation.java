package io.drover.api.strategy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.ApiException.Cause;
import io.netty.util.NetUtil;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Kubernetes' checks of discovery.k8s.io/v1 EndpointSlices (ValidateEndpointSlice, ValidateEndpointSliceUpdate):
 * an address type that never changes, at most 1,000 endpoints of 1 to 100 addresses of that type, node names that are
 * DNS subdomains, hostnames that are DNS labels, at most 8 distinct zone hints that are label values, and at most
 * 20,000 ports with distinct DNS-label names, known protocols and qualified-name app protocols. Addresses are checked
 * as {@link EndpointValidation} checks them (loopback allowed).
 *
 * <p>A pointer field (nodeName, hostname, appProtocol) is checked whenever it is set, empty included, as Kubernetes
 * checks a non-nil pointer; drover keeps such empty strings (OmittedEmpties) where Go keeps them.
 */
final class EndpointSliceValidation {
    private static final List<String> ADDRESS_TYPES = List.of("FQDN", "IPv4", "IPv6");
    private static final int MAX_ENDPOINTS = 1000;
    private static final int MAX_ADDRESSES = 100;
    private static final int MAX_PORTS = 20_000;
    private static final int MAX_ZONE_HINTS = 8;

    private EndpointSliceValidation() {}

    static List<Cause> validate(ObjectNode slice) {
        List<Cause> causes = new ArrayList<>();
        String type = Nodes.text(slice, "addressType");
        if (type.isEmpty()) {
            causes.add(Causes.required("addressType"));
        } else if (!ADDRESS_TYPES.contains(type)) {
            causes.add(Causes.notSupported("addressType", GoValues.quote(type), ADDRESS_TYPES));
        }
        causes.addAll(endpoints(Nodes.objects(slice, "endpoints"), type));
        causes.addAll(ports(Nodes.objects(slice, "ports")));
        return causes;
    }

    /**
     * What ValidateEndpointSliceUpdate adds to the checks of a new slice: the address type stays, as the proxy and
     * the cluster DNS index slices by address family.
     */
    static List<Cause> immutable(ObjectNode oldSlice, ObjectNode slice) {
        String type = Nodes.text(slice, "addressType");
        return type.equals(Nodes.text(oldSlice, "addressType")) ? List.of()
                : List.of(Causes.immutable("addressType", GoValues.quote(type)));
    }

    private static List<Cause> endpoints(List<ObjectNode> endpoints, String type) {
        if (endpoints.size() > MAX_ENDPOINTS) {
            // Kubernetes looks no further into a slice with too many endpoints.
            return List.of(Causes.tooMany("endpoints", endpoints.size(), MAX_ENDPOINTS));
        }
        List<Cause> causes = new ArrayList<>();
        for (int i = 0; i < endpoints.size(); i++) {
            ObjectNode endpoint = endpoints.get(i);
            String at = "endpoints[" + i + "]";
            List<String> addresses = new ArrayList<>();
            endpoint.path("addresses").forEach(a -> addresses.add(a.asText()));
            if (addresses.isEmpty()) {
                causes.add(Causes.required(at + ".addresses", "must contain at least 1 address"));
            } else if (addresses.size() > MAX_ADDRESSES) {
                causes.add(Causes.tooMany(at + ".addresses", addresses.size(), MAX_ADDRESSES));
            }
            for (int a = 0; a < addresses.size(); a++) {
                causes.addAll(address(addresses.get(a), type, at + ".addresses[" + a + "]"));
            }
            String nodeName = Nodes.pointer(endpoint, "nodeName");
            if (nodeName != null) {
                // ValidateNodeName: a DNS subdomain.
                causes.addAll(Causes.invalidEach(at + ".nodeName", nodeName, NameRules.dns1123Subdomain(nodeName)));
            }
            String hostname = Nodes.pointer(endpoint, "hostname");
            if (hostname != null) {
                causes.addAll(Causes.invalidEach(at + ".hostname", hostname, NameRules.dns1123Label(hostname)));
            }
            if (endpoint.get("hints") instanceof ObjectNode hints) {
                causes.addAll(hints(hints, at + ".hints"));
            }
        }
        return causes;
    }

    /**
     * The address type's own check (IsValidIPv4Address, IsValidIPv6Address), then ValidateEndpointIP whatever it
     * said, as validateEndpoints runs both: "::1" in an IPv4 slice is one cause, "x" two.
     */
    private static List<Cause> address(String address, String type, String field) {
        List<Cause> causes = new ArrayList<>();
        switch (type) {
            // A literal: no "[" or zone.
            case "IPv4" -> {
                if (!NetUtil.isValidIpV4Address(address)) {
                    causes.add(Causes.invalid(field, GoValues.quote(address), "must be a valid IPv4 address"));
                }
                causes.addAll(Causes.invalidEach(field, address, EndpointValidation.endpointIpProblems(address)));
            }
            case "IPv6" -> {
                if (!PodNetworkValidation.isIp(address) || !address.contains(":")) {
                    causes.add(Causes.invalid(field, GoValues.quote(address), "must be a valid IPv6 address"));
                }
                causes.addAll(Causes.invalidEach(field, address, EndpointValidation.endpointIpProblems(address)));
            }
            case "FQDN" -> causes.addAll(EndpointValidation.fullyQualifiedDomainName(address, field));
            default -> { } // an unknown type is reported once, on addressType
        }
        return causes;
    }

    /** validateHints: at most 8 zones, each named once, by a label value. */
    private static List<Cause> hints(ObjectNode hints, String at) {
        List<ObjectNode> zones = Nodes.objects(hints, "forZones");
        if (zones.size() > MAX_ZONE_HINTS) {
            return List.of(Causes.tooMany(at + ".forZones", zones.size(), MAX_ZONE_HINTS));
        }
        List<Cause> causes = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < zones.size(); i++) {
            String field = at + ".forZones[" + i + "].name";
            String name = Nodes.text(zones.get(i), "name");
            if (!names.add(name)) {
                causes.add(Causes.duplicate(field, GoValues.quote(name)));
            }
            causes.addAll(Causes.invalidEach(field, name, NameRules.labelValue(name)));
        }
        return causes;
    }

    private static List<Cause> ports(List<ObjectNode> ports) {
        if (ports.size() > MAX_PORTS) {
            return List.of(Causes.tooMany("ports", ports.size(), MAX_PORTS));
        }
        List<Cause> causes = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int p = 0; p < ports.size(); p++) {
            String at = "ports[" + p + "]";
            ObjectNode port = ports.get(p);
            String name = Nodes.text(port, "name");
            if (!name.isEmpty()) {
                causes.addAll(Causes.invalidEach(at + ".name", name, NameRules.dns1123Label(name)));
            }
            if (!names.add(name)) {
                causes.add(Causes.duplicate(at + ".name", GoValues.quote(name)));
            }
            // Kubernetes does not check the port's range here; the proxy ignores a port no socket can have.
            causes.addAll(PodSpecValidation.protocol(port, at + ".protocol"));
            String appProtocol = Nodes.pointer(port, "appProtocol");
            if (appProtocol != null) {
                causes.addAll(Causes.invalidEach(at + ".appProtocol", appProtocol, NameRules.qualifiedName(appProtocol)));
            }
        }
        return causes;
    }
}
