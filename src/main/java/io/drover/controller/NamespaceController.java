package io.drover.controller;

import io.drover.api.resource.ResourceRegistry;
import io.drover.api.resource.ResourceType;
import io.drover.json.MetaTime;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.NamespaceCondition;
import io.fabric8.kubernetes.api.model.NamespaceConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Empties a namespace that is being deleted, then releases its "kubernetes" finalizer so the API
 * server removes it, as Kubernetes' namespace controller does; at each pass until the namespace is finalized, the
 * namespace's five deletion conditions say what content remains (resource and count) and which finalizers hold it,
 * or that none does, for {@code kubectl describe}.
 */
final class NamespaceController implements Reconciler {
    static final String FINALIZER = "kubernetes";
    private static final Duration RECHECK = Duration.ofMillis(500);

    private final KubernetesClient client;
    private final SharedIndexInformer<Namespace> namespaces;
    private final List<ResourceType> namespacedTypes;
    private final Clock clock;

    NamespaceController(KubernetesClient client, SharedIndexInformer<Namespace> namespaces, ResourceRegistry registry,
            Clock clock) {
        this.client = client;
        this.clock = clock;
        this.namespaces = namespaces;
        // One version per stored resource is enough to find every object.
        Map<String, ResourceType> byStorage = new LinkedHashMap<>();
        for (ResourceType t : registry.all()) {
            if (t.namespaced()) {
                byStorage.putIfAbsent(t.storageResource(), t);
            }
        }
        this.namespacedTypes = new ArrayList<>(byStorage.values());
    }

    @Override
    public Result reconcile(String name) {
        Namespace ns = namespaces.getStore().getByKey(name);
        if (ns == null || ns.getMetadata().getDeletionTimestamp() == null) {
            return Result.done();
        }
        List<String> finalizers = ns.getSpec() == null || ns.getSpec().getFinalizers() == null ? List.of()
                : ns.getSpec().getFinalizers();
        if (finalizers.isEmpty()) {
            // finalized: what holds it now is its metadata finalizers, none of the deleter's business
            return Result.done();
        }
        Map<String, Integer> remainingByResource = new TreeMap<>();
        Map<String, Integer> remainingByFinalizer = new TreeMap<>();
        for (ResourceType type : namespacedTypes) {
            var resources = client.genericKubernetesResources(ApiClients.context(type)).inNamespace(name);
            if (resources.list().getItems().isEmpty()) {
                continue;
            }
            resources.delete();
            // What the deletion left (finalizers, graceful deletions) is what the namespace waits for.
            List<GenericKubernetesResource> left = resources.list().getItems();
            if (!left.isEmpty()) {
                remainingByResource.put(type.plural() + "." + type.group(), left.size());
                for (GenericKubernetesResource item : left) {
                    for (String finalizer : item.getMetadata().getFinalizers()) {
                        remainingByFinalizer.merge(finalizer, 1, Integer::sum);
                    }
                }
            }
        }
        // Every pass, as deleteAllContent: a condition that said "remaining" says "removed" once it is so.
        ns = updateConditions(ns, remainingByResource, remainingByFinalizer);
        if (!remainingByResource.isEmpty()) {
            return Result.requeueAfter(RECHECK);
        }
        if (finalizers.contains(FINALIZER)) {
            // spec.finalizers change only through the finalize subresource (an update of the namespace keeps
            // them), and its resourceVersion makes this a conflict if the namespace changed since it was read.
            Namespace released = new NamespaceBuilder(ns).editOrNewSpec().removeFromFinalizers(FINALIZER).endSpec()
                    .build();
            client.raw("/api/v1/namespaces/" + name + "/finalize", "PUT", released);
        }
        return Result.done();
    }

    /**
     * The deleter's five conditions (status_condition_utils.go): what content remains and which finalizers hold it,
     * each False with its success reason once nothing does; discovery, parsing and deletion went well. Merged into
     * the namespace's conditions as updateConditions merges them (a condition's transition time moves only with its
     * status) and written only when one changed.
     */
    /**
     * @return the namespace as it now is: the one written, whose resourceVersion the finalize that may follow must
     *     carry (the cached one's would be a conflict)
     */
    private Namespace updateConditions(Namespace ns, Map<String, Integer> byResource, Map<String, Integer> byFinalizer) {
        List<NamespaceCondition> wanted = new ArrayList<>();
        wanted.add(condition("NamespaceDeletionDiscoveryFailure", "False", "ResourcesDiscovered",
                "All resources successfully discovered"));
        wanted.add(condition("NamespaceDeletionGroupVersionParsingFailure", "False", "ParsedGroupVersions",
                "All legacy kube types successfully parsed"));
        wanted.add(condition("NamespaceDeletionContentFailure", "False", "ContentDeleted",
                "All content successfully deleted, may be waiting on finalization"));
        if (byResource.isEmpty()) {
            wanted.add(condition("NamespaceContentRemaining", "False", "ContentRemoved",
                    "All content successfully removed"));
        } else {
            List<String> resources = new ArrayList<>();
            byResource.forEach((resource, n) -> resources.add(resource + " has " + n + " resource instances"));
            wanted.add(condition("NamespaceContentRemaining", "True", "SomeResourcesRemain",
                    "Some resources are remaining: " + String.join(", ", resources)));
        }
        if (byFinalizer.isEmpty()) {
            wanted.add(condition("NamespaceFinalizersRemaining", "False", "ContentHasNoFinalizers",
                    "All content-preserving finalizers finished"));
        } else {
            List<String> finalizers = new ArrayList<>();
            byFinalizer.forEach((finalizer, n) -> finalizers.add(finalizer + " in " + n + " resource instances"));
            wanted.add(condition("NamespaceFinalizersRemaining", "True", "SomeFinalizersRemain",
                    "Some content in the namespace has finalizers remaining: " + String.join(", ", finalizers)));
        }
        String now = MetaTime.now(clock);
        if (merged(ns, wanted, now) == null) {
            return ns;
        }
        try {
            return client.namespaces().withName(ns.getMetadata().getName()).editStatus(n -> {
                List<NamespaceCondition> conditions = merged(n, wanted, now);
                if (conditions != null) {
                    n.getStatus().setConditions(conditions);
                }
                return n;
            });
        } catch (KubernetesClientException e) {
            return ns; // the next pass writes them
        }
    }

    /** The namespace's conditions with {@code wanted} merged in, or null when that changes none of them. */
    private static List<NamespaceCondition> merged(Namespace ns, List<NamespaceCondition> wanted, String now) {
        List<NamespaceCondition> conditions = new ArrayList<>();
        if (ns.getStatus() != null && ns.getStatus().getConditions() != null) {
            ns.getStatus().getConditions().forEach(c -> conditions.add(new NamespaceConditionBuilder(c).build()));
        }
        boolean changed = false;
        for (NamespaceCondition w : wanted) {
            NamespaceCondition old = conditions.stream().filter(c -> w.getType().equals(c.getType())).findFirst()
                    .orElse(null);
            if (old == null) {
                conditions.add(new NamespaceConditionBuilder(w).withLastTransitionTime(now).build());
                changed = true;
            } else if (!w.getStatus().equals(old.getStatus()) || !w.getReason().equals(old.getReason())
                    || !w.getMessage().equals(old.getMessage())) {
                if (!w.getStatus().equals(old.getStatus())) {
                    old.setLastTransitionTime(now);
                }
                old.setStatus(w.getStatus());
                old.setReason(w.getReason());
                old.setMessage(w.getMessage());
                changed = true;
            }
        }
        return changed ? conditions : null;
    }

    private static NamespaceCondition condition(String type, String status, String reason, String message) {
        return new NamespaceConditionBuilder().withType(type).withStatus(status).withReason(reason)
                .withMessage(message).build();
    }
}
