package io.drover.testing;

import io.drover.store.sqlite.SqliteStore;
import java.nio.file.Path;

/**
 * A real SQLite store in a temporary directory, for unit tests of the layers above the store.
 * Closing it closes the store and removes the directory.
 */
public final class TempSqliteStore implements AutoCloseable {
    private final Path dir;
    private final SqliteStore store;

    private TempSqliteStore(Path dir) {
        this.dir = dir;
        this.store = SqliteStore.open(dir.resolve("state.db"));
    }

    public static TempSqliteStore open(String prefix) {
        return new TempSqliteStore(TempDirs.create(prefix));
    }

    public SqliteStore store() {
        return store;
    }

    @Override
    public void close() {
        try {
            store.close();
        } finally {
            TempDirs.delete(dir);
        }
    }
}
