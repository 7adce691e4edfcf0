package io.drover.testing;

import io.drover.store.sqlite.SqliteStore;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real SQLite store in a temporary directory for each test, for unit tests of the layers above
 * the store: register it as an instance field ({@code @RegisterExtension}); it is open in the
 * test's {@code @BeforeEach} methods, and closed and removed after the test.
 */
public final class TempSqliteStore implements BeforeEachCallback, AfterEachCallback {
    private final String prefix;
    private Path dir;
    private SqliteStore store;

    public TempSqliteStore(String prefix) {
        this.prefix = prefix;
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        dir = TempDirs.create(prefix);
        store = SqliteStore.open(dir.resolve("state.db"));
    }

    public SqliteStore store() {
        return store;
    }

    @Override
    public void afterEach(ExtensionContext context) {
        try {
            if (store != null) {
                store.close();
            }
        } finally {
            TempDirs.delete(dir);
            store = null;
        }
    }
}
