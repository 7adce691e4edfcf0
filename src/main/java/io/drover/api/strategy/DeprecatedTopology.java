package io.drover.api.strategy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashSet;
import java.util.Set;

/**
 * An EndpointSlice endpoint's {@code deprecatedTopology} as discovery.k8s.io/v1 writes leave it (the strategy's
 * dropTopologyOnV1): the field is v1beta1's, documented as dropped on v1 writes, so a create clears it, and so does
 * an update that changes the endpoints. An endpoint without a nodeName whose topology names, under
 * {@code kubernetes.io/hostname}, a node the stored slice's topology already named gets that node as its nodeName,
 * so that a client writing back an old slice keeps what it said. drover serves EndpointSlices in v1 only.
 */
final class DeprecatedTopology {
    private static final String HOSTNAME = "kubernetes.io/hostname";

    private DeprecatedTopology() {}

    /** What a create of {@code slice} keeps: no topology. */
    static void dropOnCreate(ObjectNode slice) {
        Nodes.objects(slice, "endpoints").forEach(endpoint -> endpoint.remove("deprecatedTopology"));
    }

    /** What an update of {@code stored} to {@code next} keeps: the topology only while the endpoints stay as they were. */
    static void dropOnUpdate(ObjectNode stored, ObjectNode next) {
        if (sameEndpoints(stored.get("endpoints"), next.get("endpoints"))) {
            return;
        }
        Set<String> knownNodes = new HashSet<>();
        for (ObjectNode endpoint : Nodes.objects(stored, "endpoints")) {
            String node = Nodes.text(endpoint.path("deprecatedTopology"), HOSTNAME);
            if (!node.isEmpty()) {
                knownNodes.add(node);
            }
        }
        for (ObjectNode endpoint : Nodes.objects(next, "endpoints")) {
            JsonNode topology = endpoint.path("deprecatedTopology");
            String node = Nodes.text(topology, HOSTNAME);
            boolean noNodeName = endpoint.get("nodeName") == null || endpoint.get("nodeName").isNull();
            if (noNodeName && topology.has(HOSTNAME) && knownNodes.contains(node)
                    && NameRules.dns1123Subdomain(node).isEmpty()) {
                endpoint.put("nodeName", node);
            }
            endpoint.remove("deprecatedTopology");
        }
    }

    /** Semantic equality of two endpoint lists: an absent, null or empty list is no endpoints. */
    private static boolean sameEndpoints(JsonNode a, JsonNode b) {
        return a == null || a.isNull() || a.isEmpty() ? b == null || b.isNull() || b.isEmpty()
                : a.equals(b);
    }
}
