package io.drover.api.strategy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.ApiException.Cause;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * Kubernetes' checks of Endpoints (validateEndpointSubsets), and the address rules EndpointSlices share
 * ({@link EndpointSliceValidation}): addresses that are addresses, node names that are DNS subdomains, ports in range
 * with a known protocol and a qualified-name app protocol, names that are DNS labels. Addresses are checked as
 * ValidateEndpointIP checks them, after the field's own IP check (so a malformed one is reported twice, as there):
 * no unspecified, link-local (the cloud metadata address 169.254.169.254) or link-local multicast address, so that a
 * Service cannot be pointed at what only the node itself should reach. Unlike Kubernetes, loopback addresses are
 * allowed: on a machine without another address drover's node, and so its pods and API server, are on 127.0.0.1.
 */
final class EndpointValidation {
    private EndpointValidation() {}

    static List<Cause> endpoints(ObjectNode endpoints) {
        List<Cause> causes = new ArrayList<>();
        List<ObjectNode> subsets = Nodes.objects(endpoints, "subsets");
        for (int i = 0; i < subsets.size(); i++) {
            ObjectNode subset = subsets.get(i);
            String at = "subsets[" + i + "]";
            List<ObjectNode> ready = Nodes.objects(subset, "addresses");
            List<ObjectNode> notReady = Nodes.objects(subset, "notReadyAddresses");
            if (ready.isEmpty() && notReady.isEmpty()) {
                causes.add(Causes.required(at, "must specify `addresses` or `notReadyAddresses`"));
            }
            causes.addAll(addresses(ready, at + ".addresses"));
            causes.addAll(addresses(notReady, at + ".notReadyAddresses"));
            List<ObjectNode> ports = Nodes.objects(subset, "ports");
            for (int p = 0; p < ports.size(); p++) {
                ObjectNode port = ports.get(p);
                String pat = at + ".ports[" + p + "]";
                String name = Nodes.text(port, "name");
                if (ports.size() > 1 && name.isEmpty()) {
                    causes.add(Causes.required(pat + ".name"));
                } else if (!name.isEmpty()) {
                    causes.addAll(Causes.invalidEach(pat + ".name", name, NameRules.dns1123Label(name)));
                }
                long number = port.path("port").asLong(0);
                NameRules.portNumber(number).forEach(m -> causes.add(Causes.invalid(pat + ".port", "" + number, m)));
                causes.addAll(PodSpecValidation.protocol(port, pat + ".protocol"));
                String appProtocol = Nodes.pointer(port, "appProtocol");
                if (appProtocol != null) {
                    causes.addAll(Causes.invalidEach(pat + ".appProtocol", appProtocol,
                            NameRules.qualifiedName(appProtocol)));
                }
            }
        }
        return causes;
    }

    /** validateEndpointAddress, in its order: the IP, the hostname, the node name, then ValidateEndpointIP. */
    private static List<Cause> addresses(List<ObjectNode> addresses, String path) {
        List<Cause> causes = new ArrayList<>();
        for (int i = 0; i < addresses.size(); i++) {
            ObjectNode address = addresses.get(i);
            String at = path + "[" + i + "]";
            String ip = Nodes.text(address, "ip");
            if (!PodNetworkValidation.isIp(ip)) {
                causes.add(Causes.invalid(at + ".ip", GoValues.quote(ip), PodNetworkValidation.IP_ERROR));
            }
            String hostname = Nodes.text(address, "hostname");
            if (!hostname.isEmpty()) {
                causes.addAll(Causes.invalidEach(at + ".hostname", hostname, NameRules.dns1123Label(hostname)));
            }
            String nodeName = Nodes.pointer(address, "nodeName");
            if (nodeName != null) {
                // ValidateNodeName: a DNS subdomain.
                causes.addAll(Causes.invalidEach(at + ".nodeName", nodeName, NameRules.dns1123Subdomain(nodeName)));
            }
            causes.addAll(Causes.invalidEach(at + ".ip", ip, endpointIpProblems(ip)));
        }
        return causes;
    }

    /** ValidateEndpointIP: an IP address (its own message), and no special one but loopback (see the class comment). */
    static List<String> endpointIpProblems(String ip) {
        return PodNetworkValidation.isIp(ip) ? specialAddressProblems(ip) : List.of("must be a valid IP address");
    }

    /** ValidateEndpointIP's refusals of a valid address, but for loopback (see the class comment). */
    static List<String> specialAddressProblems(String ip) {
        InetAddress address = NetUtil.createInetAddressFromIpAddressString(ip);
        List<String> problems = new ArrayList<>();
        if (address == null) {
            return problems;
        }
        if (address.isAnyLocalAddress()) {
            problems.add("may not be unspecified (" + ip + ")");
        }
        if (address.isLinkLocalAddress()) {
            problems.add("may not be in the link-local range (169.254.0.0/16, fe80::/10)");
        }
        if (address.isMCLinkLocal()) {
            problems.add("may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)");
        }
        return problems;
    }

    /** apimachinery's IsFullyQualifiedDomainName: a DNS subdomain of at least two labels, a trailing dot allowed. */
    static List<Cause> fullyQualifiedDomainName(String address, String field) {
        if (address.isEmpty()) {
            return List.of(Causes.required(field));
        }
        String name = address.endsWith(".") ? address.substring(0, address.length() - 1) : address;
        List<String> errs = NameRules.dns1123Subdomain(name);
        if (!errs.isEmpty()) {
            return List.of(Causes.invalid(field, GoValues.quote(name), String.join(",", errs)));
        }
        String[] labels = name.split("\\.");
        if (labels.length < 2) {
            return List.of(Causes.invalid(field, GoValues.quote(name),
                    "should be a domain with at least two segments separated by dots"));
        }
        for (String label : labels) {
            List<String> labelErrs = NameRules.dns1123Label(label);
            if (!labelErrs.isEmpty()) {
                return List.of(Causes.invalid(field, GoValues.quote(label), String.join(",", labelErrs)));
            }
        }
        return List.of();
    }
}
