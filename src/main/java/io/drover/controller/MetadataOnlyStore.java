package io.drover.controller;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The garbage collector's informer cache, one per resource type: per object only what addresses
 * it (namespace, name, uid, resourceVersion; the type's apiVersion and kind once), not the object.
 * The collector keeps what it judges owners by in its {@link OwnerGraph} and reads objects back
 * from the API, so the whole objects an informer caches by default (every ConfigMap, Secret and
 * Event in the cluster, a second time) were only old-gen heap for G1 to copy and mark; Kubernetes'
 * collector watches metadata only for the same reason.
 *
 * <p>Objects handed back (an update's old state, a relist's deletion) carry that metadata alone,
 * which is all the collector's event handlers read from them.
 */
final class MetadataOnlyStore implements ItemStore<GenericKubernetesResource> {
    private record Kept(String namespace, String name, String uid, String resourceVersion) {}

    private final String apiVersion;
    private final String kind;
    private final ConcurrentHashMap<String, Kept> items = new ConcurrentHashMap<>();

    /**
     * A store for one resource type's informer. Its objects are handed back with this apiVersion
     * and kind: each watch event decodes them as new strings, which kept per object were two of
     * the seven strings the store held for every object in the cluster.
     */
    MetadataOnlyStore(String apiVersion, String kind) {
        this.apiVersion = apiVersion;
        this.kind = kind;
    }

    @Override
    public String getKey(GenericKubernetesResource object) {
        return Cache.metaNamespaceKeyFunc(object);
    }

    @Override
    public GenericKubernetesResource put(String key, GenericKubernetesResource object) {
        var meta = object.getMetadata();
        return restore(items.put(key, new Kept(meta.getNamespace(), meta.getName(), meta.getUid(),
                meta.getResourceVersion())));
    }

    @Override
    public GenericKubernetesResource remove(String key) {
        return restore(items.remove(key));
    }

    @Override
    public Stream<String> keySet() {
        return items.keySet().stream();
    }

    @Override
    public Stream<GenericKubernetesResource> values() {
        return items.values().stream().map(this::restore);
    }

    @Override
    public int size() {
        return items.size();
    }

    @Override
    public GenericKubernetesResource get(String key) {
        return restore(items.get(key));
    }

    /** Objects from this store are not whole, so the informer must not treat them as the objects' state. */
    @Override
    public boolean isFullState() {
        return false;
    }

    private GenericKubernetesResource restore(Kept kept) {
        if (kept == null) {
            return null;
        }
        GenericKubernetesResource object = new GenericKubernetesResource();
        object.setApiVersion(apiVersion);
        object.setKind(kind);
        object.setMetadata(new ObjectMetaBuilder().withNamespace(kept.namespace()).withName(kept.name())
                .withUid(kept.uid()).withResourceVersion(kept.resourceVersion()).build());
        return object;
    }
}
