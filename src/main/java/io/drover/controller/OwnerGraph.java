package io.drover.controller;

import io.drover.api.resource.ResourceType;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.OwnerReference;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every object the garbage collector knows, by uid, with the reverse index from an owner's uid to
 * its dependents' uids. Fed by the informers; read by the reconciler.
 */
final class OwnerGraph {

    /** One object: enough to address it and to judge its owners. */
    record Node(String uid, ResourceType type, String namespace, String name, List<OwnerReference> owners,
            boolean deleting, List<String> finalizers) {}

    private final Map<String, Node> nodes = new HashMap<>();
    private final Map<String, Set<String>> dependents = new HashMap<>();

    /** Records an object; returns the uids whose state may have changed because of it. */
    synchronized Set<String> upsert(ResourceType type, GenericKubernetesResource object) {
        var meta = object.getMetadata();
        Node node = new Node(meta.getUid(), type, meta.getNamespace(), meta.getName(),
                List.copyOf(meta.getOwnerReferences()), meta.getDeletionTimestamp() != null,
                List.copyOf(meta.getFinalizers()));
        Node old = nodes.put(node.uid(), node);
        if (old != null) {
            old.owners().forEach(o -> unlink(o.getUid(), old.uid()));
        }
        node.owners().forEach(o -> dependents.computeIfAbsent(o.getUid(), k -> new HashSet<>()).add(node.uid()));
        return affected(node);
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
}
