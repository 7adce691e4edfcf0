package io.drover.cli;

import io.drover.store.Compactor;
import io.drover.store.Store;
import io.drover.store.StoreConfig;
import java.nio.file.Path;
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
        StoreConfig config = StoreConfig.of(dataDir, datastoreEndpoint);
        CountDownLatch stopped = new CountDownLatch(1);
        try (Store store = config.open();
                Compactor compactor = Compactor.start(store, compactionInterval, Compactor.DEFAULT_MIN_RETAINED)) {
            Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown, "drover-shutdown"));
            log.info("drover datastore ready: {} at revision {}", config.describe(), store.currentRevision());
            stopped.await();
        }
        return 0;
    }
}
