package io.drover.controller;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.StatusCause;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Keeps the ConfigMap {@code kube-root-ca.crt} in every active namespace, holding the CA bundle that
 * verifies the API server, as kube-controller-manager's root-ca-cert-publisher does. Workloads and
 * tools look for it under that name; a changed or deleted copy is put back.
 */
final class RootCaPublisher implements Reconciler {
    static final String NAME = "kube-root-ca.crt";
    static final String CA_KEY = "ca.crt";
    static final String DESCRIPTION_ANNOTATION = "kubernetes.io/description";
    static final String DESCRIPTION = "Contains a CA bundle that can be used to verify the kube-apiserver when using"
            + " internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is"
            + " guaranteed across distributions of Kubernetes clusters.";
    private static final String NAMESPACE_TERMINATING_CAUSE = "NamespaceTerminating";

    private final KubernetesClient client;
    private final SharedIndexInformer<Namespace> namespaces;
    /** Only the ConfigMaps of this name: the publisher has no business with every other one. */
    private final SharedIndexInformer<ConfigMap> published;
    private final Map<String, String> data;

    RootCaPublisher(KubernetesClient client, SharedIndexInformer<Namespace> namespaces,
            SharedIndexInformer<ConfigMap> published, String caCertificatePem) {
        this.client = client;
        this.namespaces = namespaces;
        this.published = published;
        this.data = Map.of(CA_KEY, Objects.requireNonNull(caCertificatePem, "caCertificatePem"));
    }

    @Override
    public Result reconcile(String namespace) {
        Namespace ns = namespaces.getStore().getByKey(namespace);
        if (ns == null || ns.getMetadata().getDeletionTimestamp() != null) {
            return Result.done();
        }
        ConfigMap current = published.getStore().getByKey(namespace + "/" + NAME);
        if (current == null) {
            create(namespace);
            return Result.done();
        }
        Map<String, String> annotations = current.getMetadata().getAnnotations();
        String description = annotations == null ? null : annotations.get(DESCRIPTION_ANNOTATION);
        if (data.equals(current.getData()) && description != null && !description.isEmpty()) {
            return Result.done();
        }
        // Only the data and the one annotation are the publisher's; other metadata stays the user's.
        ConfigMap restored = new ConfigMapBuilder(current).withData(data).build();
        Map<String, String> merged = annotations == null ? new HashMap<>() : new HashMap<>(annotations);
        merged.put(DESCRIPTION_ANNOTATION, DESCRIPTION);
        restored.getMetadata().setAnnotations(merged);
        client.configMaps().inNamespace(namespace).resource(restored).update();
        return Result.done();
    }

    private void create(String namespace) {
        ConfigMap configMap = new ConfigMapBuilder()
                .withNewMetadata().withName(NAME).addToAnnotations(DESCRIPTION_ANNOTATION, DESCRIPTION).endMetadata()
                .withData(data)
                .build();
        try {
            client.configMaps().inNamespace(namespace).resource(configMap).create();
        } catch (KubernetesClientException e) {
            // A namespace gone or going: nothing to publish into, as kube's publisher gives up there.
            if (e.getCode() != 404 && !terminating(e)) {
                throw e;
            }
        }
    }

    private static boolean terminating(KubernetesClientException e) {
        if (e.getStatus() == null || e.getStatus().getDetails() == null) {
            return false;
        }
        List<StatusCause> causes = e.getStatus().getDetails().getCauses();
        return causes != null && causes.stream().anyMatch(cause -> NAMESPACE_TERMINATING_CAUSE.equals(cause.getReason()));
    }
}
