package io.drover.api.storage;

import com.fasterxml.jackson.databind.JsonNode;
import io.drover.store.KeyValue;
import io.drover.store.RangeOptions;
import io.drover.store.RangeResult;
import io.drover.store.Store;
import io.drover.store.StoreException;
import io.drover.store.WatchEvent;
import io.drover.store.WatchListener;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The namespaces that exist and are not being deleted, as a store watch on namespaces last told,
 * so that a create checks its namespace without reading it from the store (Kubernetes'
 * NamespaceLifecycle admission reads an informer the same way). Only "active" is trusted: a
 * namespace not seen yet (created a moment ago), one being deleted, or any namespace while the
 * watch is not running is left to the caller's read of the store, which answers 404 or 403 exactly.
 * A stale "active" lasts as long as the watch lags behind a namespace's deletion, as in Kubernetes;
 * the namespace controller removes what was created in that window.
 *
 * <p>The watch starts at the first question and starts again, from a new range, at the first
 * question after it ended (a closed store, a lost etcd connection, a compacted revision).
 */
final class ActiveNamespaces {
    private static final String PREFIX = "/registry/namespaces/";

    private final Store store;
    private final ObjectCodec codec;
    /** Namespace name to whether it is active (exists, no deletionTimestamp). */
    private final Map<String, Boolean> namespaces = new ConcurrentHashMap<>();
    private volatile boolean watching;

    ActiveNamespaces(Store store, ObjectCodec codec) {
        this.store = store;
        this.codec = codec;
    }

    /**
     * Whether the watch has seen {@code namespace} exist and not being deleted. False means
     * "unknown": read the store.
     */
    boolean isActive(String namespace) {
        if (!watching && !startWatching()) {
            return false;
        }
        return watching && Boolean.TRUE.equals(namespaces.get(namespace));
    }

    /** Lists the namespaces and watches from that revision on; false when the store refused. */
    private synchronized boolean startWatching() {
        if (watching) {
            return true;
        }
        try {
            RangeResult all = store.range(PREFIX, RangeOptions.all());
            namespaces.clear();
            for (KeyValue kv : all.kvs()) {
                record(kv);
            }
            watching = true;
            store.watch(PREFIX, all.revision(), new Listener());
            return true;
        } catch (StoreException e) {
            watching = false;
            return false;
        }
    }

    private void record(KeyValue kv) {
        JsonNode object = codec.decode(kv);
        namespaces.put(kv.key().substring(PREFIX.length()),
                !object.path("metadata").hasNonNull("deletionTimestamp"));
    }

    private final class Listener implements WatchListener {
        @Override
        public void onEvents(List<WatchEvent> events) {
            for (WatchEvent e : events) {
                if (e.type() == WatchEvent.Type.DELETE) {
                    namespaces.remove(e.current().key().substring(PREFIX.length()));
                } else {
                    record(e.current());
                }
            }
        }

        @Override
        public void onClose(StoreException cause) {
            // Nothing is trusted until a new range and watch: the next question starts them.
            watching = false;
        }
    }
}
