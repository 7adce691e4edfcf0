package io.drover.store.sqlite;

import io.drover.store.CompactedException;
import io.drover.store.KeyValue;
import io.drover.store.Keys;
import io.drover.store.StoreException;
import io.drover.store.StoreUnavailableException;
import io.drover.store.Watch;
import io.drover.store.WatchEvent;
import io.drover.store.WatchListener;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One watch: a thread of its own that reads changes after its position, from the ring while they
 * are there and from the log table when it fell behind, and hands those under its prefix to the
 * listener. Reading by revision from one ordered log is what makes the stream gap-free and
 * duplicate-free: there is no switch-over between a history read and a live subscription.
 *
 * <p>A slow listener only slows its own watch; the writer never waits for watchers.
 */
final class SqliteWatch implements Watch {
    private static final Logger log = LoggerFactory.getLogger(SqliteWatch.class);
    private static final int BATCH = 512;

    private final String prefix;
    private final String prefixEnd;
    private final WatchListener listener;
    private final EventRing ring;
    private final ReaderPool readers;
    private final SqliteStore store;
    private final CountDownLatch finished = new CountDownLatch(1);
    private long position;
    /** The position last told to the listener as progress. */
    private long reported;
    /** Whether to tell the progress at the next round (at most a second away) even if nothing was read. */
    private volatile boolean progressRequested;
    private volatile boolean closed;

    SqliteWatch(SqliteStore store, EventRing ring, ReaderPool readers, String prefix, long afterRevision,
            WatchListener listener) {
        this.store = store;
        this.ring = ring;
        this.readers = readers;
        this.prefix = prefix;
        this.prefixEnd = Keys.prefixEnd(prefix);
        this.listener = listener;
        this.position = afterRevision;
    }

    @Override
    public void requestProgress() {
        progressRequested = true;
    }

    void start() {
        Thread.ofVirtual().name("sqlite-watch " + prefix).start(this::run);
    }

    private void run() {
        StoreException failure = null;
        try {
            long compacted = store.compactRevision();
            if (position < compacted) {
                throw new CompactedException(position, compacted);
            }
            while (!closed && !store.isClosed()) {
                List<WatchEvent> next = ring.after(position, BATCH);
                if (next == null) {
                    next = readHistory();
                } else if (!next.isEmpty()) {
                    position = next.get(next.size() - 1).revision();
                }
                List<WatchEvent> mine = underPrefix(next);
                if (!mine.isEmpty() && !closed) {
                    listener.onEvents(mine);
                }
                if ((position > reported || progressRequested) && !closed) {
                    // Read up to here, changes under other prefixes included: a bookmark may say so.
                    progressRequested = false;
                    reported = position;
                    listener.onProgress(position);
                }
                if (next.isEmpty()) {
                    ring.awaitBeyond(position, prefix, 1, TimeUnit.SECONDS);
                }
            }
        } catch (StoreException e) {
            failure = store.isClosed() && e instanceof StoreUnavailableException ? null : e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.error("watch on {} failed", prefix, e);
            failure = new StoreUnavailableException("watch on " + prefix + " failed: " + e, e);
        }
        store.forget(this);
        try {
            listener.onClose(failure);
        } finally {
            finished.countDown();
        }
    }

    /** Waits a bounded time for the watch thread to end, so its connection is back in the pool. */
    void awaitFinished() {
        try {
            finished.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private List<WatchEvent> underPrefix(List<WatchEvent> events) {
        List<WatchEvent> out = new ArrayList<>(events.size());
        for (WatchEvent e : events) {
            String key = e.key();
            if (key.startsWith(prefix)) {
                out.add(e);
            }
        }
        return out;
    }

    /**
     * Reads the changes after the position from the log table. Its rows are filtered by prefix in
     * the query, so the position moves to the end of what was scanned even when nothing matched.
     */
    private List<WatchEvent> readHistory() {
        long upTo = ring.head();
        return readers.snapshot(q -> {
            long compacted = q.meta(SqliteDatabase.META_COMPACT_REVISION);
            if (position < compacted) {
                throw new CompactedException(position, compacted);
            }
            List<Row> rows = q.history(position, upTo, prefix, prefixEnd == null ? "\uffff" : prefixEnd, BATCH);
            List<WatchEvent> events = new ArrayList<>(rows.size());
            for (Row row : rows) {
                events.add(toEvent(q, row));
            }
            position = rows.size() < BATCH ? upTo : rows.get(rows.size() - 1).id();
            return events;
        });
    }

    private static WatchEvent toEvent(Queries q, Row row) throws SQLException {
        Row prev = row.version() == 1 && !row.deleted() ? null : q.byId(row.prevRevision());
        KeyValue previous = prev == null ? null : prev.toKeyValue();
        if (!row.deleted()) {
            return new WatchEvent(WatchEvent.Type.PUT, row.id(), row.toKeyValue(), previous);
        }
        if (prev == null) {
            throw new StoreUnavailableException("the version deleted at revision " + row.id() + " of "
                    + row.name() + " is missing from the log");
        }
        return new WatchEvent(WatchEvent.Type.DELETE, row.id(),
                new KeyValue(row.name(), prev.value(), prev.createRevision(), row.id(), prev.version()), previous);
    }

    @Override
    public void close() {
        closed = true;
        ring.wakeAll();
    }
}
