package io.drover.cli;

import io.drover.agent.RestartBackoffPolicy;
import io.drover.agent.ports.PortRange;
import io.drover.agent.runtime.process.ServerCgroup;
import io.drover.dns.ClusterDnsOptions;
import io.drover.api.service.ServiceCidr;
import io.drover.api.service.ServiceRanges;
import io.drover.server.DroverServer;
import io.drover.server.HeapSizing;
import io.drover.server.ServerOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;
import picocli.CommandLine.Option;

/** {@code drover server}: runs the control plane of a cluster in this process until stopped. */
@Command(name = "server", mixinStandardHelpOptions = true, description = "Run a drover server.")
final class ServerCommand implements Callable<Integer> {

    @Option(names = "--data-dir", description = "Directory for the server's state (default: ~/.drover).")
    Path dataDir = Path.of(System.getProperty("user.home"), ".drover");

    @Option(names = "--api-port", description = "HTTPS port of the API server; 0 picks a free one (default: 6443).")
    int apiPort = 6443;

    @Option(names = "--bind-address", description = "Address the API server listens on (default: 0.0.0.0).")
    String bindAddress = "0.0.0.0";

    @Option(
            names = "--datastore-endpoint",
            paramLabel = "URL[,URL...]",
            description = "etcd endpoints (http://host:port,...); without it the state is an embedded "
                    + "SQLite database in the data dir.")
    String datastoreEndpoint;

    @Option(
            names = "--compaction-interval",
            description = "How often old store history is compacted (ISO-8601 duration, default: PT5M).")
    Duration compactionInterval = Duration.ofMinutes(5);

    @Option(names = "--node-name", description = "Name of this machine's Node (default: the host name).")
    String nodeName;

    @Option(names = "--kubelet-port",
            description = "HTTPS port of the node agent's kubelet endpoint (logs); 0 picks a free one (default: 10250).")
    int kubeletPort = 10250;

    @Option(names = "--disable-agent", description = "Run the control plane only, without a node agent.")
    boolean disableAgent;

    @Option(names = "--server-cpu-cgroup", description = "As root, when started in the root of the CPU cgroup"
            + " hierarchy, run the server in a CPU cgroup of its own (drover-server) beside its pods', as the"
            + " kubelet's --kubelet-cgroups does: other programs wait less for a CPU while pods start and stop, but"
            + " the service proxy, which runs in the server, gets less CPU when the machine is saturated (not the"
            + " TCP ClusterIP connections the kernel forwards with --proxy-mode nftables).")
    boolean serverCpuCgroup;

    @Option(names = "--cluster-dns-port",
            description = "UDP and TCP port of the node's cluster DNS server; 0 picks a free one "
                    + "(default: 53 as root, else 10053).")
    Integer clusterDnsPort;

    @Option(names = "--cluster-dns-address",
            description = "Address the cluster DNS server listens on (default: the node's InternalIP).")
    String clusterDnsAddress;

    @Option(names = "--disable-cluster-dns", description = "Run no cluster DNS server on this node.")
    boolean disableClusterDns;

    @Option(
            names = "--restart-backoff",
            paramLabel = "INITIAL:MAX[:RESET]",
            converter = BackoffConverter.class,
            description = "Back-off between restarts of a failing container: the first wait, doubling up to MAX, "
                    + "starting over after a run of RESET (units ms, s, m, h; default: 1s:60s:10m).")
    RestartBackoffPolicy restartBackoff = RestartBackoffPolicy.DEFAULT;

    @Option(
            names = "--host-port-range",
            paramLabel = "FIRST-LAST",
            converter = PortRangeConverter.class,
            description = "Host ports given to pods' containerPorts (default: 20000-29999, outside the NodePort "
                    + "and ephemeral ranges).")
    PortRange hostPortRange = PortRange.DEFAULT;

    @Option(names = "--service-cidr", paramLabel = "A.B.C.D/N", converter = CidrConverter.class,
            description = "Range of Services' ClusterIPs (default: 10.43.0.0/16).")
    ServiceCidr serviceCidr = ServiceCidr.DEFAULT;

    @Option(names = "--service-node-port-range", paramLabel = "FIRST-LAST", converter = PortRangeConverter.class,
            description = "Range of Services' NodePorts (default: 30000-32767).")
    PortRange serviceNodePortRange = ServiceRanges.DEFAULT.nodePorts();

    @Option(names = "--proxy-mode", paramLabel = "MODE",
            description = "How the node's service proxy forwards TCP connections to ClusterIPs: userspace (it relays"
                    + " them; a refused connect is retried on another endpoint) or nftables (as root, the kernel"
                    + " forwards them, as kube-proxy's nftables mode; round-robin Services without session"
                    + " affinity; the others, UDP and NodePorts stay in userspace) (default: ${DEFAULT-VALUE}).")
    ProxyMode proxyMode = ProxyMode.userspace;

    /** The values of --proxy-mode, spelled as kube-proxy's. */
    enum ProxyMode { userspace, nftables }

    /** Turns a bad CIDR into picocli's usage error instead of a stack trace. */
    static final class CidrConverter implements ITypeConverter<ServiceCidr> {
        @Override
        public ServiceCidr convert(String value) {
            try {
                return ServiceCidr.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** Turns a bad range into picocli's usage error instead of a stack trace. */
    static final class PortRangeConverter implements ITypeConverter<PortRange> {
        @Override
        public PortRange convert(String value) {
            try {
                return PortRange.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** Turns a bad back-off into picocli's usage error instead of a stack trace. */
    static final class BackoffConverter implements ITypeConverter<RestartBackoffPolicy> {
        @Override
        public RestartBackoffPolicy convert(String value) {
            try {
                return RestartBackoffPolicy.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    private ClusterDnsOptions clusterDns() {
        ClusterDnsOptions dns = disableClusterDns ? ClusterDnsOptions.disabled() : ClusterDnsOptions.defaults();
        return dns.withAddress(clusterDnsAddress, clusterDnsPort == null ? dns.port() : clusterDnsPort);
    }

    @Override
    public Integer call() throws Exception {
        ServerOptions options = new ServerOptions(dataDir, apiPort, bindAddress, datastoreEndpoint,
                compactionInterval, !disableAgent, nodeName, false, restartBackoff, kubeletPort, hostPortRange,
                clusterDns(), new ServiceRanges(serviceCidr, serviceNodePortRange), proxyMode == ProxyMode.nftables);
        if (serverCpuCgroup && !disableAgent) {
            // Before the server starts its threads and pods; process-wide, like HeapSizing.
            ServerCgroup.joinFromRoot();
        }
        DroverServer server = DroverServer.start(options);
        // Process-wide, so here and not in DroverServer (tests run several servers in one JVM).
        HeapSizing.start();
        // On SIGTERM or Ctrl-C the hook stops the server before the JVM exits; until then this
        // thread just waits.
        Runtime.getRuntime().addShutdownHook(new Thread(server::closeQuietly, "drover-shutdown"));
        new CountDownLatch(1).await();
        return 0;
    }
}
