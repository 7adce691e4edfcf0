package io.drover.controller;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

/** Keeps a "default" ServiceAccount in every active namespace, as Kubernetes does. */
final class ServiceAccountController implements Reconciler {
    static final String DEFAULT = "default";

    private final KubernetesClient client;
    private final SharedIndexInformer<Namespace> namespaces;

    ServiceAccountController(KubernetesClient client, SharedIndexInformer<Namespace> namespaces) {
        this.client = client;
        this.namespaces = namespaces;
    }

    @Override
    public Result reconcile(String namespace) {
        Namespace ns = namespaces.getStore().getByKey(namespace);
        if (ns == null || ns.getMetadata().getDeletionTimestamp() != null) {
            return Result.done();
        }
        if (client.serviceAccounts().inNamespace(namespace).withName(DEFAULT).get() == null) {
            try {
                client.serviceAccounts().inNamespace(namespace).resource(new ServiceAccountBuilder()
                        .withNewMetadata().withName(DEFAULT).endMetadata().build()).create();
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409) {
                    throw e;
                }
            }
        }
        return Result.done();
    }
}
