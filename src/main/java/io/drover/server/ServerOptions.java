package io.drover.server;

import io.drover.agent.RestartBackoffPolicy;
import io.drover.agent.ports.PortRange;
import io.drover.api.service.ServiceRanges;
import io.drover.dns.ClusterDnsOptions;
import java.nio.file.Path;
import java.time.Duration;

/**
 * How a drover server runs.
 *
 * @param dataDir where credentials, the kubeconfig and (with SQLite) the cluster state live
 * @param apiPort the API server's HTTPS port; 0 picks a free one
 * @param bindAddress the address the API server listens on
 * @param datastoreEndpoint etcd endpoints, or null for the embedded SQLite store
 * @param compactionInterval how often store history is compacted
 * @param nodeAgent whether this server runs a node agent (false: control plane only, as k3s's
 *     {@code --disable-agent})
 * @param nodeName the name of this machine's Node; null for the host name
 * @param stopPodsOnClose whether closing the server stops the pods its node agent runs; false for a
 *     real server, whose pods keep running to be adopted by the next start; true in tests, so that
 *     no process outlives the test
 * @param restartBackoff how the node agent's back-off between container restarts grows
 * @param kubeletPort the node agent's kubelet endpoint port (HTTPS, all addresses); 0 picks a free one
 * @param hostPortRange the host ports the node agent gives containerPorts
 * @param clusterDns the node's cluster DNS server (runs with the node agent)
 * @param serviceRanges the ClusterIP range and NodePort range of Services
 * @param kernelForwarding whether the node's service proxy has the kernel (nftables) forward TCP
 *     ClusterIP connections where it can, rather than relaying them itself
 */
public record ServerOptions(Path dataDir, int apiPort, String bindAddress, String datastoreEndpoint,
        Duration compactionInterval, boolean nodeAgent, String nodeName, boolean stopPodsOnClose,
        RestartBackoffPolicy restartBackoff, int kubeletPort, PortRange hostPortRange, ClusterDnsOptions clusterDns,
        ServiceRanges serviceRanges, boolean kernelForwarding) {

    public ServerOptions {
        if (apiPort < 0 || apiPort > 65535) {
            throw new IllegalArgumentException("--api-port: " + apiPort + " (expected: 0-65535)");
        }
        if (kubeletPort < 0 || kubeletPort > 65535) {
            throw new IllegalArgumentException("--kubelet-port: " + kubeletPort + " (expected: 0-65535)");
        }
        restartBackoff = restartBackoff == null ? RestartBackoffPolicy.DEFAULT : restartBackoff;
        hostPortRange = hostPortRange == null ? PortRange.DEFAULT : hostPortRange;
        clusterDns = clusterDns == null ? ClusterDnsOptions.defaults() : clusterDns;
        serviceRanges = serviceRanges == null ? ServiceRanges.DEFAULT : serviceRanges;
    }

    public ServerOptions withBindAddress(String address) {
        return new ServerOptions(dataDir, apiPort, address, datastoreEndpoint, compactionInterval, nodeAgent, nodeName,
                stopPodsOnClose, restartBackoff, kubeletPort, hostPortRange, clusterDns, serviceRanges,
                kernelForwarding);
    }

    public ServerOptions withNodeAgent(boolean run) {
        return new ServerOptions(dataDir, apiPort, bindAddress, datastoreEndpoint, compactionInterval, run, nodeName,
                stopPodsOnClose, restartBackoff, kubeletPort, hostPortRange, clusterDns, serviceRanges,
                kernelForwarding);
    }


    public ServerOptions withStopPodsOnClose(boolean stop) {
        return new ServerOptions(dataDir, apiPort, bindAddress, datastoreEndpoint, compactionInterval, nodeAgent,
                nodeName, stop, restartBackoff, kubeletPort, hostPortRange, clusterDns, serviceRanges,
                kernelForwarding);
    }

    public ServerOptions withRestartBackoff(RestartBackoffPolicy backoff) {
        return new ServerOptions(dataDir, apiPort, bindAddress, datastoreEndpoint, compactionInterval, nodeAgent,
                nodeName, stopPodsOnClose, backoff, kubeletPort, hostPortRange, clusterDns, serviceRanges,
                kernelForwarding);
    }

    public ServerOptions withHostPortRange(PortRange range) {
        return new ServerOptions(dataDir, apiPort, bindAddress, datastoreEndpoint, compactionInterval, nodeAgent,
                nodeName, stopPodsOnClose, restartBackoff, kubeletPort, range, clusterDns, serviceRanges,
                kernelForwarding);
    }

    public ServerOptions withClusterDns(ClusterDnsOptions dns) {
        return new ServerOptions(dataDir, apiPort, bindAddress, datastoreEndpoint, compactionInterval, nodeAgent,
                nodeName, stopPodsOnClose, restartBackoff, kubeletPort, hostPortRange, dns, serviceRanges,
                kernelForwarding);
    }

    public ServerOptions withServiceRanges(ServiceRanges ranges) {
        return new ServerOptions(dataDir, apiPort, bindAddress, datastoreEndpoint, compactionInterval, nodeAgent,
                nodeName, stopPodsOnClose, restartBackoff, kubeletPort, hostPortRange, clusterDns, ranges,
                kernelForwarding);
    }

    public ServerOptions withKernelForwarding(boolean kernel) {
        return new ServerOptions(dataDir, apiPort, bindAddress, datastoreEndpoint, compactionInterval, nodeAgent,
                nodeName, stopPodsOnClose, restartBackoff, kubeletPort, hostPortRange, clusterDns, serviceRanges,
                kernel);
    }

    /**
     * Defaults for a data dir: free ports (API server on all addresses, kubelet endpoint), SQLite,
     * compaction every 5 minutes, host ports from {@link PortRange#DEFAULT}, cluster DNS on, the
     * default Service ranges.
     */
    public static ServerOptions forDataDir(Path dataDir) {
        return new ServerOptions(dataDir, 0, "0.0.0.0", null, Duration.ofMinutes(5), true, null, false,
                RestartBackoffPolicy.DEFAULT, 0, PortRange.DEFAULT, ClusterDnsOptions.defaults(), ServiceRanges.DEFAULT,
                false);
    }
}
