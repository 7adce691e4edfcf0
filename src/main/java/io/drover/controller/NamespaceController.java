package io.drover.controller;

import io.drover.api.resource.ResourceRegistry;
import io.drover.api.resource.ResourceType;
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
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Empties a namespace that is being deleted, then releases its "kubernetes" finalizer so the API
 * server removes it, as Kubernetes' namespace controller does; while content remains, the namespace's
 * conditions say what (resource and count) and which finalizers hold it, for {@code kubectl describe}.
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
        if (!remainingByResource.isEmpty()) {
            reportRemaining(ns, remainingByResource, remainingByFinalizer);
            return Result.requeueAfter(RECHECK);
        }
        List<String> finalizers = ns.getSpec() == null ? List.of() : ns.getSpec().getFinalizers();
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
     * The deleter's conditions (status_condition_utils.go): what content remains, and which finalizers hold it; the
     * other three say discovery, parsing and deletion went well. Written only when they change.
     */
    private void reportRemaining(Namespace ns, Map<String, Integer> byResource, Map<String, Integer> byFinalizer) {
        List<NamespaceCondition> wanted = new ArrayList<>();
        wanted.add(condition("NamespaceDeletionDiscoveryFailure", "False", "ResourcesDiscovered",
                "All resources successfully discovered"));
        wanted.add(condition("NamespaceDeletionGroupVersionParsingFailure", "False", "ParsedGroupVersions",
                "All legacy kube types successfully parsed"));
        wanted.add(condition("NamespaceDeletionContentFailure", "False", "ContentDeleted",
                "All content successfully deleted, may be waiting on finalization"));
        List<String> resources = new ArrayList<>();
        byResource.forEach((resource, n) -> resources.add(resource + " has " + n + " resource instances"));
        wanted.add(condition("NamespaceContentRemaining", "True", "SomeResourcesRemain",
                "Some resources are remaining: " + String.join(", ", resources)));
        if (byFinalizer.isEmpty()) {
            wanted.add(condition("NamespaceFinalizersRemaining", "False", "ContentHasNoFinalizers",
                    "All content-preserving finalizers finished"));
        } else {
            List<String> finalizers = new ArrayList<>();
            byFinalizer.forEach((finalizer, n) -> finalizers.add(finalizer + " in " + n + " resource instances"));
            wanted.add(condition("NamespaceFinalizersRemaining", "True", "SomeFinalizersRemain",
                    "Some content in the namespace has finalizers remaining: " + String.join(", ", finalizers)));
        }
        List<NamespaceCondition> current = ns.getStatus() == null || ns.getStatus().getConditions() == null
                ? List.of() : ns.getStatus().getConditions();
        if (sameConditions(current, wanted)) {
            return;
        }
        String now = clock.instant().truncatedTo(ChronoUnit.SECONDS).toString();
        for (NamespaceCondition c : wanted) {
            // A condition keeps its transition time while its status stays.
            c.setLastTransitionTime(current.stream().filter(o -> o.getType().equals(c.getType())
                    && o.getStatus().equals(c.getStatus())).map(NamespaceCondition::getLastTransitionTime)
                    .findFirst().orElse(now));
        }
        try {
            client.namespaces().withName(ns.getMetadata().getName()).editStatus(n -> {
                n.getStatus().setConditions(wanted);
                return n;
            });
        } catch (KubernetesClientException e) {
            // the next pass writes them
        }
    }

    private static NamespaceCondition condition(String type, String status, String reason, String message) {
        return new NamespaceConditionBuilder().withType(type).withStatus(status).withReason(reason)
                .withMessage(message).build();
    }

    private static boolean sameConditions(List<NamespaceCondition> current, List<NamespaceCondition> wanted) {
        return current.size() == wanted.size() && wanted.stream().allMatch(w -> current.stream().anyMatch(c ->
                w.getType().equals(c.getType()) && w.getStatus().equals(c.getStatus())
                        && w.getReason().equals(c.getReason()) && w.getMessage().equals(c.getMessage())));
    }
}
