package io.drover.controller;

import io.drover.api.resource.ResourceType;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.OwnerReference;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Every object the garbage collector knows, by uid, with the reverse index from an owner's uid to
 * its dependents' uids. Fed by the informers; read by the reconciler.
 */
final class OwnerGraph {

    /** One object: enough to address it and to judge its owners. */
    record Node(String uid, ResourceType type, String namespace, String name, List<OwnerReference> owners,
            boolean deleting, List<String> finalizers) {

        /** Being deleted in the foreground: waiting for its blocking dependents (kube's isDeletingDependents). */
        boolean deletingDependents() {
            return deleting && finalizers.contains(GarbageCollector.FOREGROUND);
        }

        /** The namespace, "" for a cluster-scoped object. */
        String namespaceOrEmpty() {
            return namespace == null ? "" : namespace;
        }
    }

    /**
     * What a change means to the collector: the uids it may have work on, and the references newly found to name a
     * namespaced owner in another namespace than the dependent's (which kube reports as OwnerRefInvalidNamespace).
     */
    record Changes(Set<String> affected, List<InvalidReference> invalidNamespaces) {}

    /** A dependent's reference to a namespaced owner observed in another namespace. */
    record InvalidReference(Node dependent, OwnerReference reference) {}

    private final Map<String, Node> nodes = new HashMap<>();
    private final Map<String, Set<String>> dependents = new HashMap<>();

    /** Records an object; says which uids may have changed state because of it. */
    synchronized Changes upsert(ResourceType type, GenericKubernetesResource object) {
        var meta = object.getMetadata();
        Node node = new Node(meta.getUid(), type, meta.getNamespace(), meta.getName(),
                List.copyOf(meta.getOwnerReferences()), meta.getDeletionTimestamp() != null,
                List.copyOf(meta.getFinalizers()));
        Node old = nodes.put(node.uid(), node);
        if (old != null) {
            old.owners().forEach(o -> unlink(o.getUid(), old.uid()));
        }
        node.owners().forEach(o -> dependents.computeIfAbsent(o.getUid(), k -> new HashSet<>()).add(node.uid()));
        return new Changes(affected(node), invalidNamespaces(old, node));
    }

    /**
     * The references that name a namespaced owner in another namespace, found as the graph builder finds them: a
     * reference the object gained to an owner already known (addDependentToOwners), and, when an owner is first seen,
     * its known dependents' references to it (an observed identity that their references disagree with).
     */
    private List<InvalidReference> invalidNamespaces(Node old, Node node) {
        List<InvalidReference> invalid = new ArrayList<>();
        Set<String> known = new HashSet<>();
        if (old != null) {
            old.owners().forEach(o -> known.add(o.getUid()));
        }
        for (OwnerReference reference : node.owners()) {
            Node owner = nodes.get(reference.getUid());
            if (!known.contains(reference.getUid()) && owner != null && inOtherNamespace(owner, node)) {
                invalid.add(new InvalidReference(node, reference));
            }
        }
        if (old == null) {
            for (String uid : dependents.getOrDefault(node.uid(), Set.of())) {
                Node dependent = nodes.get(uid);
                if (dependent != null && inOtherNamespace(node, dependent)) {
                    dependent.owners().stream().filter(o -> node.uid().equals(o.getUid())).findFirst()
                            .ifPresent(reference -> invalid.add(new InvalidReference(dependent, reference)));
                }
            }
        }
        return invalid;
    }

    private static boolean inOtherNamespace(Node owner, Node dependent) {
        return !owner.namespaceOrEmpty().isEmpty()
                && !Objects.equals(owner.namespaceOrEmpty(), dependent.namespaceOrEmpty());
    }

    synchronized Set<String> remove(GenericKubernetesResource object) {
        Node old = nodes.remove(object.getMetadata().getUid());
        if (old == null) {
            return Set.of();
        }
        old.owners().forEach(o -> unlink(o.getUid(), old.uid()));
        return affected(old);
    }

    /**
     * The objects around a change that the collector has work on: those with owners (their owners
     * may be gone) and those being deleted (their dependents may be orphaned or waited for).
     * Objects with neither, most of a cluster's ConfigMaps, Secrets and Events, are left out: the
     * collector has nothing to do for them, and queueing each of their changes cost the API server
     * a hand-off per write.
     */
    private Set<String> affected(Node node) {
        Set<String> out = new HashSet<>();
        dependents.getOrDefault(node.uid(), Set.of()).forEach(uid -> addIfCollectable(out, uid));
        addIfCollectable(out, node.uid());
        node.owners().forEach(o -> addIfCollectable(out, o.getUid()));
        return out;
    }

    private void addIfCollectable(Set<String> out, String uid) {
        Node node = nodes.get(uid);
        if (node != null && (!node.owners().isEmpty() || node.deleting())) {
            out.add(uid);
        }
    }

    private void unlink(String owner, String dependent) {
        Set<String> set = dependents.get(owner);
        if (set != null) {
            set.remove(dependent);
            if (set.isEmpty()) {
                dependents.remove(owner);
            }
        }
    }

    synchronized Node get(String uid) {
        return nodes.get(uid);
    }

    synchronized List<Node> dependentsOf(String uid) {
        return dependents.getOrDefault(uid, Set.of()).stream().map(nodes::get).filter(n -> n != null).toList();
    }

    /** The dependents whose reference to {@code uid} has blockOwnerDeletion (kube's blockingDependents). */
    synchronized List<Node> blockingDependentsOf(String uid) {
        return dependentsOf(uid).stream().filter(d -> d.owners().stream()
                .anyMatch(o -> uid.equals(o.getUid()) && Boolean.TRUE.equals(o.getBlockOwnerDeletion()))).toList();
    }
}
