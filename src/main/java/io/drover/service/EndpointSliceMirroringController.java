package io.drover.service;

import static io.drover.pod.PodFields.list;

import io.drover.controller.Keys;
import io.drover.controller.Reconciler;
import io.drover.controller.Result;
import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPortBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Kubernetes' endpointslicemirroring controller: the Endpoints someone wrote for a Service without
 * a selector (an address outside the cluster behind a ClusterIP) are mirrored into EndpointSlices,
 * which is what the service proxies and the cluster DNS read. One slice per subset and address
 * family, at most 1,000 addresses a subset (maxEndpointsPerSubset), owned by the Endpoints,
 * labelled with its labels, the service name and this controller, and annotated with its annotations but the two
 * that describe the Endpoints object itself (newEndpointSlice). A change of either updates the slice. Endpoints
 * labelled {@code endpointslice.kubernetes.io/skip-mirror: "true"}, and those a leader election holds its record in
 * (annotated {@code control-plane.alpha.kubernetes.io/leader}, hasLeaderElection), are not mirrored: their slices,
 * if any, are deleted.
 */
final class EndpointSliceMirroringController implements Reconciler {
    static final String MIRRORING = "endpointslicemirroring-controller.k8s.io";
    static final String SKIP_MIRROR = "endpointslice.kubernetes.io/skip-mirror";
    /** resourcelock.LeaderElectionRecordAnnotationKey: an Endpoints lock's record, not addresses of a Service. */
    static final String LEADER = "control-plane.alpha.kubernetes.io/leader";
    /** The annotations newEndpointSlice does not copy (EndpointsLastChangeTriggerTime, LastAppliedConfigAnnotation). */
    private static final List<String> NOT_MIRRORED_ANNOTATIONS = List.of(
            "endpoints.kubernetes.io/last-change-trigger-time", "kubectl.kubernetes.io/last-applied-configuration");
    private static final int MAX_PER_SUBSET = 1000;

    private final KubernetesClient client;
    private final SharedIndexInformer<Service> services;
    private final SharedIndexInformer<Endpoints> endpoints;
    private final SharedIndexInformer<EndpointSlice> slices;

    EndpointSliceMirroringController(KubernetesClient client, SharedIndexInformer<Service> services,
            SharedIndexInformer<Endpoints> endpoints, SharedIndexInformer<EndpointSlice> slices) {
        this.client = client;
        this.services = services;
        this.endpoints = endpoints;
        this.slices = slices;
    }

    @Override
    public Result reconcile(String key) {
        String namespace = Keys.namespace(key);
        Service service = services.getStore().getByKey(key);
        Endpoints written = endpoints.getStore().getByKey(key);
        List<EndpointSlice> existing = new ArrayList<>(mirrored(namespace, Keys.name(key)));
        if (service == null || ServiceBackends.selects(service) || written == null || !shouldMirror(written)) {
            existing.forEach(this::delete);
            return Result.done();
        }
        for (EndpointSlice want : desired(written)) {
            EndpointSlice match = existing.stream().filter(s -> Objects.equals(s.getAddressType(), want.getAddressType())
                    && Objects.equals(s.getPorts(), want.getPorts())).findFirst().orElse(null);
            if (match == null && !existing.isEmpty()) {
                match = existing.getFirst();
            }
            if (match == null) {
                client.discovery().v1().endpointSlices().inNamespace(namespace).resource(want).create();
                continue;
            }
            existing.remove(match);
            if (!Objects.equals(match.getEndpoints(), want.getEndpoints()) || !Objects.equals(match.getPorts(),
                    want.getPorts()) || !Objects.equals(match.getAddressType(), want.getAddressType())
                    || !Objects.equals(match.getMetadata().getLabels(), want.getMetadata().getLabels())
                    || !annotations(match).equals(annotations(want))) {
                EndpointSlice next = new EndpointSliceBuilder(match).editMetadata()
                        .withLabels(want.getMetadata().getLabels()).withAnnotations(want.getMetadata().getAnnotations())
                        .endMetadata().withAddressType(want.getAddressType())
                        .withPorts(want.getPorts()).withEndpoints(want.getEndpoints()).build();
                client.discovery().v1().endpointSlices().inNamespace(namespace).resource(next).update();
            }
        }
        existing.forEach(this::delete);
        return Result.done();
    }

    /** The slices the Endpoints' subsets mirror to: per subset, one per address family in use. */
    static List<EndpointSlice> desired(Endpoints written) {
        List<EndpointSlice> out = new ArrayList<>();
        for (EndpointSubset subset : list(written.getSubsets())) {
            List<EndpointPort> ports = list(subset.getPorts()).stream().map(p -> new EndpointPortBuilder()
                    .withName(p.getName()).withPort(p.getPort()).withProtocol(p.getProtocol())
                    .withAppProtocol(p.getAppProtocol()).build()).toList();
            Map<String, List<Endpoint>> byFamily = new LinkedHashMap<>();
            int taken = 0;
            for (boolean ready : new boolean[] {true, false}) {
                for (EndpointAddress address : list(ready ? subset.getAddresses() : subset.getNotReadyAddresses())) {
                    if (taken++ >= MAX_PER_SUBSET) {
                        break;
                    }
                    String family = address.getIp() != null && address.getIp().contains(":") ? "IPv6" : "IPv4";
                    byFamily.computeIfAbsent(family, f -> new ArrayList<>()).add(new EndpointBuilder()
                            .withAddresses(address.getIp()).withNewConditions().withReady(ready).endConditions()
                            .withTargetRef(address.getTargetRef()).withNodeName(address.getNodeName())
                            .withHostname(address.getHostname() == null || address.getHostname().isEmpty() ? null
                                    : address.getHostname()).build());
                }
            }
            byFamily.forEach((family, endpointsOfFamily) -> out.add(new EndpointSliceBuilder().withNewMetadata()
                    .withGenerateName(written.getMetadata().getName() + "-")
                    .withNamespace(written.getMetadata().getNamespace()).withLabels(labels(written))
                    .withAnnotations(mirroredAnnotations(written))
                    .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("v1").withKind("Endpoints")
                            .withName(written.getMetadata().getName()).withUid(written.getMetadata().getUid())
                            .withController(true).withBlockOwnerDeletion(true).build()).endMetadata()
                    .withAddressType(family).withPorts(ports).withEndpoints(endpointsOfFamily).build()));
        }
        return out;
    }

    private static Map<String, String> labels(Endpoints written) {
        Map<String, String> labels = new LinkedHashMap<>();
        if (written.getMetadata().getLabels() != null) {
            labels.putAll(written.getMetadata().getLabels());
        }
        labels.put(ServiceLabels.SERVICE_NAME, written.getMetadata().getName());
        labels.put(ServiceLabels.MANAGED_BY, MIRRORING);
        return labels;
    }

    private static Map<String, String> mirroredAnnotations(Endpoints written) {
        Map<String, String> annotations = new LinkedHashMap<>();
        if (written.getMetadata().getAnnotations() != null) {
            annotations.putAll(written.getMetadata().getAnnotations());
        }
        NOT_MIRRORED_ANNOTATIONS.forEach(annotations::remove);
        return annotations;
    }

    /** A slice's annotations, none when unset: kube compares them semantically, where nil and empty are equal. */
    private static Map<String, String> annotations(EndpointSlice slice) {
        var annotations = slice.getMetadata().getAnnotations();
        return annotations == null ? Map.of() : annotations;
    }

    /** shouldMirror: neither skipMirror nor hasLeaderElection. */
    private static boolean shouldMirror(Endpoints written) {
        var labels = written.getMetadata().getLabels();
        var annotations = written.getMetadata().getAnnotations();
        return !(labels != null && "true".equals(labels.get(SKIP_MIRROR)))
                && !(annotations != null && annotations.containsKey(LEADER));
    }

    private List<EndpointSlice> mirrored(String namespace, String serviceName) {
        return slices.getIndexer().byIndex(Cache.NAMESPACE_INDEX, namespace).stream().filter(s -> {
            var labels = s.getMetadata().getLabels();
            return labels != null && serviceName.equals(labels.get(ServiceLabels.SERVICE_NAME))
                    && MIRRORING.equals(labels.get(ServiceLabels.MANAGED_BY));
        }).toList();
    }

    private void delete(EndpointSlice slice) {
        EndpointSliceController.delete(client, slice);
    }
}
