package io.drover.controller;

import io.drover.api.resource.ResourceRegistry;
import io.drover.api.resource.ResourceType;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Empties a namespace that is being deleted, then releases its "kubernetes" finalizer so the API
 * server removes it, as Kubernetes' namespace controller does.
 */
final class NamespaceController implements Reconciler {
    static final String FINALIZER = "kubernetes";
    private static final Duration RECHECK = Duration.ofMillis(500);

    private final KubernetesClient client;
    private final SharedIndexInformer<Namespace> namespaces;
    private final List<ResourceType> namespacedTypes;

    NamespaceController(KubernetesClient client, SharedIndexInformer<Namespace> namespaces, ResourceRegistry registry) {
        this.client = client;
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
        boolean remaining = false;
        for (ResourceType type : namespacedTypes) {
            List<GenericKubernetesResource> items = client.genericKubernetesResources(ApiClients.context(type))
                    .inNamespace(name).list().getItems();
            if (!items.isEmpty()) {
                remaining = true;
                client.genericKubernetesResources(ApiClients.context(type)).inNamespace(name).delete();
            }
        }
        if (remaining) {
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
}
