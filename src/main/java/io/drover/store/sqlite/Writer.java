package io.drover.store.sqlite;

import io.drover.store.ConflictException;
import io.drover.store.KeyExistsException;
import io.drover.store.KeyValue;
import io.drover.store.StoreException;
import io.drover.store.StoreUnavailableException;
import io.drover.store.WatchEvent;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The only thread that writes to the database, with group commit.
 *
 * <p>Writers queue their mutations and wait. The writer thread takes everything queued, applies it
 * in one transaction and commits once: one fsync acknowledges the whole batch, so N concurrent
 * writers cost about one fsync instead of N, and there is never a second writer connection to
 * make SQLite answer "database is locked". While a batch commits, the next one queues up, so the
 * batch size adapts to the load with no added delay. Compare-and-swap is checked inside the
 * transaction against the rows the batch itself has written so far, so two mutations of one key
 * in one batch behave exactly as if they had come in two.
 *
 * <p>Maintenance work (compaction steps) runs between batches in its own short transaction,
 * queued behind the writes that came first.
 */
final class Writer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Writer.class);

    /** Upper bound on one batch, so one commit never holds too many waiting writers' data. */
    static final int MAX_BATCH = 512;

    private static final String INSERT = "INSERT INTO kv (id, name, deleted, create_revision, prev_revision, "
            + "version, value) VALUES (?, ?, ?, ?, ?, ?, ?)";

    /** A step of maintenance, run alone in one transaction. */
    @FunctionalInterface
    interface Maintenance<T> {
        T run(Queries queries) throws SQLException;
    }

    private record MaintenanceTask<T>(Maintenance<T> work, boolean transaction, CompletableFuture<T> outcome) {}

    private static final Object STOP = new Object();

    private final Queries queries;
    private final EventRing ring;
    private final String file;
    private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile boolean closed;
    private long committed;

    Writer(SqliteDatabase db, EventRing ring) {
        this.ring = ring;
        this.file = db.file().toString();
        try {
            this.queries = new Queries(db.openWriter());
            this.committed = queries.revision();
        } catch (SQLException e) {
            throw new StoreUnavailableException("cannot open " + file + " for writing: " + e.getMessage(), e);
        }
        this.thread = new Thread(this::loop, "sqlite-writer");
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Queues a write and waits until it is durable or refused. */
    WatchEvent write(Mutation mutation) {
        submit(mutation);
        return await(mutation.outcome());
    }

    /** Runs {@code work} on the writer thread in its own transaction and waits for it. */
    <T> T maintain(Maintenance<T> work) {
        return runOnWriterThread(work, true);
    }

    /**
     * Runs {@code work} on the writer thread outside any transaction, for statements SQLite refuses
     * inside one (a WAL checkpoint), and waits for it.
     */
    <T> T maintainOutsideTransaction(Maintenance<T> work) {
        return runOnWriterThread(work, false);
    }

    private <T> T runOnWriterThread(Maintenance<T> work, boolean transaction) {
        MaintenanceTask<T> task = new MaintenanceTask<>(work, transaction, new CompletableFuture<>());
        submit(task);
        return await(task.outcome());
    }

    private void submit(Object task) {
        if (closed) {
            throw new StoreUnavailableException("store " + file + " is closed");
        }
        queue.add(task);
    }

    private static <T> T await(CompletableFuture<T> outcome) {
        try {
            return outcome.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("interrupted while waiting for the write to commit", e);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof StoreException se) {
                throw se;
            }
            throw new StoreUnavailableException("write failed: " + e.getCause(), e.getCause());
        }
    }

    private void loop() {
        ArrayDeque<Object> pending = new ArrayDeque<>();
        List<Mutation> batch = new ArrayList<>();
        boolean stopping = false;
        while (!stopping || !pending.isEmpty()) {
            if (pending.isEmpty()) {
                try {
                    pending.add(queue.take());
                } catch (InterruptedException e) {
                    break;
                }
                queue.drainTo(pending);
            }
            Object next = pending.poll();
            if (next == STOP) {
                stopping = true;
                queue.drainTo(pending);
            } else if (next instanceof MaintenanceTask<?> task) {
                runMaintenance(task);
            } else {
                batch.add((Mutation) next);
                while (batch.size() < MAX_BATCH && pending.peek() instanceof Mutation m) {
                    batch.add(m);
                    pending.poll();
                }
                commitBatch(batch);
                batch.clear();
            }
        }
        failQueued(pending);
    }

    /** Fails what is still queued, so that nothing that raced with close waits forever. */
    private void failQueued(ArrayDeque<Object> pending) {
        queue.drainTo(pending);
        for (Object task : pending) {
            StoreUnavailableException closedError = new StoreUnavailableException("store " + file + " is closed");
            if (task instanceof Mutation m) {
                m.outcome().completeExceptionally(closedError);
            } else if (task instanceof MaintenanceTask<?> t) {
                t.outcome().completeExceptionally(closedError);
            }
        }
    }

    private <T> void runMaintenance(MaintenanceTask<T> task) {
        try {
            if (!task.transaction()) {
                task.outcome().complete(task.work().run(queries));
                return;
            }
            T result;
            try {
                execute("BEGIN IMMEDIATE");
                result = task.work().run(queries);
                execute("COMMIT");
            } catch (SQLException | RuntimeException e) {
                rollback();
                throw e;
            }
            task.outcome().complete(result);
        } catch (SQLException e) {
            task.outcome().completeExceptionally(
                    new StoreUnavailableException("maintenance of " + file + " failed: " + e.getMessage(), e));
        } catch (RuntimeException e) {
            task.outcome().completeExceptionally(e);
        }
    }

    private void commitBatch(List<Mutation> batch) {
        List<WatchEvent> events = new ArrayList<>(batch.size());
        List<Object> outcomes = new ArrayList<>(batch.size());
        long revision = committed;
        try {
            execute("BEGIN IMMEDIATE");
            for (Mutation m : batch) {
                Object outcome = apply(m, revision + 1);
                if (outcome instanceof WatchEvent e) {
                    revision = e.revision();
                    events.add(e);
                }
                outcomes.add(outcome);
            }
            execute("COMMIT");
        } catch (SQLException | RuntimeException e) {
            // A failed BEGIN too: no transaction may stay open for the next batch.
            rollback();
            log.error("commit to {} failed; {} writes refused", file, batch.size(), e);
            StoreUnavailableException failure =
                    new StoreUnavailableException("write to " + file + " failed: " + e.getMessage(), e);
            batch.forEach(m -> m.outcome().completeExceptionally(failure));
            return;
        }
        committed = revision;
        // Publish before acknowledging: a writer that got its revision back finds it in the ring.
        if (!events.isEmpty()) {
            ring.append(events);
        }
        for (int i = 0; i < batch.size(); i++) {
            Object outcome = outcomes.get(i);
            if (outcome instanceof WatchEvent e) {
                batch.get(i).outcome().complete(e);
            } else {
                batch.get(i).outcome().completeExceptionally((StoreException) outcome);
            }
        }
    }

    /** Applies one mutation at {@code revision}: the change it made, or the exception refusing it. */
    private Object apply(Mutation m, long revision) throws SQLException {
        Row latest = queries.latest(m.key());
        boolean exists = latest != null && !latest.deleted();
        long prevRevision = latest == null ? 0 : latest.id();
        KeyValue previous = exists ? latest.toKeyValue() : null;
        switch (m.kind()) {
            case CREATE -> {
                if (exists) {
                    return new KeyExistsException(m.key(), latest.id());
                }
                insert(revision, m.key(), false, revision, prevRevision, 1, m.value());
                return new WatchEvent(WatchEvent.Type.PUT, revision,
                        new KeyValue(m.key(), m.value(), revision, revision, 1), null);
            }
            case UPDATE -> {
                if (!exists || latest.id() != m.expectedModRevision()) {
                    return new ConflictException(m.key(), m.expectedModRevision(), exists ? latest.id() : 0);
                }
                long version = latest.version() + 1;
                insert(revision, m.key(), false, latest.createRevision(), prevRevision, version, m.value());
                return new WatchEvent(WatchEvent.Type.PUT, revision,
                        new KeyValue(m.key(), m.value(), latest.createRevision(), revision, version), previous);
            }
            case DELETE -> {
                if (!exists || latest.id() != m.expectedModRevision()) {
                    return new ConflictException(m.key(), m.expectedModRevision(), exists ? latest.id() : 0);
                }
                insert(revision, m.key(), true, latest.createRevision(), prevRevision, latest.version(), new byte[0]);
                return new WatchEvent(WatchEvent.Type.DELETE, revision,
                        new KeyValue(m.key(), latest.value(), latest.createRevision(), revision, latest.version()),
                        previous);
            }
        }
        throw new AssertionError(m.kind());
    }

    private void insert(long id, String name, boolean deleted, long createRevision, long prevRevision, long version,
            byte[] value) throws SQLException {
        PreparedStatement ps = queries.statement(INSERT);
        ps.setLong(1, id);
        ps.setString(2, name);
        ps.setInt(3, deleted ? 1 : 0);
        ps.setLong(4, createRevision);
        ps.setLong(5, prevRevision);
        ps.setLong(6, version);
        ps.setBytes(7, value);
        ps.executeUpdate();
    }

    /** BEGIN, COMMIT and ROLLBACK, prepared once instead of compiled again for every batch. */
    private void execute(String sql) throws SQLException {
        queries.statement(sql).execute();
    }

    /**
     * Ends a failed transaction so that the next one can begin. The cached statements are dropped (one that failed
     * stays unusable, and every later batch failed), and the ROLLBACK runs on a statement of its own; SQLite may
     * have rolled back by itself already (SQLITE_FULL at COMMIT), when there is none to end.
     */
    private void rollback() {
        queries.resetStatements();
        try (Statement statement = queries.connection().createStatement()) {
            statement.execute("ROLLBACK");
        } catch (SQLException e) {
            log.debug("rollback on {}: {}", file, e.getMessage());
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        queue.add(STOP);
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        failQueued(new ArrayDeque<>());
        queries.close();
    }
}
