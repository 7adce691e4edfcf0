package io.drover.api.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.ApiException;
import io.drover.api.resource.ResourceRegistry;
import io.drover.api.resource.ResourceType;
import io.drover.api.storage.ObjectStorage;

/**
 * The {@code default/kubernetes} Service as kube-apiserver (and k3s) keeps it: the first address of
 * the service range, port 443 named https in front of the API server's port, and its Endpoints and
 * EndpointSlice (not controller-managed: no selector) at the node address. Kept current at every
 * start, since the API server's port and address may change between runs.
 */
public final class KubernetesService {
    private KubernetesService() {}

    public static void ensure(ObjectStorage storage, ResourceRegistry registry, ObjectMapper json, ServiceCidr cidr,
            String address, int apiPort) {
        ResourceType services = registry.find("", "v1", "services").orElseThrow();
        ObjectNode service = json.createObjectNode();
        ObjectNode meta = service.putObject("metadata").put("name", "kubernetes");
        meta.putObject("labels").put("component", "apiserver").put("provider", "kubernetes");
        ObjectNode spec = service.putObject("spec").put("type", "ClusterIP").put("clusterIP", cidr.address(0));
        spec.putArray("ports").addObject().put("name", "https").put("port", 443).put("protocol", "TCP")
                .put("targetPort", apiPort);
        upsert(storage, services, service);

        ResourceType endpoints = registry.find("", "v1", "endpoints").orElseThrow();
        ObjectNode ep = json.createObjectNode();
        // The apiserver's own Endpoints are not mirrored into a slice: it writes the slice itself.
        ep.putObject("metadata").put("name", "kubernetes").putObject("labels")
                .put("endpointslice.kubernetes.io/skip-mirror", "true");
        ObjectNode subset = ep.putArray("subsets").addObject();
        subset.putArray("addresses").addObject().put("ip", address);
        subset.putArray("ports").addObject().put("name", "https").put("port", apiPort).put("protocol", "TCP");
        upsert(storage, endpoints, ep);

        ResourceType slices = registry.find("discovery.k8s.io", "v1", "endpointslices").orElseThrow();
        ObjectNode slice = json.createObjectNode();
        slice.putObject("metadata").put("name", "kubernetes").putObject("labels")
                .put("kubernetes.io/service-name", "kubernetes");
        slice.put("addressType", "IPv4");
        ObjectNode endpoint = slice.putArray("endpoints").addObject();
        endpoint.putArray("addresses").add(address);
        endpoint.putObject("conditions").put("ready", true);
        slice.putArray("ports").addObject().put("name", "https").put("port", apiPort).put("protocol", "TCP");
        upsert(storage, slices, slice);
    }

    /** Creates the object, or makes the stored one's spec/subsets/ports what {@code wanted} says. */
    private static void upsert(ObjectStorage storage, ResourceType type, ObjectNode wanted) {
        String name = wanted.path("metadata").path("name").asText();
        try {
            storage.create(type, "default", wanted.deepCopy(), false);
        } catch (ApiException e) {
            if (e.code() != 409) {
                throw e;
            }
            storage.update(type, "default", name, stored -> {
                wanted.fields().forEachRemaining(f -> {
                    if (!f.getKey().equals("metadata")) {
                        stored.set(f.getKey(), f.getValue());
                    }
                });
                return stored;
            }, false, false);
        }
    }
}
