package io.drover.controller;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.net.HttpURLConnection;
import java.time.Duration;
import java.util.List;

/**
 * kube-apiserver's system namespaces controller: kube-system, kube-public, kube-node-lease and default exist again
 * soon after they are gone. A key is a namespace name; each is looked at when the namespace informer reports it
 * deleted and, as there, every minute (createNamespaceIfNeeded: absent from the cache, it is created; one that
 * exists meanwhile is fine). Without it a deleted kube-node-lease stayed gone, every node agent's Lease heartbeat
 * failed and the nodes went NotReady.
 */
final class SystemNamespaceController implements Reconciler {
    /** The namespaces kept, as kube-apiserver passes them to its controller. */
    static final List<String> NAMESPACES = List.of("kube-system", "kube-public", "kube-node-lease", "default");
    /** kube's interval between two passes. */
    static final Duration INTERVAL = Duration.ofMinutes(1);

    private final KubernetesClient client;
    private final SharedIndexInformer<Namespace> namespaces;

    SystemNamespaceController(KubernetesClient client, SharedIndexInformer<Namespace> namespaces) {
        this.client = client;
        this.namespaces = namespaces;
    }

    /** Whether {@code name} is one this controller keeps: its key is worth enqueueing. */
    static boolean keeps(String name) {
        return NAMESPACES.contains(name);
    }

    @Override
    public Result reconcile(String name) {
        if (!keeps(name)) {
            return Result.done();
        }
        if (namespaces.getStore().getByKey(name) == null) {
            try {
                client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata()
                        .build()).create();
            } catch (KubernetesClientException e) {
                if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
                    throw e;
                }
            }
        }
        return Result.requeueAfter(INTERVAL);
    }
}
