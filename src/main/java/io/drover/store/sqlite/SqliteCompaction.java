package io.drover.store.sqlite;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes history in small steps so that writers are never held up for long.
 *
 * <p>Compacting to C first records C (from then on reads and watches before C fail), then walks
 * the rows up to C in id order, a bounded slice per transaction: each row deletes the row it
 * superseded, and a tombstone deletes itself. What remains of revisions up to C is the newest
 * version of every key alive at C. Progress is recorded with each slice, so a compaction cut short
 * by a crash resumes where it stopped. Last, the freed pages are returned to the file system in
 * slices too, and the WAL is checkpointed and truncated, so the files shrink back towards the live
 * data.
 */
final class SqliteCompaction {
    private static final Logger log = LoggerFactory.getLogger(SqliteCompaction.class);

    /** Rows examined per transaction: small enough to stay in the low milliseconds. */
    static final int SLICE_ROWS = 250;
    /** Pages released per transaction. */
    static final int VACUUM_PAGES = 512;

    private static final String SET_META = "INSERT INTO meta (name, value) VALUES (?, ?) "
            + "ON CONFLICT (name) DO UPDATE SET value = excluded.value";
    private static final String DELETE_SUPERSEDED = "DELETE FROM kv WHERE id IN "
            + "(SELECT prev_revision FROM kv WHERE id > ? AND id <= ? AND prev_revision > 0)";
    private static final String DELETE_TOMBSTONES = "DELETE FROM kv WHERE id > ? AND id <= ? AND deleted = 1";

    private final Writer writer;
    private final SqliteDatabase db;
    private volatile long compactRevision;

    SqliteCompaction(SqliteDatabase db, Writer writer, ReaderPool readers) {
        this.db = db;
        this.writer = writer;
        this.compactRevision = readers.read(q -> q.meta(SqliteDatabase.META_COMPACT_REVISION));
    }

    long compactRevision() {
        return compactRevision;
    }

    /** Compacts to {@code revision} (a no-op when already there) and finishes any unfinished work. */
    synchronized void compact(long revision) {
        if (revision > compactRevision) {
            writer.maintain(q -> {
                setMeta(q, SqliteDatabase.META_COMPACT_REVISION, revision);
                return null;
            });
            compactRevision = revision;
        }
        long deleted = 0;
        boolean more = true;
        while (more) {
            long[] step = writer.maintain(this::slice);
            deleted += step[0];
            more = step[1] != 0;
        }
        if (deleted > 0) {
            releaseFreePages();
            truncateWal();
            log.debug("compacted to revision {}: {} rows removed", compactRevision, deleted);
        }
    }

    /** One slice: returns {rows deleted, 1 if more slices are due}. */
    private long[] slice(Queries q) throws SQLException {
        long target = q.meta(SqliteDatabase.META_COMPACT_REVISION);
        long done = q.meta(SqliteDatabase.META_COMPACT_DONE);
        if (done >= target) {
            return new long[] {0, 0};
        }
        long upTo = Math.min(target, done + SLICE_ROWS);
        long deleted = 0;
        for (String sql : new String[] {DELETE_SUPERSEDED, DELETE_TOMBSTONES}) {
            PreparedStatement ps = q.statement(sql);
            ps.setLong(1, done);
            ps.setLong(2, upTo);
            deleted += ps.executeUpdate();
        }
        setMeta(q, SqliteDatabase.META_COMPACT_DONE, upTo);
        return new long[] {deleted, upTo < target ? 1 : 0};
    }

    /**
     * Each slice is its own short transaction; writes queued meanwhile go first. Stops when no
     * page is left or a slice freed none (a file made without incremental auto_vacuum).
     */
    private void releaseFreePages() {
        long left = Long.MAX_VALUE;
        long now;
        while ((now = writer.maintain(SqliteCompaction::vacuumSlice)) > 0 && now < left) {
            left = now;
        }
    }

    /**
     * Copies the WAL into the database from a connection of its own (a PASSIVE checkpoint runs
     * beside the writer instead of holding it up), so the truncating checkpoint that follows on the
     * writer thread has almost nothing left to copy and stalls writes only briefly.
     */
    private void copyWalAside() {
        try (Connection c = db.openWriter(); var s = c.createStatement()) {
            s.execute("PRAGMA wal_checkpoint(PASSIVE)");
        } catch (SQLException e) {
            log.debug("passive checkpoint after compaction failed: {}", e.getMessage());
        }
    }

    /**
     * Copies the WAL into the database and truncates it to zero bytes. Compaction and the page
     * release write every page they touch to the WAL; without this the WAL file keeps that size
     * (journal_size_limit only trims it to 16 MiB on the next reset), which can be as large as the
     * compacted database itself. A reader still using old WAL frames makes the checkpoint give up
     * after the busy timeout; that is logged, not an error: the next compaction tries again.
     */
    private void truncateWal() {
        copyWalAside();
        long busy = writer.maintainOutsideTransaction(q -> {
            try (var s = q.connection().createStatement();
                    ResultSet rs = s.executeQuery("PRAGMA wal_checkpoint(TRUNCATE)")) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        });
        if (busy != 0) {
            log.debug("WAL of compacted database not truncated: readers still use it");
        }
    }

    /** Frees some pages; returns how many free pages are left. */
    private static long vacuumSlice(Queries q) throws SQLException {
        try (var s = q.connection().createStatement()) {
            s.execute("PRAGMA incremental_vacuum(" + VACUUM_PAGES + ")");
            try (ResultSet rs = s.executeQuery("PRAGMA freelist_count")) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }

    private static void setMeta(Queries q, String name, long value) throws SQLException {
        PreparedStatement ps = q.statement(SET_META);
        ps.setString(1, name);
        ps.setLong(2, value);
        ps.executeUpdate();
    }
}
