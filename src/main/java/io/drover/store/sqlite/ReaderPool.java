package io.drover.store.sqlite;

import io.drover.store.StoreException;
import io.drover.store.StoreUnavailableException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A fixed set of read connections, lent one at a time. WAL mode lets them read while the writer
 * writes; each read sees one committed snapshot.
 */
final class ReaderPool implements AutoCloseable {

    /** A read on one connection. */
    @FunctionalInterface
    interface Read<T> {
        T run(Queries queries) throws SQLException;
    }

    private final BlockingQueue<Queries> idle;
    private final List<Queries> all = new ArrayList<>();
    private final String file;
    private volatile boolean closed;

    ReaderPool(SqliteDatabase db, int size) {
        this.idle = new ArrayBlockingQueue<>(size);
        this.file = db.file().toString();
        try {
            for (int i = 0; i < size; i++) {
                Queries q = new Queries(db.openReader());
                all.add(q);
                idle.add(q);
            }
        } catch (SQLException e) {
            all.forEach(Queries::close);
            throw new StoreUnavailableException("cannot open " + file + " for reading: " + e.getMessage(), e);
        }
    }

    /** Runs one statement outside an explicit transaction. */
    <T> T read(Read<T> read) {
        return borrow(read, false);
    }

    /** Runs several statements that must see one snapshot. */
    <T> T snapshot(Read<T> read) {
        return borrow(read, true);
    }

    private <T> T borrow(Read<T> read, boolean transaction) {
        Queries q;
        try {
            if (closed) {
                throw new StoreUnavailableException("store " + file + " is closed");
            }
            q = idle.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("interrupted while waiting for a read connection", e);
        }
        try {
            if (!transaction) {
                return read.run(q);
            }
            Connection c = q.connection();
            try (Statement s = c.createStatement()) {
                s.execute("BEGIN DEFERRED");
            }
            try {
                return read.run(q);
            } finally {
                try (Statement s = c.createStatement()) {
                    s.execute("COMMIT");
                }
            }
        } catch (SQLException e) {
            throw new StoreUnavailableException("read from " + file + " failed: " + e.getMessage(), e);
        } catch (StoreException e) {
            throw e;
        } finally {
            idle.add(q);
        }
    }

    /**
     * Closes the connections once they are back: closing one under a running query is not safe.
     * A connection still lent after a few seconds is left to the process exit.
     */
    @Override
    public void close() {
        closed = true;
        for (int i = 0; i < all.size(); i++) {
            try {
                Queries q = idle.poll(5, TimeUnit.SECONDS);
                if (q != null) {
                    q.close();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
