package io.drover.service;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointConditionsBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPortBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The endpoints of a Service grouped as EndpointSlices hold them: one slice per distinct port set,
 * as the endpointslice controller does when a named targetPort resolves differently per pod. With
 * allocated host ports every pod on a node has its own port set, so slices are mostly per pod.
 */
final class DesiredSlices {
    /** Kubernetes' --max-endpoints-per-slice default. */
    static final int MAX_ENDPOINTS_PER_SLICE = 100;

    private DesiredSlices() {}

    /** A slice's content before it has a name: its ports and its endpoints. */
    record Slice(List<EndpointPort> ports, List<Endpoint> endpoints) {}

    /**
     * The slices of {@code endpoints}; a selecting Service with no endpoints gets one empty slice
     * (the controller's placeholder), so readers can tell "no endpoints" from "not yet handled".
     */
    static List<Slice> of(Service service, List<PodEndpoint> endpoints) {
        Map<List<PodEndpoint.Port>, List<Endpoint>> byPorts = new LinkedHashMap<>();
        for (PodEndpoint e : endpoints) {
            byPorts.computeIfAbsent(e.ports(), p -> new ArrayList<>()).add(endpoint(service, e));
        }
        List<Slice> slices = new ArrayList<>();
        byPorts.forEach((ports, list) -> {
            for (int i = 0; i < list.size(); i += MAX_ENDPOINTS_PER_SLICE) {
                slices.add(new Slice(ports(ports), list.subList(i, Math.min(list.size(), i + MAX_ENDPOINTS_PER_SLICE))));
            }
        });
        if (slices.isEmpty()) {
            slices.add(new Slice(List.of(), List.of()));
        }
        return slices;
    }

    private static List<EndpointPort> ports(List<PodEndpoint.Port> ports) {
        return ports.stream().map(p -> new EndpointPortBuilder().withName(p.name()).withPort(p.port())
                .withProtocol(p.protocol()).withAppProtocol(p.appProtocol()).build()).toList();
    }

    /** Kubernetes' podToEndpoint. */
    private static Endpoint endpoint(Service service, PodEndpoint e) {
        return new EndpointBuilder().withAddresses(e.ip())
                .withConditions(new EndpointConditionsBuilder().withReady(e.ready()).withServing(e.serving())
                        .withTerminating(e.terminating()).build())
                .withTargetRef(e.targetRef()).withNodeName(e.nodeName()).withHostname(e.hostnameFor(service)).build();
    }
}
