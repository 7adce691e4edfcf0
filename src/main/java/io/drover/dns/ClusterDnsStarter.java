package io.drover.dns;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.net.BindException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a node's cluster DNS from the server's options. A taken port (another DNS server on port
 * 53, a second drover on the machine) is logged and the node runs without cluster DNS rather than
 * not at all: pods still find services through their environment variables.
 */
public final class ClusterDnsStarter {
    private static final Logger log = LoggerFactory.getLogger(ClusterDnsStarter.class);

    private ClusterDnsStarter() {}

    /** The running DNS server; null when disabled or its port is taken. */
    public static ClusterDns start(ClusterDnsOptions options, String nodeName, Supplier<KubernetesClient> client)
            throws IOException {
        if (!options.enabled()) {
            return null;
        }
        try {
            return ClusterDns.start(client.get(), nodeName, options);
        } catch (BindException e) {
            log.error("cluster DNS not started: port {} is taken ({}); choose another with --cluster-dns-port",
                    options.port(), e.getMessage());
            return null;
        }
    }
}
