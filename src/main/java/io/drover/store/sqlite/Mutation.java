package io.drover.store.sqlite;

import io.drover.store.WatchEvent;
import java.util.concurrent.CompletableFuture;

/**
 * One write waiting for the writer thread: what to do to which key, and where its outcome goes. The
 * outcome is the change it made, as watchers will see it.
 */
record Mutation(Kind kind, String key, byte[] value, long expectedModRevision, CompletableFuture<WatchEvent> outcome) {

    enum Kind {
        /** Write the key if it does not exist. */
        CREATE,
        /** Write the key if its newest version is the expected one. */
        UPDATE,
        /** Delete the key if its newest version is the expected one. */
        DELETE
    }

    static Mutation create(String key, byte[] value) {
        return new Mutation(Kind.CREATE, key, value, 0, new CompletableFuture<>());
    }

    static Mutation update(String key, byte[] value, long expectedModRevision) {
        return new Mutation(Kind.UPDATE, key, value, expectedModRevision, new CompletableFuture<>());
    }

    static Mutation delete(String key, long expectedModRevision) {
        return new Mutation(Kind.DELETE, key, new byte[0], expectedModRevision, new CompletableFuture<>());
    }
}
