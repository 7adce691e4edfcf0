package io.drover.agent;

import io.drover.proxy.AppliedRevisionLease;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Set;

/** What {@link EndpointDrain} reads from the API: EndpointSlices and the service proxies' Leases. */
interface DrainSource {
    String SERVICE_NAME_LABEL = "kubernetes.io/service-name";

    /** The EndpointSlices of {@code namespace}, only those of {@code services} unless that is empty. */
    List<EndpointSlice> slices(String namespace, Set<String> services);

    /** Every node's {@link AppliedRevisionLease}. */
    List<Lease> proxyLeases();

    /** Light lists through the agent's client: no informer, as only pods being deleted behind a Service ask. */
    static DrainSource of(KubernetesClient client) {
        return new DrainSource() {
            @Override
            public List<EndpointSlice> slices(String namespace, Set<String> services) {
                var slices = client.discovery().v1().endpointSlices().inNamespace(namespace);
                return (services.isEmpty() ? slices : slices.withLabelIn(SERVICE_NAME_LABEL,
                        services.toArray(String[]::new))).list().getItems();
            }

            @Override
            public List<Lease> proxyLeases() {
                return client.resources(Lease.class).inNamespace(AppliedRevisionLease.NAMESPACE)
                        .withLabel(AppliedRevisionLease.LABEL).list().getItems();
            }
        };
    }
}
