package io.drover.service;

import io.drover.controller.Informers;
import io.drover.controller.Controller;
import io.drover.controller.EventHandlers;
import io.drover.controller.Keys;
import io.drover.controller.Reconciler;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import java.time.Clock;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Consumer;

/**
 * Wires the endpoints, endpointslice, endpointslice-mirroring and LoadBalancer-status controllers to their informers:
 * a Service change enqueues it; a change to an Endpoints enqueues its mirroring; a pod change enqueues every Service of its namespace that selects it before or after; a
 * change to a controller-managed slice (or the deletion of an Endpoints) enqueues its Service, so
 * edits by others are undone.
 */
public final class ServiceControllers {
    private ServiceControllers() {}

    /**
     * Registers the controllers and returns the informers it made, for the caller to start and
     * close with the others; {@code pods} is shared.
     */
    public static List<SharedIndexInformer<?>> register(KubernetesClient client, SharedIndexInformer<Pod> pods,
            BiFunction<String, Reconciler, Controller> newController) {
        Clock clock = Clock.systemUTC();
        SharedIndexInformer<Service> services = Informers.keepWatching(
                client.services().inAnyNamespace().runnableInformer(0));
        SharedIndexInformer<EndpointSlice> slices = Informers.keepWatching(
                client.discovery().v1().endpointSlices().inAnyNamespace().runnableInformer(0));
        SharedIndexInformer<Endpoints> endpoints = Informers.keepWatching(
                client.endpoints().inAnyNamespace().runnableInformer(0));
        SharedIndexInformer<Node> nodes = Informers.keepWatching(client.nodes().runnableInformer(0));
        Controller sliceController = newController.apply("endpointslice-controller",
                new EndpointSliceController(client, services, pods, slices, clock));
        Controller endpointsController = newController.apply("endpoints-controller",
                new EndpointsController(client, services, pods, endpoints, clock));
        Controller loadBalancers = newController.apply("service-lb-controller",
                new LoadBalancerController(client, services, nodes));
        Controller mirroring = newController.apply("endpointslicemirroring-controller",
                new EndpointSliceMirroringController(client, services, endpoints, slices));
        Consumer<String> enqueue = key -> {
            sliceController.enqueue(key);
            endpointsController.enqueue(key);
        };
        services.addEventHandler(EventHandlers.onChange(s -> {
            enqueue.accept(Keys.of(s));
            loadBalancers.enqueue(Keys.of(s));
            mirroring.enqueue(Keys.of(s));
        }));
        // A node's address or readiness changes every LoadBalancer's ingress.
        nodes.addEventHandler(EventHandlers.onChange(n -> services.getStore().list().stream()
                .filter(s -> "LoadBalancer".equals(s.getSpec().getType())).map(Keys::of)
                .forEach(loadBalancers::enqueue)));
        pods.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod pod) {
                selecting(services, pod).forEach(enqueue);
            }

            @Override
            public void onUpdate(Pod oldPod, Pod newPod) {
                selecting(services, oldPod).forEach(enqueue);
                selecting(services, newPod).forEach(enqueue);
            }

            @Override
            public void onDelete(Pod pod, boolean finalStateUnknown) {
                selecting(services, pod).forEach(enqueue);
            }
        });
        slices.addEventHandler(EventHandlers.onChange(slice -> {
            var labels = slice.getMetadata().getLabels();
            if (labels == null || !labels.containsKey(ServiceLabels.SERVICE_NAME)) {
                return;
            }
            String service = slice.getMetadata().getNamespace() + "/" + labels.get(ServiceLabels.SERVICE_NAME);
            if (ServiceLabels.CONTROLLER.equals(labels.get(ServiceLabels.MANAGED_BY))) {
                sliceController.enqueue(service);
            } else if (EndpointSliceMirroringController.MIRRORING.equals(labels.get(ServiceLabels.MANAGED_BY))) {
                mirroring.enqueue(service);
            }
        }));
        endpoints.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Endpoints obj) {
                mirroring.enqueue(Keys.of(obj));
            }

            @Override
            public void onUpdate(Endpoints oldObj, Endpoints newObj) {
                mirroring.enqueue(Keys.of(newObj));
            }

            @Override
            public void onDelete(Endpoints obj, boolean finalStateUnknown) {
                endpointsController.enqueue(Keys.of(obj));
                mirroring.enqueue(Keys.of(obj));
            }
        });
        return List.of(services, slices, endpoints, nodes);
    }

    private static List<String> selecting(SharedIndexInformer<Service> services, Pod pod) {
        return services.getIndexer().byIndex(Cache.NAMESPACE_INDEX, pod.getMetadata().getNamespace()).stream()
                .filter(s -> ServiceBackends.matches(s, pod)).map(Keys::of).toList();
    }
}
