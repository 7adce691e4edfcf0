package io.drover.controller;

import io.drover.api.resource.ResourceRegistry;
import io.drover.api.resource.ResourceType;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Kubernetes' garbage collector over ownerReferences, as kube-controller-manager's attemptToDeleteItem judges an
 * object: its references are solid (the owner exists), dangling (it does not) or waiting (the owner is being deleted
 * in the foreground). A dependent with a solid owner stays and loses its dangling and waiting references; one without
 * is deleted, in the background unless its own finalizers say otherwise, or in the foreground when a waiting owner
 * waits for it and it has dependents of its own (a dependent of it that waits too, an ownership cycle, first has its
 * references made non-blocking, so that neither waits for the other for ever). An owner deleted in the foreground
 * keeps its "foregroundDeletion" finalizer while dependents with blockOwnerDeletion remain; one deleted with the
 * orphan policy first strips itself from its dependents' ownerReferences. Keys are uids; the {@link OwnerGraph} says
 * who depends on whom.
 */
final class GarbageCollector implements Reconciler {
    static final String FOREGROUND = "foregroundDeletion";
    static final String ORPHAN = "orphan";
    /** The source of the collector's Events, as kube's graph builder names it. */
    static final String COMPONENT = "garbage-collector-controller";
    private static final Duration RECHECK = Duration.ofMillis(500);

    private final KubernetesClient client;
    private final OwnerGraph graph;
    private final ResourceRegistry registry;
    private final EventRecorder events;

    GarbageCollector(KubernetesClient client, OwnerGraph graph, ResourceRegistry registry, Clock clock) {
        this.client = client;
        this.graph = graph;
        this.registry = registry;
        this.events = new EventRecorder(client, COMPONENT, null, clock);
    }

    /**
     * reportInvalidNamespaceOwnerRef: a Warning on the dependent whose reference names a namespaced owner that lives
     * in another namespace (such an owner never exists for it: the dependent is collected, or, cluster-scoped, kept).
     */
    void reportInvalidNamespace(OwnerGraph.InvalidReference invalid) {
        OwnerGraph.Node dependent = invalid.dependent();
        OwnerReference reference = invalid.reference();
        GenericKubernetesResource about = new GenericKubernetesResource();
        about.setApiVersion(dependent.type().apiVersion());
        about.setKind(dependent.type().kind());
        about.setMetadata(new ObjectMetaBuilder().withNamespace(dependent.namespace()).withName(dependent.name())
                .withUid(dependent.uid()).build());
        // objectReference.String() of the reference, in the dependent's namespace; the namespace %q-quoted.
        String owner = "[" + reference.getApiVersion() + "/" + reference.getKind() + ", namespace: "
                + dependent.namespaceOrEmpty() + ", name: " + reference.getName() + ", uid: " + reference.getUid() + "]";
        events.warning(about, "OwnerRefInvalidNamespace", "ownerRef " + owner + " does not exist in namespace \""
                + dependent.namespaceOrEmpty() + "\"");
    }

    @Override
    public Result reconcile(String uid) {
        OwnerGraph.Node node = graph.get(uid);
        if (node == null) {
            return Result.done();
        }
        if (node.deleting() && node.finalizers().contains(ORPHAN)) {
            for (OwnerGraph.Node dependent : graph.dependentsOf(uid)) {
                edit(dependent, r -> r.getMetadata().getOwnerReferences().removeIf(o -> uid.equals(o.getUid())));
            }
            removeFinalizer(node, ORPHAN);
            return Result.done();
        }
        if (node.deletingDependents()) {
            return processDeletingDependents(node);
        }
        if (node.deleting()) {
            // A one-way trip: its dependents are judged once it is gone.
            return Result.done();
        }
        if (!node.owners().isEmpty()) {
            attemptToDelete(node);
        }
        return Result.done();
    }

    /**
     * processDeletingDependentsItem: the owner goes once no dependent blocks it (a reference with
     * blockOwnerDeletion); meanwhile each of its dependents is judged, the non-blocking ones too, as the graph builder
     * queues them all when the owner starts waiting.
     */
    private Result processDeletingDependents(OwnerGraph.Node owner) {
        if (graph.blockingDependentsOf(owner.uid()).isEmpty()) {
            removeFinalizer(owner, FOREGROUND);
            return Result.done();
        }
        for (OwnerGraph.Node dependent : graph.dependentsOf(owner.uid())) {
            if (!dependent.deleting()) {
                attemptToDelete(dependent);
            }
        }
        return Result.requeueAfter(RECHECK);
    }

    /**
     * attemptToDeleteItem for an object with owners that is not being deleted. A reference the collector cannot
     * judge leaves the object alone, as attemptToDeleteItem stops at it: an owner of a kind this server does not
     * serve (kube-controller-manager retries such a restMappingError for ever, "to prevent objects having references
     * to an old resource from being deleted during a cluster upgrade"), or a namespaced owner of a cluster-scoped
     * object (namespacedOwnerOfClusterScopedObjectErr: invalid, and never collected).
     */
    private void attemptToDelete(OwnerGraph.Node node) {
        List<String> solid = new ArrayList<>();
        List<String> gone = new ArrayList<>(); // dangling, then waiting for dependents' deletion
        List<String> waiting = new ArrayList<>();
        for (OwnerReference owner : node.owners()) {
            switch (owner(node, owner)) {
                case ABSENT -> gone.add(owner.getUid());
                case WAITING -> waiting.add(owner.getUid());
                case PRESENT -> solid.add(owner.getUid());
                case UNJUDGED -> {
                    return;
                }
            }
        }
        if (!solid.isEmpty()) {
            // A waiting owner would wait for ever for a dependent that another owner keeps: drop the reference.
            gone.addAll(waiting);
            if (!gone.isEmpty()) {
                edit(node, r -> r.getMetadata().getOwnerReferences().removeIf(o -> gone.contains(o.getUid())));
            }
            return;
        }
        if (!waiting.isEmpty() && !graph.dependentsOf(node.uid()).isEmpty()) {
            if (graph.dependentsOf(node.uid()).stream().anyMatch(OwnerGraph.Node::deletingDependents)) {
                unblockOwnerReferences(node);
            }
            delete(node, DeletionPropagation.FOREGROUND);
            return;
        }
        DeletionPropagation policy = node.finalizers().contains(ORPHAN) ? DeletionPropagation.ORPHAN
                : node.finalizers().contains(FOREGROUND) ? DeletionPropagation.FOREGROUND
                : DeletionPropagation.BACKGROUND;
        delete(node, policy);
    }

    /**
     * unblockOwnerReferencesStrategicMergePatch: a possible cycle (an owner waits for this object, which waits for a
     * dependent that waits too) is broken by making this object's references non-blocking.
     */
    private void unblockOwnerReferences(OwnerGraph.Node node) {
        edit(node, r -> r.getMetadata().getOwnerReferences().stream()
                .filter(o -> Boolean.TRUE.equals(o.getBlockOwnerDeletion())).forEach(o -> o.setBlockOwnerDeletion(false)));
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
            return !isNamedBy(cached, owner, node.namespace()) ? OwnerState.ABSENT
                    : cached.deletingDependents() ? OwnerState.WAITING : OwnerState.PRESENT;
        }
        var op = client.genericKubernetesResources(ApiClients.context(type));
        GenericKubernetesResource live = type.namespaced()
                ? op.inNamespace(node.namespace()).withName(owner.getName()).get()
                : op.withName(owner.getName()).get();
        if (live == null || !owner.getUid().equals(live.getMetadata().getUid())) {
            return OwnerState.ABSENT;
        }
        return live.getMetadata().getDeletionTimestamp() != null
                && live.getMetadata().getFinalizers().contains(FOREGROUND) ? OwnerState.WAITING : OwnerState.PRESENT;
    }

    /** What the collector makes of one ownerReference (isDangling's answers, then classifyReferences'). */
    private enum OwnerState {
        /** The owner exists and is not waiting for its dependents: solid. */
        PRESENT,
        /** The owner exists, deleted in the foreground: waitingForDependentsDeletion. */
        WAITING,
        /** No such owner: dangling. */
        ABSENT,
        /** Not to be judged: the object is left alone. */
        UNJUDGED
    }

    /** Whether {@code reference}, held by an object in {@code namespace}, names {@code owner}. */
    private static boolean isNamedBy(OwnerGraph.Node owner, OwnerReference reference, String namespace) {
        String apiVersion = reference.getApiVersion() == null ? "" : reference.getApiVersion();
        String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
        return owner.type().kind().equals(reference.getKind()) && owner.type().group().equals(group)
                && owner.name().equals(reference.getName())
                && (!owner.type().namespaced() || Objects.equals(owner.namespace(), namespace));
    }

    /**
     * Deletes the object the node stands for, with its uid as a precondition as kube's collector deletes: an object
     * made again under the name since the graph saw it (another uid, a 409) is not this node's, and is left alone.
     */
    private void delete(OwnerGraph.Node node, DeletionPropagation propagation) {
        Map<String, Object> options = Map.of("kind", "DeleteOptions", "apiVersion", "v1",
                "propagationPolicy", propagation.toString(), "preconditions", Map.of("uid", node.uid()));
        try {
            client.raw(path(node), "DELETE", options);
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404 && e.getCode() != 409) {
                throw e;
            }
        }
    }

    /** Changes the node's object, unless the object under its name is now another (another uid). */
    private void edit(OwnerGraph.Node node, Consumer<GenericKubernetesResource> change) {
        resource(node).edit(r -> {
            if (node.uid().equals(r.getMetadata().getUid())) {
                change.accept(r);
            }
            return r;
        });
    }

    /** The object's URL path: /api/v1/... for the core group, /apis/GROUP/VERSION/... for the others. */
    private static String path(OwnerGraph.Node node) {
        ResourceType type = node.type();
        String base = type.group().isEmpty() ? "/api/" + type.version() : "/apis/" + type.group() + "/" + type.version();
        String namespace = type.namespaced() ? "/namespaces/" + node.namespace() : "";
        return base + namespace + "/" + type.plural() + "/" + node.name();
    }

    private void removeFinalizer(OwnerGraph.Node node, String finalizer) {
        edit(node, r -> r.getMetadata().getFinalizers().remove(finalizer));
    }

    private Resource<GenericKubernetesResource> resource(OwnerGraph.Node node) {
        var op = client.genericKubernetesResources(ApiClients.context(node.type()));
        return node.type().namespaced() ? op.inNamespace(node.namespace()).withName(node.name())
                : op.withName(node.name());
    }
}
