package io.drover.store;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the store's history bounded, as the Kubernetes API server does for etcd: every interval it
 * compacts to the revision it saw one interval earlier, so a watcher always has at least one
 * interval to catch up, and never closer to the head than {@code minRetained} revisions.
 */
public final class Compactor implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Compactor.class);

    /** Revisions always kept behind the head, as kine keeps 1000. */
    public static final long DEFAULT_MIN_RETAINED = 1000;

    private final Store store;
    private final long minRetained;
    private final ScheduledExecutorService timer;
    private long revisionAtLastTick;

    private Compactor(Store store, long minRetained) {
        this.store = store;
        this.minRetained = minRetained;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "store-compactor");
            t.setDaemon(true);
            return t;
        });
    }

    public static Compactor start(Store store, Duration interval, long minRetained) {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval: " + interval + " (expected: > 0)");
        }
        if (minRetained < 0) {
            throw new IllegalArgumentException("minRetained: " + minRetained + " (expected: >= 0)");
        }
        Compactor compactor = new Compactor(store, minRetained);
        compactor.revisionAtLastTick = store.currentRevision();
        long millis = interval.toMillis();
        compactor.timer.scheduleWithFixedDelay(compactor::tick, millis, millis, TimeUnit.MILLISECONDS);
        return compactor;
    }

    /** One compaction step; public so tests and tools can drive it without waiting. */
    public synchronized void tick() {
        try {
            long current = store.currentRevision();
            long target = Math.min(revisionAtLastTick, current - minRetained);
            revisionAtLastTick = current;
            if (target > 0) {
                store.compact(target);
                log.debug("compacted store to revision {} (current {})", target, current);
            }
        } catch (StoreException e) {
            log.warn("store compaction failed, will retry: {}", e.getMessage());
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
