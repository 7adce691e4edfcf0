package io.drover.store.sqlite;

import io.drover.store.Store;
import io.drover.store.StoreContractTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** The store contract on a real SQLite file in a temporary directory. */
class SqliteStoreIT extends StoreContractTest {
    private Path dir;

    @Override
    protected Store openStore() throws Exception {
        dir = Files.createTempDirectory("drover-sqlite-it");
        return SqliteStore.open(dir.resolve("state.db"));
    }

    @Override
    protected void cleanUp() throws Exception {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
