package io.drover.controller;

import io.drover.api.resource.ResourceRegistry;
import io.drover.api.resource.ResourceType;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Kubernetes' garbage collector over ownerReferences: a dependent whose owners are all gone is
 * deleted; an owner deleted in the foreground keeps its "foregroundDeletion" finalizer until its
 * dependents are gone; an owner deleted with the orphan policy first strips itself from its
 * dependents' ownerReferences. Keys are uids; the {@link OwnerGraph} says who depends on whom.
 */
final class GarbageCollector implements Reconciler {
    static final String FOREGROUND = "foregroundDeletion";
    static final String ORPHAN = "orphan";
    private static final Duration RECHECK = Duration.ofMillis(500);

    private final KubernetesClient client;
    private final OwnerGraph graph;
    private final ResourceRegistry registry;

    GarbageCollector(KubernetesClient client, OwnerGraph graph, ResourceRegistry registry) {
        this.client = client;
        this.graph = graph;
        this.registry = registry;
    }

    @Override
    public Result reconcile(String uid) {
        OwnerGraph.Node node = graph.get(uid);
        if (node == null) {
            return Result.done();
        }
        if (node.deleting() && node.finalizers().contains(ORPHAN)) {
            for (OwnerGraph.Node dependent : graph.dependentsOf(uid)) {
                resource(dependent).edit(r -> {
                    r.getMetadata().getOwnerReferences().removeIf(o -> uid.equals(o.getUid()));
                    return r;
                });
            }
            removeFinalizer(node, ORPHAN);
            return Result.done();
        }
        if (node.deleting() && node.finalizers().contains(FOREGROUND)) {
            List<OwnerGraph.Node> dependents = graph.dependentsOf(uid);
            if (!dependents.isEmpty()) {
                for (OwnerGraph.Node dependent : dependents) {
                    if (!dependent.deleting()) {
                        delete(dependent, DeletionPropagation.FOREGROUND);
                    }
                }
                return Result.requeueAfter(RECHECK);
            }
            removeFinalizer(node, FOREGROUND);
            return Result.done();
        }
        if (!node.owners().isEmpty()) {
            collectIfOrphaned(node);
        }
        return Result.done();
    }

    /**
     * Deletes a dependent whose owners are all gone; drops references to the owners that are. A
     * reference the collector cannot judge leaves the dependent alone, as attemptToDeleteItem
     * stops at it: an owner of a kind this server does not serve (kube-controller-manager retries
     * such a restMappingError for ever, "to prevent objects having references to an old resource
     * from being deleted during a cluster upgrade"), or a namespaced owner of a cluster-scoped
     * object (namespacedOwnerOfClusterScopedObjectErr: invalid, and never collected).
     */
    private void collectIfOrphaned(OwnerGraph.Node node) {
        List<String> absent = new ArrayList<>();
        for (OwnerReference owner : node.owners()) {
            switch (owner(node, owner)) {
                case ABSENT -> absent.add(owner.getUid());
                case UNJUDGED -> {
                    return;
                }
                case PRESENT -> { }
            }
        }
        if (absent.isEmpty()) {
            return;
        }
        if (absent.size() == node.owners().size()) {
            delete(node, DeletionPropagation.BACKGROUND);
        } else {
            resource(node).edit(r -> {
                r.getMetadata().getOwnerReferences().removeIf(o -> absent.contains(o.getUid()));
                return r;
            });
        }
    }

    /**
     * Whether the owner exists: the object the reference names by kind, name and namespace, with the reference's uid
     * (as kube-controller-manager's isDangling checks it; a uid alone may name another object). Asked of the API
     * server when the cache has not seen the uid yet. Unjudged for an unserved kind or a namespaced owner of a
     * cluster-scoped dependent.
     */
    private OwnerState owner(OwnerGraph.Node node, OwnerReference owner) {
        ResourceType type = registry.findKind(owner.getApiVersion(), owner.getKind()).orElse(null);
        if (type == null || (type.namespaced() && (node.namespace() == null || node.namespace().isEmpty()))) {
            return OwnerState.UNJUDGED;
        }
        OwnerGraph.Node cached = graph.get(owner.getUid());
        if (cached != null) {
            return isNamedBy(cached, owner, node.namespace()) ? OwnerState.PRESENT : OwnerState.ABSENT;
        }
        var op = client.genericKubernetesResources(ApiClients.context(type));
        GenericKubernetesResource live = type.namespaced()
                ? op.inNamespace(node.namespace()).withName(owner.getName()).get()
                : op.withName(owner.getName()).get();
        return live != null && owner.getUid().equals(live.getMetadata().getUid()) ? OwnerState.PRESENT
                : OwnerState.ABSENT;
    }

    /** What the collector makes of one ownerReference (isDangling's answers). */
    private enum OwnerState { PRESENT, ABSENT, UNJUDGED }

    /** Whether {@code reference}, held by an object in {@code namespace}, names {@code owner}. */
    private static boolean isNamedBy(OwnerGraph.Node owner, OwnerReference reference, String namespace) {
        String apiVersion = reference.getApiVersion() == null ? "" : reference.getApiVersion();
        String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
        return owner.type().kind().equals(reference.getKind()) && owner.type().group().equals(group)
                && owner.name().equals(reference.getName())
                && (!owner.type().namespaced() || Objects.equals(owner.namespace(), namespace));
    }

    private void delete(OwnerGraph.Node node, DeletionPropagation propagation) {
        try {
            resource(node).withPropagationPolicy(propagation).delete();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) {
                throw e;
            }
        }
    }

    private void removeFinalizer(OwnerGraph.Node node, String finalizer) {
        resource(node).edit(r -> {
            r.getMetadata().getFinalizers().remove(finalizer);
            return r;
        });
    }

    private Resource<GenericKubernetesResource> resource(OwnerGraph.Node node) {
        var op = client.genericKubernetesResources(ApiClients.context(node.type()));
        return node.type().namespaced() ? op.inNamespace(node.namespace()).withName(node.name())
                : op.withName(node.name());
    }
}
