package io.drover.api.storage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drover.api.ApiException;
import io.drover.store.ConflictException;
import io.drover.store.KeyValue;
import io.drover.store.RangeOptions;
import io.drover.store.RangeResult;
import io.drover.store.Store;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes Events an hour after they were last written, as kube-apiserver does with its {@code --event-ttl}
 * (default 1h: every Event write attaches an etcd lease of that length). Without it every restart of a
 * crash-looping container left Events in the store for good.
 *
 * <p>The store keeps no write time, so an Event's last write is the latest of its creationTimestamp, its
 * managedFields times (the server sets them on writes), and the times a recorder sets when it counts a repeat
 * (lastTimestamp, eventTime, series.lastObservedTime). Once a minute the Events are read page by page and
 * the expired ones deleted from the store directly, as a lease's expiry removes the key: no finalizer or
 * grace period holds them; a deletion loses to a concurrent write of the same Event.
 */
public final class EventExpiry implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EventExpiry.class);
    /** kube-apiserver's default --event-ttl. */
    public static final Duration TTL = Duration.ofHours(1);
    private static final Duration INTERVAL = Duration.ofMinutes(1);
    private static final String PREFIX = "/registry/events/";
    private static final int PAGE = 500;
    private static final Duration CLOCK_SKEW = Duration.ofMinutes(1);

    private final Store store;
    private final ObjectCodec codec;
    private final Clock clock;
    private final Duration ttl;
    private final ScheduledExecutorService timer;

    EventExpiry(Store store, ObjectMapper json, Clock clock, Duration ttl) {
        this.store = store;
        this.codec = new ObjectCodec(json);
        this.clock = clock;
        this.ttl = ttl;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "event-expiry");
            t.setDaemon(true);
            return t;
        });
    }

    /** Sweeps the store's Events once a minute from now on. */
    public static EventExpiry start(Store store, ObjectMapper json) {
        EventExpiry expiry = new EventExpiry(store, json, Clock.systemUTC(), TTL);
        long millis = INTERVAL.toMillis();
        expiry.timer.scheduleWithFixedDelay(expiry::sweepQuietly, millis, millis, TimeUnit.MILLISECONDS);
        return expiry;
    }

    /** Deletes the Events last written more than the TTL ago; returns how many it deleted. */
    int sweep() {
        Instant cutoff = clock.instant().minus(ttl);
        int deleted = 0;
        String page = null;
        do {
            RangeResult result = store.range(PREFIX, new RangeOptions(PAGE, 0, page, false));
            for (KeyValue kv : result.kvs()) {
                if (expired(kv, cutoff) && deleteUnlessRewritten(kv)) {
                    deleted++;
                }
            }
            page = result.continueToken();
        } while (page != null);
        return deleted;
    }

    private void sweepQuietly() {
        try {
            int deleted = sweep();
            if (deleted > 0) {
                log.debug("deleted {} events older than {}", deleted, ttl);
            }
        } catch (RuntimeException e) {
            // Any failure: an exception out of a scheduled task would end the sweeps for good.
            log.warn("event expiry failed, will retry: {}", e.toString());
        }
    }

    private boolean expired(KeyValue kv, Instant cutoff) {
        Instant now = clock.instant();
        JsonNode event;
        try {
            event = codec.decode(kv);
        } catch (ApiException e) {
            return false;
        }
        Instant lastWrite = latest(now, Instant.EPOCH, event.path("metadata").path("creationTimestamp"));
        for (JsonNode entry : event.path("metadata").path("managedFields")) {
            lastWrite = latest(now, lastWrite, entry.path("time"));
        }
        lastWrite = latest(now, lastWrite, event.path("lastTimestamp"));
        lastWrite = latest(now, lastWrite, event.path("eventTime"));
        lastWrite = latest(now, lastWrite, event.path("series").path("lastObservedTime"));
        return lastWrite.isBefore(cutoff);
    }

    /**
     * The later of {@code so} and {@code time}; a time after {@code now} is a client's clock or typo, not a write,
     * and would keep the Event forever.
     */
    private static Instant latest(Instant now, Instant so, JsonNode time) {
        if (!time.isTextual()) {
            return so;
        }
        try {
            Instant t = Instant.parse(time.asText());
            return t.isAfter(so) && !t.isAfter(now.plus(CLOCK_SKEW)) ? t : so;
        } catch (DateTimeParseException e) {
            return so;
        }
    }

    private boolean deleteUnlessRewritten(KeyValue kv) {
        try {
            store.delete(kv.key(), kv.modRevision());
            return true;
        } catch (ConflictException e) {
            return false;
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
