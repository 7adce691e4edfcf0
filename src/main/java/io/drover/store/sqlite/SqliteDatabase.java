package io.drover.store.sqlite;

import io.drover.store.StoreUnavailableException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.sqlite.SQLiteConfig;

/**
 * The database file: its schema and how connections to it are opened.
 *
 * <p>The log table is kine's design: the row id is the revision, a key's current value is its
 * newest row, a delete is a tombstone row. {@code UNIQUE(name, prev_revision)} lets the database
 * itself refuse a second successor of one version, and its index doubles as the lookup of a key's
 * newest row, since prev_revision grows with id along one key's rows. There is no second index on
 * name, which keeps the file small.
 *
 * <p>Durability: WAL journal with {@code synchronous=FULL}, so a commit returns only after the WAL
 * is fsynced. {@code auto_vacuum=INCREMENTAL} lets compaction hand freed pages back to the file
 * system.
 */
final class SqliteDatabase {

    static final String META_COMPACT_REVISION = "compact_revision";
    static final String META_COMPACT_DONE = "compact_done";

    private static final String[] SCHEMA = {
        """
        CREATE TABLE IF NOT EXISTS kv (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          name TEXT NOT NULL,
          deleted INTEGER NOT NULL,
          create_revision INTEGER NOT NULL,
          prev_revision INTEGER NOT NULL,
          version INTEGER NOT NULL,
          value BLOB NOT NULL,
          UNIQUE (name, prev_revision)
        )""",
        "CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID",
        // The deletions alone (partial: creates and updates do not touch it), so that counting the
        // live keys of a range needs no read of each key's row (Queries.count).
        "CREATE INDEX IF NOT EXISTS kv_tombstones ON kv (name, id) WHERE deleted = 1",
    };

    private final Path file;

    private SqliteDatabase(Path file) {
        this.file = file;
    }

    static SqliteDatabase create(Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
        } catch (IOException e) {
            throw new StoreUnavailableException("cannot create the directory of " + file + ": " + e.getMessage(), e);
        }
        SqliteDatabase db = new SqliteDatabase(file);
        // A plain connection first: auto_vacuum takes effect only on a new file, before WAL mode
        // or any table is set up on it.
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
            s.execute("PRAGMA auto_vacuum = INCREMENTAL");
            for (String ddl : SCHEMA) {
                s.execute(ddl);
            }
            // WAL mode is a property of the file: readers see it without setting it.
            s.execute("PRAGMA journal_mode = WAL");
        } catch (SQLException e) {
            throw new StoreUnavailableException("cannot open " + file + ": " + e.getMessage(), e);
        }
        return db;
    }

    Path file() {
        return file;
    }

    /** The one connection that writes. */
    Connection openWriter() throws SQLException {
        SQLiteConfig config = common();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
        Connection c = config.createConnection("jdbc:sqlite:" + file);
        try (Statement s = c.createStatement()) {
            // Truncate the WAL back to this size after each checkpoint, so it cannot stay large.
            s.execute("PRAGMA journal_size_limit = 16777216");
        }
        return c;
    }

    /** A connection for reads; many may be open beside the writer. */
    Connection openReader() throws SQLException {
        SQLiteConfig config = common();
        config.setReadOnly(true);
        return config.createConnection("jdbc:sqlite:" + file);
    }

    private static SQLiteConfig common() {
        SQLiteConfig config = new SQLiteConfig();
        config.setBusyTimeout(10_000);
        config.enforceForeignKeys(false);
        return config;
    }
}
