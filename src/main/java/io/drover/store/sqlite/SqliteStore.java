package io.drover.store.sqlite;

import io.drover.store.Store;

/** Placeholder until the backend lands; replaced in the next commits. */
public final class SqliteStore {
    private SqliteStore() {}

    public static Store open(java.nio.file.Path file) {
        throw new UnsupportedOperationException("not yet built");
    }
}
