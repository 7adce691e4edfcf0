package io.drover.api.service;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.Set;

/**
 * The ClusterIPs (in {@link ServiceCidr#canonical canonical} form) and NodePorts a stored Service holds (its
 * healthCheckNodePort among the ports).
 */
record HeldValues(Set<String> ips, Set<Integer> ports) {

    static HeldValues of(JsonNode service) {
        HeldValues held = new HeldValues(new HashSet<>(), new HashSet<>());
        held.add(service);
        return held;
    }

    /** Adds what {@code service} holds to these sets. */
    void add(JsonNode service) {
        JsonNode spec = service.path("spec");
        spec.path("clusterIPs").forEach(ip -> ips.add(ServiceCidr.canonical(ip.asText())));
        String ip = spec.path("clusterIP").asText("");
        if (!ip.isEmpty() && !ip.equals("None")) {
            ips.add(ServiceCidr.canonical(ip));
        }
        for (JsonNode port : spec.path("ports")) {
            int nodePort = port.path("nodePort").asInt(0);
            if (nodePort != 0) {
                ports.add(nodePort);
            }
        }
        int healthCheck = spec.path("healthCheckNodePort").asInt(0);
        if (healthCheck != 0) {
            ports.add(healthCheck);
        }
    }
}
