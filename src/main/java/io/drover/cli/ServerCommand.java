package io.drover.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.drover.api.ApiServer;
import io.drover.api.ClusterBootstrap;
import io.drover.api.http.ApiRouter;
import io.drover.api.http.DiscoveryRoutes;
import io.drover.api.resource.ResourceRegistry;
import io.drover.api.security.ClusterCredentials;
import io.drover.api.security.Kubeconfig;
import io.drover.api.storage.ObjectStorage;
import io.drover.store.Compactor;
import io.drover.store.Store;
import io.drover.store.StoreConfig;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code drover server}: runs the control plane of a cluster in this process. */
@Command(name = "server", mixinStandardHelpOptions = true, description = "Run a drover server.")
final class ServerCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(ServerCommand.class);

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

    @Override
    public Integer call() throws Exception {
        if (apiPort < 0 || apiPort > 65535) {
            throw new IllegalArgumentException("--api-port: " + apiPort + " (expected: 0-65535)");
        }
        StoreConfig config = StoreConfig.of(dataDir, datastoreEndpoint);
        ClusterCredentials credentials = ClusterCredentials.loadOrCreate(dataDir);
        ObjectMapper json = new ObjectMapper();
        ResourceRegistry registry = ResourceRegistry.builtin();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown, "drover-shutdown"));
        try (Store store = config.open();
                Compactor compactor = Compactor.start(store, compactionInterval, Compactor.DEFAULT_MIN_RETAINED)) {
            ObjectStorage storage = new ObjectStorage(store, json, Clock.systemUTC());
            ClusterBootstrap.run(storage, registry, json);
            ApiRouter router = new ApiRouter(json, registry, storage,
                    new DiscoveryRoutes(json, registry, "127.0.0.1:" + apiPort), credentials::isAdminToken);
            try (ApiServer server = ApiServer.start(bindAddress, apiPort, credentials, router)) {
                URI url = URI.create("https://127.0.0.1:" + server.port());
                Path kubeconfig = dataDir.resolve("kubeconfig");
                Kubeconfig.write(kubeconfig, url, credentials.caCertificatePem(), credentials.adminToken(), "admin");
                router.markReady();
                log.info("drover API server ready at {} ({}); kubeconfig: {}", url, config.describe(), kubeconfig);
                stopped.await();
            }
        }
        return 0;
    }
}
