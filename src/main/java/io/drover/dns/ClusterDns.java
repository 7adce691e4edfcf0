package io.drover.dns;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Name;

/**
 * The cluster DNS of one node: the record index fed by informers, the UDP/TCP server answering
 * from it and forwarding the rest upstream, and the kube-system/kube-dns Service with this node's
 * EndpointSlice. Started next to the node agent with its own API client, which it closes.
 */
public final class ClusterDns implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ClusterDns.class);
    private static final Duration UPSTREAM_TIMEOUT = Duration.ofSeconds(2);

    private final KubernetesClient client;
    private final ClusterRecords records;
    private final DnsServer server;
    private final KubeDnsService publication;
    private final String nodeName;
    private final String published;

    private ClusterDns(KubernetesClient client, ClusterRecords records, DnsServer server,
            KubeDnsService publication, String nodeName, String published) {
        this.client = client;
        this.records = records;
        this.server = server;
        this.publication = publication;
        this.nodeName = nodeName;
        this.published = published;
    }

    /**
     * Starts answering and publishes kube-dns. {@code nodeName}'s InternalIP is the default listen
     * address and always the address published in the EndpointSlice (a wildcard is not reachable).
     */
    public static ClusterDns start(KubernetesClient client, String nodeName, ClusterDnsOptions options)
            throws IOException {
        ClusterRecords records = null;
        DnsServer server = null;
        try {
            String nodeIp = internalIp(client, nodeName);
            InetAddress listen = InetAddress.getByName(options.address() == null ? nodeIp : options.address());
            Name zone = Name.fromString(options.domain(), Name.root);
            records = ClusterRecords.start(client, zone, options.ttl().toSeconds());
            InetSocketAddress bind = new InetSocketAddress(listen, options.port());
            List<InetSocketAddress> upstreams = options.upstreams().isEmpty()
                    ? Forwarder.fromResolvConf(ClusterDnsOptions.HOST_RESOLV_CONF, bind) : options.upstreams();
            server = DnsServer.start(bind, new QueryHandler(records::index, new Forwarder(upstreams, UPSTREAM_TIMEOUT)));
            KubeDnsService publication = new KubeDnsService(client);
            publication.ensureService();
            String published = listen.isAnyLocalAddress() ? nodeIp : listen.getHostAddress();
            publication.publishEndpoint(nodeName, published, server.address().getPort());
            log.info("cluster DNS for {} on {} (UDP and TCP), forwarding other names to {}", zone, server.address(),
                    upstreams);
            return new ClusterDns(client, records, server, publication, nodeName, published);
        } catch (IOException | RuntimeException e) {
            if (server != null) {
                server.close();
            }
            if (records != null) {
                records.close();
            }
            client.close();
            throw e;
        }
    }

    /**
     * The address pods' resolv.conf names as nameserver: the server's own, when it is on port 53
     * (resolv.conf has no port); null otherwise. The kube-dns ClusterIP takes its place once the
     * service proxy makes ClusterIPs reachable.
     */
    public String podNameserver() {
        return server.address().getPort() == 53 ? published : null;
    }

    /** Where the server listens (UDP and TCP). */
    public InetSocketAddress address() {
        return server.address();
    }

    private static String internalIp(KubernetesClient client, String nodeName) {
        Node node = client.nodes().withName(nodeName).get();
        if (node != null && node.getStatus() != null && node.getStatus().getAddresses() != null) {
            for (NodeAddress address : node.getStatus().getAddresses()) {
                if ("InternalIP".equals(address.getType())) {
                    return address.getAddress();
                }
            }
        }
        return "127.0.0.1";
    }

    @Override
    public void close() throws IOException {
        try {
            publication.withdrawEndpoint(nodeName);
        } catch (RuntimeException e) {
            log.warn("could not remove the kube-dns EndpointSlice of {}: {}", nodeName, e.getMessage());
        }
        try {
            server.close();
        } finally {
            records.close();
            client.close();
        }
    }
}
