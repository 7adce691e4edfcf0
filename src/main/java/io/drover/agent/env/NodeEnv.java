package io.drover.agent.env;

import io.fabric8.kubernetes.api.model.Quantity;
import java.util.Map;

/**
 * What the node contributes to every container's environment.
 *
 * @param nodeIp the node's IP, which is also every pod's IP (pods use the host network)
 * @param allocatable the node's allocatable resources: resourceFieldRef's limits when a container
 *     sets none, as the kubelet does
 * @param clusterEnv variables every container gets and {@code $(VAR)} may reference
 *     (KUBERNETES_SERVICE_HOST/PORT, later the Service variables)
 * @param path the PATH processes get (the runtime's, as an image would give it)
 */
public record NodeEnv(String nodeIp, Map<String, Quantity> allocatable, Map<String, String> clusterEnv, String path) {
    public NodeEnv {
        allocatable = Map.copyOf(allocatable);
        clusterEnv = Map.copyOf(clusterEnv);
    }
}
