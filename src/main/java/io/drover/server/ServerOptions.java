package io.drover.server;

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
 */
public record ServerOptions(Path dataDir, int apiPort, String bindAddress, String datastoreEndpoint,
        Duration compactionInterval) {

    public ServerOptions {
        if (apiPort < 0 || apiPort > 65535) {
            throw new IllegalArgumentException("--api-port: " + apiPort + " (expected: 0-65535)");
        }
    }

    public ServerOptions withBindAddress(String address) {
        return new ServerOptions(dataDir, apiPort, address, datastoreEndpoint, compactionInterval);
    }

    /** Defaults for a data dir: a free port on all addresses, SQLite, compaction every 5 minutes. */
    public static ServerOptions forDataDir(Path dataDir) {
        return new ServerOptions(dataDir, 0, "0.0.0.0", null, Duration.ofMinutes(5));
    }
}
