package io.drover.store.etcd;

import io.drover.store.Store;

/** Placeholder until the backend lands; replaced in the next commits. */
public final class EtcdStore {
    private EtcdStore() {}

    public static Store connect(java.util.List<java.net.URI> endpoints) {
        throw new UnsupportedOperationException("not yet built");
    }
}
