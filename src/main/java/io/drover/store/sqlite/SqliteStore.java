package io.drover.store.sqlite;

import io.drover.store.CompactedException;
import io.drover.store.ContinueToken;
import io.drover.store.FutureRevisionException;
import io.drover.store.InvalidContinueTokenException;
import io.drover.store.KeyValue;
import io.drover.store.Keys;
import io.drover.store.RangeOptions;
import io.drover.store.RangeResult;
import io.drover.store.Store;
import io.drover.store.ValueTooLargeException;
import io.drover.store.Watch;
import io.drover.store.WatchListener;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The embedded store: one SQLite file in the data dir, written by one thread with group commit,
 * read through a small pool of connections, watched through an in-memory ring of recent changes.
 */
public final class SqliteStore implements Store {

    private static final int READERS = 4;
    /**
     * The ring's size: recent changes kept in memory for watches; one that fell further behind
     * reads the log table. A change lives in the ring until 4,096 newer ones push it out, about
     * 1.3 s at 3,000 creates/s: at 16,384 (5 s) each change was copied through the survivor
     * spaces of several young collections, which made every young pause of a busy server 4 ms
     * longer (docs/BENCHMARKS.md, API).
     */
    private static final int RING_EVENTS = 4_096;
    private static final long RING_BYTES = 16L * 1024 * 1024;

    private final ReaderPool readers;
    private final EventRing ring;
    private final Writer writer;
    private final SqliteCompaction compaction;
    private final Set<SqliteWatch> watches = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private SqliteStore(SqliteDatabase db) {
        this.readers = new ReaderPool(db, READERS);
        long committed = readers.read(Queries::revision);
        this.ring = new EventRing(RING_EVENTS, RING_BYTES, committed);
        this.writer = new Writer(db, ring);
        this.compaction = new SqliteCompaction(db, writer, readers);
    }

    /** The writer, for tests in this package that act on the writer's own connection. */
    Writer writer() {
        return writer;
    }

    /** Opens (creating if needed) the database at {@code file}. */
    public static SqliteStore open(Path file) {
        SqliteStore store = new SqliteStore(SqliteDatabase.create(file));
        store.writer.start();
        return store;
    }

    @Override
    public long currentRevision() {
        return ring.head();
    }

    long compactRevision() {
        return compaction.compactRevision();
    }

    boolean isClosed() {
        return closed;
    }

    @Override
    public Optional<KeyValue> get(String key) {
        Keys.requireKey(key);
        Row row = readers.read(q -> q.latest(key));
        return row == null || row.deleted() ? Optional.empty() : Optional.of(row.toKeyValue());
    }

    @Override
    public Optional<KeyValue> get(String key, long revision) {
        Keys.requireKey(key);
        Row row = readers.snapshot(q -> {
            checkReadable(q, revision);
            return q.latestAt(key, revision);
        });
        return row == null || row.deleted() ? Optional.empty() : Optional.of(row.toKeyValue());
    }

    @Override
    public RangeResult range(String prefix, RangeOptions options) {
        Keys.requirePrefix(prefix);
        String end = Keys.prefixEnd(prefix);
        ContinueToken token = options.continueToken() == null ? null : ContinueToken.decode(options.continueToken());
        String from = prefix;
        if (token != null) {
            from = token.startAfterKey(prefix) + "\0";
            if (end != null && from.compareTo(end) >= 0) {
                throw new InvalidContinueTokenException("continue token does not belong to prefix " + prefix);
            }
        }
        long requested = token != null ? token.readRevision() : options.revision();
        String start = from;
        int limit = options.limit();
        return readers.snapshot(q -> {
            long revision = requested == 0 ? q.revision() : requested;
            checkReadable(q, revision);
            List<Row> rows = q.range(start, end, revision, limit == 0 ? 0 : limit + 1);
            boolean more = limit > 0 && rows.size() > limit;
            if (more) {
                rows = rows.subList(0, limit);
            }
            List<KeyValue> kvs = rows.stream().map(Row::toKeyValue).toList();
            if (!more) {
                return new RangeResult(kvs, revision, null, 0);
            }
            String last = kvs.get(kvs.size() - 1).key();
            // Counting scans the rest of the range: a list read page by page would be quadratic.
            long remaining = options.countRemaining() ? q.count(last + "\0", end, revision) : 0;
            return new RangeResult(kvs, revision, ContinueToken.after(prefix, last, revision).encode(), remaining);
        });
    }

    /** Fails a read at {@code revision} that compaction or the future makes impossible. */
    private static void checkReadable(Queries q, long revision) throws java.sql.SQLException {
        long current = q.revision();
        if (revision > current) {
            throw new FutureRevisionException(revision, current);
        }
        long compacted = q.meta(SqliteDatabase.META_COMPACT_REVISION);
        if (revision < compacted) {
            throw new CompactedException(revision, compacted);
        }
    }

    @Override
    public KeyValue create(String key, byte[] value) {
        Keys.requireKey(key);
        ValueTooLargeException.check(key, value);
        return writer.write(Mutation.create(key, value.clone())).current();
    }

    @Override
    public KeyValue update(String key, byte[] value, long expectedModRevision) {
        Keys.requireKey(key);
        ValueTooLargeException.check(key, value);
        return writer.write(Mutation.update(key, value.clone(), expectedModRevision)).current();
    }

    @Override
    public long delete(String key, long expectedModRevision) {
        Keys.requireKey(key);
        return writer.write(Mutation.delete(key, expectedModRevision)).revision();
    }

    @Override
    public Watch watch(String prefix, long afterRevision, WatchListener listener) {
        Keys.requirePrefix(prefix);
        if (afterRevision < 0) {
            throw new IllegalArgumentException("afterRevision: " + afterRevision + " (expected: >= 0)");
        }
        SqliteWatch watch = new SqliteWatch(this, ring, readers, prefix, afterRevision, listener);
        watches.add(watch);
        watch.start();
        return watch;
    }

    void forget(SqliteWatch watch) {
        watches.remove(watch);
    }

    @Override
    public void compact(long revision) {
        long current = currentRevision();
        if (revision > current) {
            throw new FutureRevisionException(revision, current);
        }
        compaction.compact(revision);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<SqliteWatch> open = List.copyOf(watches);
        open.forEach(SqliteWatch::close);
        ring.close();
        open.forEach(SqliteWatch::awaitFinished);
        writer.close();
        readers.close();
    }
}
