package io.drover.dns;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodDNSConfig;
import io.fabric8.kubernetes.api.model.PodDNSConfigOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The resolv.conf a pod's containers see, as the kubelet writes it (pkg/kubelet/network/dns):
 * <ul>
 *   <li>{@code ClusterFirst} (the default): the cluster DNS as nameserver, search
 *       {@code <ns>.svc.<domain> svc.<domain> <domain>} then the host's searches, {@code ndots:5};
 *       a hostNetwork pod falls back to {@code Default}, unless the policy is
 *       {@code ClusterFirstWithHostNet};
 *   <li>{@code Default}: the host's resolv.conf;
 *   <li>{@code None}: only {@code spec.dnsConfig}.
 * </ul>
 * {@code spec.dnsConfig} is then merged in: nameservers and searches appended without duplicates,
 * options replacing those of the same name. Without a cluster DNS nameserver (rootless, DNS off)
 * ClusterFirst falls back to Default, as the kubelet does without {@code --cluster-dns}.
 */
public final class PodResolvConf {
    /** At most three nameservers: the resolver ignores the rest (the kubelet trims them too). */
    static final int MAX_NAMESERVERS = 3;

    private PodResolvConf() {}

    /**
     * The file's contents; empty when the pod sees the host's own file unchanged.
     *
     * @param clusterDns the cluster DNS server's address (port 53), or null when there is none
     * @param hostResolvConf the host's resolv.conf contents
     */
    public static Optional<String> forPod(Pod pod, String clusterDns, String domain, String hostResolvConf) {
        var spec = pod.getSpec();
        String policy = spec.getDnsPolicy() == null || spec.getDnsPolicy().isEmpty() ? "ClusterFirst"
                : spec.getDnsPolicy();
        boolean hostNetwork = Boolean.TRUE.equals(spec.getHostNetwork());
        PodDNSConfig extra = spec.getDnsConfig();
        Parsed host = Parsed.of(hostResolvConf);
        Parsed base;
        switch (policy) {
            case "None" -> base = new Parsed(List.of(), List.of(), new LinkedHashMap<>());
            case "ClusterFirst", "ClusterFirstWithHostNet" -> {
                boolean cluster = clusterDns != null && (!hostNetwork || policy.equals("ClusterFirstWithHostNet"));
                if (!cluster) {
                    if (extra == null) {
                        return Optional.empty();
                    }
                    base = host;
                } else {
                    String ns = pod.getMetadata().getNamespace();
                    List<String> searches = new ArrayList<>(
                            List.of(ns + ".svc." + domain, "svc." + domain, domain));
                    searches.addAll(host.searches());
                    Map<String, String> options = new LinkedHashMap<>();
                    options.put("ndots", "5");
                    base = new Parsed(List.of(clusterDns), searches, options);
                }
            }
            default -> {
                if (extra == null) {
                    return Optional.empty();
                }
                base = host;
            }
        }
        return Optional.of(base.merge(extra).render());
    }

    private record Parsed(List<String> nameservers, List<String> searches, Map<String, String> options) {
        static Parsed of(String resolvConf) {
            List<String> nameservers = new ArrayList<>();
            List<String> searches = new ArrayList<>();
            Map<String, String> options = new LinkedHashMap<>();
            for (String line : resolvConf.split("\n")) {
                String[] fields = line.trim().split("\\s+");
                if (fields.length < 2 || fields[0].startsWith("#") || fields[0].startsWith(";")) {
                    continue;
                }
                List<String> values = List.of(fields).subList(1, fields.length);
                switch (fields[0]) {
                    case "nameserver" -> nameservers.add(values.get(0));
                    case "search", "domain" -> {
                        searches.clear(); // the last search or domain line wins, as in resolv.conf(5)
                        searches.addAll(values);
                    }
                    case "options" -> values.forEach(o -> putOption(options, o));
                    default -> { }
                }
            }
            return new Parsed(nameservers, searches, options);
        }

        Parsed merge(PodDNSConfig extra) {
            if (extra == null) {
                return this;
            }
            Set<String> servers = new LinkedHashSet<>(nameservers);
            if (extra.getNameservers() != null) {
                servers.addAll(extra.getNameservers());
            }
            Set<String> search = new LinkedHashSet<>(searches);
            if (extra.getSearches() != null) {
                search.addAll(extra.getSearches());
            }
            Map<String, String> opts = new LinkedHashMap<>(options);
            if (extra.getOptions() != null) {
                for (PodDNSConfigOption option : extra.getOptions()) {
                    opts.put(option.getName(), option.getValue());
                }
            }
            return new Parsed(List.copyOf(servers), List.copyOf(search), opts);
        }

        String render() {
            StringBuilder out = new StringBuilder();
            nameservers.stream().limit(MAX_NAMESERVERS).forEach(n -> out.append("nameserver ").append(n).append('\n'));
            if (!searches.isEmpty()) {
                out.append("search ").append(String.join(" ", searches)).append('\n');
            }
            if (!options.isEmpty()) {
                out.append("options");
                options.forEach((k, v) -> out.append(' ').append(k).append(v == null ? "" : ":" + v));
                out.append('\n');
            }
            return out.toString();
        }

        private static void putOption(Map<String, String> options, String option) {
            int colon = option.indexOf(':');
            if (colon < 0) {
                options.put(option, null);
            } else {
                options.put(option.substring(0, colon), option.substring(colon + 1));
            }
        }
    }
}
