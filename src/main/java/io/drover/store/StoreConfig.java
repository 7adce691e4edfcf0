package io.drover.store;

import io.drover.store.etcd.EtcdStore;
import io.drover.store.sqlite.SqliteStore;
import java.net.URI;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Which backend holds the cluster state: the embedded SQLite database in the data dir (the default)
 * or an etcd cluster named by {@code --datastore-endpoint}, in which case no cluster state lives in
 * the data dir.
 */
public sealed interface StoreConfig {

    /** The SQLite file name inside the data dir. */
    String SQLITE_FILE = "state.db";

    record Sqlite(Path file) implements StoreConfig {
        @Override
        public Store open() {
            return SqliteStore.open(file);
        }

        @Override
        public String describe() {
            return "sqlite " + file;
        }
    }

    record Etcd(List<URI> endpoints) implements StoreConfig {
        public Etcd {
            endpoints = List.copyOf(endpoints);
        }

        @Override
        public Store open() {
            return EtcdStore.connect(endpoints);
        }

        @Override
        public String describe() {
            return "etcd " + endpoints;
        }
    }

    Store open();

    /** One line naming the backend and where its data is, for logs. */
    String describe();

    /**
     * The configuration for a data dir and an optional {@code --datastore-endpoint} value.
     *
     * @throws IllegalArgumentException when an endpoint is not an http(s)://host:port URL
     */
    static StoreConfig of(Path dataDir, String datastoreEndpoint) {
        if (datastoreEndpoint == null || datastoreEndpoint.isBlank()) {
            return new Sqlite(dataDir.resolve(SQLITE_FILE));
        }
        return new Etcd(Arrays.stream(datastoreEndpoint.split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .map(StoreConfig::parseEndpoint)
                .toList());
    }

    private static URI parseEndpoint(String endpoint) {
        URI uri;
        try {
            uri = URI.create(endpoint);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--datastore-endpoint: " + endpoint + " is not a URL", e);
        }
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
                || uri.getHost() == null
                || uri.getPort() <= 0) {
            throw new IllegalArgumentException(
                    "--datastore-endpoint: " + endpoint + " (expected: http://host:port)");
        }
        return uri;
    }
}
