package io.drover.api.strategy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.ApiException.Cause;
import io.netty.util.NetUtil;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Kubernetes' checks of how a pod is named and reached (pkg/apis/core/validation: validatePodDNSConfig,
 * ValidateHostAliases, the hostname and subdomain of ValidatePodSpec, checkHostPortConflicts and
 * validateHostNetwork): a pod with dnsPolicy None brings its nameservers, names are DNS names, addresses are
 * addresses, and no two containers claim one host port.
 */
final class PodNetworkValidation {
    static final String IP_ERROR = "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)";
    private static final int MAX_NAMESERVERS = 3;
    private static final int MAX_SEARCH_PATHS = 32;
    private static final int MAX_SEARCH_CHARS = 2048;

    private PodNetworkValidation() {}

    static List<Cause> validate(JsonNode spec, String path) {
        List<Cause> causes = new ArrayList<>();
        for (String field : List.of("hostname", "subdomain")) {
            String name = Nodes.text(spec, field);
            if (!name.isEmpty()) {
                causes.addAll(Causes.invalidEach(path + "." + field, name, NameRules.dns1123Label(name)));
            }
        }
        causes.addAll(dnsConfig(spec, path));
        causes.addAll(hostAliases(Nodes.objects(spec, "hostAliases"), path + ".hostAliases"));
        causes.addAll(hostPorts(spec, path));
        return causes;
    }

    /** Whether {@code address} is an IPv4 or IPv6 address (IsValidIP). */
    static boolean isIp(String address) {
        // Netty also takes "[::1]" and a zone ("fe80::1%eth0"); an IP address field takes neither.
        if (address.contains("[") || address.contains("%")) {
            return false;
        }
        return NetUtil.isValidIpV4Address(address) || NetUtil.isValidIpV6Address(address);
    }

    private static List<Cause> dnsConfig(JsonNode spec, String path) {
        List<Cause> causes = new ArrayList<>();
        String at = path + ".dnsConfig";
        ObjectNode config = Nodes.object(spec, "dnsConfig");
        List<String> nameservers = texts(config, "nameservers");
        if (Nodes.text(spec, "dnsPolicy").equals("None")) {
            if (config == null) {
                return List.of(Causes.required(at, "must provide `dnsConfig` when `dnsPolicy` is None"));
            }
            if (nameservers.isEmpty()) {
                return List.of(Causes.required(at + ".nameservers",
                        "must provide at least one DNS nameserver when `dnsPolicy` is None"));
            }
        }
        if (config == null) {
            return causes;
        }
        if (nameservers.size() > MAX_NAMESERVERS) {
            causes.add(Causes.invalid(at + ".nameservers", GoValues.stringSlice(nameservers),
                    "must not have more than " + MAX_NAMESERVERS + " nameservers"));
        }
        for (int i = 0; i < nameservers.size(); i++) {
            if (!isIp(nameservers.get(i))) {
                causes.add(Causes.invalid(at + ".nameservers[" + i + "]", GoValues.quote(nameservers.get(i)), IP_ERROR));
            }
        }
        List<String> searches = texts(config, "searches");
        if (searches.size() > MAX_SEARCH_PATHS) {
            causes.add(Causes.invalid(at + ".searches", GoValues.stringSlice(searches),
                    "must not have more than " + MAX_SEARCH_PATHS + " search paths"));
        }
        if (String.join(" ", searches).length() > MAX_SEARCH_CHARS) {
            causes.add(Causes.invalid(at + ".searches", GoValues.stringSlice(searches),
                    "must not have more than " + MAX_SEARCH_CHARS + " characters (including spaces) in the search list"));
        }
        for (int i = 0; i < searches.size(); i++) {
            String search = searches.get(i).endsWith(".") ? searches.get(i).substring(0, searches.get(i).length() - 1)
                    : searches.get(i);
            String field = at + ".searches[" + i + "]";
            causes.addAll(Causes.invalidEach(field, search, NameRules.dns1123Subdomain(search)));
        }
        List<ObjectNode> options = Nodes.objects(config, "options");
        for (int i = 0; i < options.size(); i++) {
            if (Nodes.text(options.get(i), "name").isEmpty()) {
                causes.add(Causes.required(at + ".options[" + i + "]", "Option.Name must not be empty"));
            }
        }
        return causes;
    }

    private static List<Cause> hostAliases(List<ObjectNode> aliases, String path) {
        List<Cause> causes = new ArrayList<>();
        for (int i = 0; i < aliases.size(); i++) {
            String ip = Nodes.text(aliases.get(i), "ip");
            if (!isIp(ip)) {
                causes.add(Causes.invalid(path + "[" + i + "].ip", GoValues.quote(ip), IP_ERROR));
            }
            List<String> hostnames = texts(aliases.get(i), "hostnames");
            for (int j = 0; j < hostnames.size(); j++) {
                String name = hostnames.get(j);
                String field = path + "[" + i + "].hostnames[" + j + "]";
                causes.addAll(Causes.invalidEach(field, name, NameRules.dns1123Subdomain(name)));
            }
        }
        return causes;
    }

    /**
     * A host port is claimed once across the containers (an init container's against its own ports only, as
     * init containers run one at a time); on the host network a host port is its container port.
     */
    private static List<Cause> hostPorts(JsonNode spec, String path) {
        List<Cause> causes = new ArrayList<>();
        Set<String> claimed = new HashSet<>();
        List<ObjectNode> containers = Nodes.objects(spec, "containers");
        for (int c = 0; c < containers.size(); c++) {
            causes.addAll(claim(containers.get(c), path + ".containers[" + c + "]", claimed));
        }
        List<ObjectNode> init = Nodes.objects(spec, "initContainers");
        for (int c = 0; c < init.size(); c++) {
            causes.addAll(claim(init.get(c), path + ".initContainers[" + c + "]", new HashSet<>()));
        }
        // A template's host ports are filled in when its pods are made, so an unset one is no mismatch there.
        boolean pod = path.equals("spec");
        if (Nodes.isTrue(spec, "hostNetwork")) {
            for (int c = 0; c < containers.size(); c++) {
                List<ObjectNode> ports = Nodes.objects(containers.get(c), "ports");
                for (int p = 0; p < ports.size(); p++) {
                    long hostPort = ports.get(p).path("hostPort").asLong(0);
                    if ((pod || hostPort != 0) && hostPort != ports.get(p).path("containerPort").asLong(0)) {
                        causes.add(Causes.invalid(path + ".containers[" + c + "].ports[" + p + "].hostPort",
                                Long.toString(hostPort), "must match `containerPort` when `hostNetwork` is true"));
                    }
                }
            }
        }
        return causes;
    }

    private static List<Cause> claim(ObjectNode container, String at, Set<String> claimed) {
        List<Cause> causes = new ArrayList<>();
        List<ObjectNode> ports = Nodes.objects(container, "ports");
        for (int p = 0; p < ports.size(); p++) {
            long hostPort = ports.get(p).path("hostPort").asLong(0);
            if (hostPort == 0) {
                continue;
            }
            String key = Nodes.text(ports.get(p), "protocol") + "/" + Nodes.text(ports.get(p), "hostIP") + "/" + hostPort;
            if (!claimed.add(key)) {
                causes.add(Causes.duplicate(at + ".ports[" + p + "].hostPort", GoValues.quote(key)));
            }
        }
        return causes;
    }

    private static List<String> texts(JsonNode owner, String field) {
        List<String> values = new ArrayList<>();
        if (owner != null) {
            owner.path(field).forEach(v -> values.add(v.asText()));
        }
        return values;
    }
}
