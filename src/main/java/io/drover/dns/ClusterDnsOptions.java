package io.drover.dns;

import io.drover.agent.runtime.process.PodResolvConfMount;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * How the node's cluster DNS server runs.
 *
 * @param enabled whether the server runs at all
 * @param address the address it listens on; null for the node's InternalIP
 * @param port the UDP and TCP port; 0 picks a free one
 * @param upstreams where names outside the cluster go; empty for the nameservers of
 *     {@code /etc/resolv.conf}
 * @param domain the cluster domain, {@code cluster.local} as in Kubernetes
 * @param ttl the TTL of every answer (and the SOA's negative-caching time)
 */
public record ClusterDnsOptions(boolean enabled, String address, int port, List<InetSocketAddress> upstreams,
        String domain, Duration ttl) {
    /** Port 53 needs root (CAP_NET_BIND_SERVICE); without it the server takes this one. */
    public static final int ROOTLESS_PORT = 10053;
    public static final String DEFAULT_DOMAIN = "cluster.local";
    public static final Duration DEFAULT_TTL = Duration.ofSeconds(5);
    public static final Path HOST_RESOLV_CONF = Path.of("/etc/resolv.conf");

    public ClusterDnsOptions {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--cluster-dns-port: " + port + " (expected: 0-65535)");
        }
        upstreams = upstreams == null ? List.of() : List.copyOf(upstreams);
        domain = domain == null ? DEFAULT_DOMAIN : domain;
        ttl = ttl == null ? DEFAULT_TTL : ttl;
    }

    /** On, on the node's address, port 53 as root and {@link #ROOTLESS_PORT} otherwise. */
    public static ClusterDnsOptions defaults() {
        return new ClusterDnsOptions(true, null, defaultPort(), List.of(), DEFAULT_DOMAIN, DEFAULT_TTL);
    }

    public static ClusterDnsOptions disabled() {
        return new ClusterDnsOptions(false, null, defaultPort(), List.of(), DEFAULT_DOMAIN, DEFAULT_TTL);
    }

    public static int defaultPort() {
        return PodResolvConfMount.effectiveUidIsRoot() ? 53 : ROOTLESS_PORT;
    }

    public ClusterDnsOptions withAddress(String listenAddress, int listenPort) {
        return new ClusterDnsOptions(enabled, listenAddress, listenPort, upstreams, domain, ttl);
    }

    public ClusterDnsOptions withUpstreams(List<InetSocketAddress> servers) {
        return new ClusterDnsOptions(enabled, address, port, servers, domain, ttl);
    }
}
