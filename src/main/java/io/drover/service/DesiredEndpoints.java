package io.drover.service;

import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.EndpointAddressBuilder;
import io.fabric8.kubernetes.api.model.EndpointPortBuilder;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.EndpointSubsetBuilder;
import io.fabric8.kubernetes.api.model.Service;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The subsets of a Service's v1 Endpoints, as the endpoints controller computes them: ready pods in
 * addresses, the others in notReadyAddresses, grouped by port set (RepackSubsets); a pod with none
 * of the Service's ports resolved is left out, as Kubernetes leaves out a port it cannot find.
 */
final class DesiredEndpoints {
    private DesiredEndpoints() {}

    static List<EndpointSubset> subsets(Service service, List<PodEndpoint> endpoints) {
        if (service.getSpec().getPorts() == null || service.getSpec().getPorts().isEmpty()) {
            // "Allow headless service not to have ports": a subset per pod, its address alone, not repacked.
            List<EndpointSubset> portless = new ArrayList<>();
            if ("None".equals(service.getSpec().getClusterIP())) {
                for (PodEndpoint e : endpoints) {
                    EndpointSubsetBuilder subset = new EndpointSubsetBuilder();
                    if (e.ready()) {
                        subset.withAddresses(address(service, e));
                    } else {
                        subset.withNotReadyAddresses(address(service, e));
                    }
                    portless.add(subset.build());
                }
            }
            return portless;
        }
        Map<List<PodEndpoint.Port>, List<PodEndpoint>> byPorts = new LinkedHashMap<>();
        for (PodEndpoint e : endpoints) {
            if (!e.ports().isEmpty()) {
                byPorts.computeIfAbsent(e.ports(), p -> new ArrayList<>()).add(e);
            }
        }
        List<EndpointSubset> subsets = new ArrayList<>();
        byPorts.forEach((ports, list) -> {
            EndpointSubsetBuilder subset = new EndpointSubsetBuilder();
            List<EndpointAddress> ready = new ArrayList<>();
            List<EndpointAddress> notReady = new ArrayList<>();
            for (PodEndpoint e : list) {
                (e.ready() ? ready : notReady).add(address(service, e));
            }
            if (!ready.isEmpty()) {
                subset.withAddresses(ready);
            }
            if (!notReady.isEmpty()) {
                subset.withNotReadyAddresses(notReady);
            }
            subset.withPorts(ports.stream().map(p -> new EndpointPortBuilder()
                    .withName(p.name().isEmpty() ? null : p.name()).withPort(p.port()).withProtocol(p.protocol())
                    .withAppProtocol(p.appProtocol()).build()).toList());
            subsets.add(subset.build());
        });
        return subsets;
    }

    private static EndpointAddress address(Service service, PodEndpoint e) {
        return new EndpointAddressBuilder().withIp(e.ip()).withTargetRef(e.targetRef())
                .withNodeName(e.nodeName()).withHostname(e.hostnameFor(service)).build();
    }
}
