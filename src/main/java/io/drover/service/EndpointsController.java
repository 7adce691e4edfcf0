package io.drover.service;

import io.drover.controller.Keys;
import io.drover.controller.Reconciler;
import io.drover.controller.Result;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import java.time.Clock;
import java.util.List;
import java.util.Objects;

/**
 * Keeps the v1 Endpoints of each selecting Service (Kubernetes' endpoints controller): same name as
 * the Service, its labels, subsets grouped by port set. Endpoints of a Service without a selector
 * are the user's and left alone; those of a deleted Service are deleted.
 */
final class EndpointsController implements Reconciler {
    private final KubernetesClient client;
    private final SharedIndexInformer<Service> services;
    private final SharedIndexInformer<Pod> pods;
    private final SharedIndexInformer<Endpoints> endpoints;
    private final Clock clock;

    EndpointsController(KubernetesClient client, SharedIndexInformer<Service> services, SharedIndexInformer<Pod> pods,
            SharedIndexInformer<Endpoints> endpoints, Clock clock) {
        this.client = client;
        this.services = services;
        this.pods = pods;
        this.endpoints = endpoints;
        this.clock = clock;
    }

    @Override
    public Result reconcile(String key) {
        String namespace = Keys.namespace(key);
        String name = Keys.name(key);
        Service service = services.getStore().getByKey(key);
        Endpoints current = endpoints.getStore().getByKey(key);
        if (service == null) {
            if (current != null) {
                delete(namespace, name);
            }
            return Result.done();
        }
        if (!ServiceBackends.selects(service)) {
            return Result.done();
        }
        boolean publishNotReady = Boolean.TRUE.equals(service.getSpec().getPublishNotReadyAddresses());
        List<PodEndpoint> backends = ServiceBackends.of(service,
                pods.getIndexer().byIndex(Cache.NAMESPACE_INDEX, namespace), publishNotReady);
        List<EndpointSubset> subsets = DesiredEndpoints.subsets(service, backends);
        var labels = ServiceLabels.of(service);
        // The endpoints controller's own Endpoints are not for mirroring (its slices come from the pods).
        labels.put(EndpointSliceMirroringController.SKIP_MIRROR, "true");
        var endpointsApi = client.endpoints().inNamespace(namespace);
        if (current == null) {
            endpointsApi.resource(new EndpointsBuilder().withNewMetadata().withName(name).withNamespace(namespace)
                    .withLabels(labels).addToAnnotations(ServiceLabels.TRIGGER_TIME, ServiceLabels.now(clock))
                    .endMetadata().withSubsets(subsets).build()).create();
            return Result.done();
        }
        List<EndpointSubset> have = current.getSubsets() == null ? List.of() : current.getSubsets();
        if (have.equals(subsets) && Objects.equals(labels, current.getMetadata().getLabels() == null
                ? java.util.Map.of() : current.getMetadata().getLabels())) {
            return Result.done();
        }
        endpointsApi.resource(new EndpointsBuilder(current).editMetadata().withLabels(labels)
                .addToAnnotations(ServiceLabels.TRIGGER_TIME, ServiceLabels.now(clock)).endMetadata()
                .withSubsets(subsets).build()).update();
        return Result.done();
    }

    private void delete(String namespace, String name) {
        try {
            client.endpoints().inNamespace(namespace).withName(name).delete();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) {
                throw e;
            }
        }
    }
}
