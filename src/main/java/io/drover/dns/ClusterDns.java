package io.drover.dns;

import io.drover.controller.BoundedCall;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
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
    private final String serviceIp;

    private ClusterDns(KubernetesClient client, ClusterRecords records, DnsServer server,
            KubeDnsService publication, String nodeName, String published, String serviceIp) {
        this.client = client;
        this.records = records;
        this.server = server;
        this.publication = publication;
        this.nodeName = nodeName;
        this.published = published;
        this.serviceIp = serviceIp;
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
            records = ClusterRecords.start(client, zone, options.ttl().toSeconds(), boundAddresses(listen));
            InetSocketAddress bind = new InetSocketAddress(listen, options.port());
            List<InetSocketAddress> upstreams = options.upstreams().isEmpty()
                    ? Forwarder.fromResolvConf(ClusterDnsOptions.HOST_RESOLV_CONF, bind) : options.upstreams();
            server = DnsServer.start(bind, new QueryHandler(records::index, new Forwarder(upstreams, UPSTREAM_TIMEOUT)));
            KubeDnsService publication = new KubeDnsService(client);
            String serviceIp = publication.ensureService().getSpec().getClusterIP();
            String published = listen.isAnyLocalAddress() ? nodeIp : listen.getHostAddress();
            publication.publishEndpoint(nodeName, published, server.address().getPort());
            log.info("cluster DNS for {} on {} (UDP and TCP), forwarding other names to {}", zone, server.address(),
                    upstreams);
            return new ClusterDns(client, records, server, publication, nodeName, published, serviceIp);
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
     * The address pods' resolv.conf names as nameserver. When this node's service proxy serves
     * ClusterIPs as they are (root: a local route), it is the kube-dns ClusterIP, as the kubelet's
     * {@code --cluster-dns}: the proxy forwards its port 53 (UDP and TCP) to the DNS servers in the
     * kube-dns EndpointSlices, whatever port they listen on. Otherwise it is the server's own
     * address when that is on port 53 (resolv.conf has no port), else null (pods keep the host's
     * resolv.conf).
     *
     * @param clusterIpsReachable whether the node's proxy serves ClusterIPs at their own addresses
     */
    public String podNameserver(boolean clusterIpsReachable) {
        if (clusterIpsReachable && serviceIp != null && !serviceIp.isEmpty() && !"None".equals(serviceIp)) {
            return serviceIp;
        }
        return server.address().getPort() == 53 ? published : null;
    }

    /** The ClusterIP of kube-system/kube-dns as this server found or created the Service. */
    public String serviceIp() {
        return serviceIp;
    }

    /** Where the server listens (UDP and TCP). */
    public InetSocketAddress address() {
        return server.address();
    }

    /**
     * The server's own addresses as CoreDNS's boundIPs: the listen address, or every interface's for
     * a wildcard, loopback left out.
     */
    private static List<InetAddress> boundAddresses(InetAddress listen) throws SocketException {
        List<InetAddress> candidates = listen.isAnyLocalAddress()
                ? NetworkInterface.networkInterfaces().flatMap(NetworkInterface::inetAddresses).toList()
                : List.of(listen);
        return candidates.stream().filter(address -> !address.isLoopbackAddress()).toList();
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
        boolean withdrawn = BoundedCall.run("cluster-dns-withdraw", BoundedCall.ON_STOP, () -> {
            try {
                publication.withdrawEndpoint(nodeName);
            } catch (RuntimeException e) {
                log.warn("could not remove the kube-dns EndpointSlice of {}: {}", nodeName, e.getMessage());
            }
        });
        if (!withdrawn) {
            log.warn("the kube-dns EndpointSlice of {} was not removed within {} s; it stays until this node's DNS "
                    + "starts again", nodeName, BoundedCall.ON_STOP.toSeconds());
        }
        try {
            server.close();
        } finally {
            records.close();
            client.close();
        }
    }
}
