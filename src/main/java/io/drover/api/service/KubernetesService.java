package io.drover.api.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.ApiException;
import io.drover.api.resource.ResourceRegistry;
import io.drover.api.resource.ResourceType;
import io.drover.api.storage.ObjectStorage;

/**
 * The {@code default/kubernetes} Service as kube-apiserver (and k3s) keeps it: the first address of
 * the service range, port 443 named https in front of the API server's port. Written at every start,
 * since the API server's port may change between runs. It has no selector: its endpoints are the
 * live API servers, which {@link ApiServerEndpoints} keeps.
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
        ApiServerObjects.upsert(storage, services, service);
    }
}
