package io.drover.service;

import io.drover.controller.Keys;
import io.drover.controller.Reconciler;
import io.drover.controller.Result;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Keeps the EndpointSlices of each selecting Service (Kubernetes' endpointslice controller): one
 * slice per port set, named {@code <service>-<random>}, owned by the Service. A slice whose ports
 * still match is updated in place, so a readiness flip is one write; slices no longer needed are
 * reused for new port sets before any is deleted or created.
 */
final class EndpointSliceController implements Reconciler {
    private final KubernetesClient client;
    private final SharedIndexInformer<Service> services;
    private final SharedIndexInformer<Pod> pods;
    private final SharedIndexInformer<EndpointSlice> slices;
    private final Clock clock;

    EndpointSliceController(KubernetesClient client, SharedIndexInformer<Service> services,
            SharedIndexInformer<Pod> pods, SharedIndexInformer<EndpointSlice> slices, Clock clock) {
        this.client = client;
        this.services = services;
        this.pods = pods;
        this.slices = slices;
        this.clock = clock;
    }

    @Override
    public Result reconcile(String key) {
        String namespace = Keys.namespace(key);
        String name = Keys.name(key);
        Service service = services.getStore().getByKey(key);
        List<EndpointSlice> existing = new ArrayList<>(managed(namespace, name));
        if (service == null || !ServiceBackends.selects(service)
                || service.getMetadata().getDeletionTimestamp() != null) {
            existing.forEach(this::delete);
            return Result.done();
        }
        List<Pod> inNamespace = pods.getIndexer().byIndex(Cache.NAMESPACE_INDEX, namespace);
        List<DesiredSlices.Slice> desired = new ArrayList<>(
                DesiredSlices.of(service, ServiceBackends.of(service, inNamespace, true)));
        // Slices whose ports match stay, updated when their endpoints or labels differ.
        for (var it = desired.iterator(); it.hasNext(); ) {
            DesiredSlices.Slice want = it.next();
            EndpointSlice match = existing.stream().filter(s -> Objects.equals(ports(s), want.ports())).findFirst()
                    .orElse(null);
            if (match != null) {
                existing.remove(match);
                it.remove();
                write(service, match, want);
            }
        }
        // The rest: reuse leftover slices, then create or delete.
        for (DesiredSlices.Slice want : desired) {
            if (!existing.isEmpty()) {
                write(service, existing.remove(0), want);
            } else {
                create(service, want);
            }
        }
        existing.forEach(this::delete);
        return Result.done();
    }

    private List<EndpointSlice> managed(String namespace, String serviceName) {
        return slices.getIndexer().byIndex(Cache.NAMESPACE_INDEX, namespace).stream().filter(s -> {
            var labels = s.getMetadata().getLabels();
            return labels != null && serviceName.equals(labels.get(ServiceLabels.SERVICE_NAME))
                    && ServiceLabels.CONTROLLER.equals(labels.get(ServiceLabels.MANAGED_BY));
        }).toList();
    }

    private static List<?> ports(EndpointSlice slice) {
        return slice.getPorts() == null ? List.of() : slice.getPorts();
    }

    private static List<?> endpoints(EndpointSlice slice) {
        return slice.getEndpoints() == null ? List.of() : slice.getEndpoints();
    }

    private void write(Service service, EndpointSlice current, DesiredSlices.Slice want) {
        var labels = ServiceLabels.ofSlice(service);
        if (Objects.equals(ports(current), want.ports()) && Objects.equals(endpoints(current), want.endpoints())
                && labels.equals(current.getMetadata().getLabels())) {
            return;
        }
        EndpointSlice next = new EndpointSliceBuilder(current).editMetadata().withLabels(labels)
                .addToAnnotations(ServiceLabels.TRIGGER_TIME, ServiceLabels.now(clock)).endMetadata()
                .withPorts(want.ports()).withEndpoints(want.endpoints()).build();
        client.discovery().v1().endpointSlices().inNamespace(service.getMetadata().getNamespace()).resource(next)
                .update();
    }

    private void create(Service service, DesiredSlices.Slice want) {
        EndpointSlice slice = new EndpointSliceBuilder().withNewMetadata()
                .withGenerateName(service.getMetadata().getName() + "-")
                .withNamespace(service.getMetadata().getNamespace()).withLabels(ServiceLabels.ofSlice(service))
                .addToAnnotations(ServiceLabels.TRIGGER_TIME, ServiceLabels.now(clock))
                .withOwnerReferences(ServiceLabels.owner(service)).endMetadata()
                .withAddressType("IPv4").withPorts(want.ports()).withEndpoints(want.endpoints()).build();
        client.discovery().v1().endpointSlices().inNamespace(service.getMetadata().getNamespace()).resource(slice)
                .create();
    }

    private void delete(EndpointSlice slice) {
        delete(client, slice);
    }

    /** Deletes a slice; one already gone is no error. */
    static void delete(KubernetesClient client, EndpointSlice slice) {
        try {
            client.discovery().v1().endpointSlices().inNamespace(slice.getMetadata().getNamespace())
                    .withName(slice.getMetadata().getName()).delete();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) {
                throw e;
            }
        }
    }
}
