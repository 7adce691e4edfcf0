package io.drover.api.exec;

import io.drover.api.kubelet.NodeConnections;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.ApiException;
import io.drover.api.resource.ResourceType;
import io.drover.api.storage.ObjectStorage;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Where a pods/exec request goes: the node's {@code /exec/<ns>/<pod>/<container>} URL, after the
 * checks kube-apiserver makes in its streamLocation (pkg/registry/core/pod/strategy.go), with its
 * messages: the pod exists, the container is named when the pod has several and is one of the
 * pod's, the pod has a node. drover also refuses a container that is not running, as the kubelet
 * would ({@code container not found}), because kubectl's SPDY fallback would hide the node's answer.
 */
final class PodExecLocator {
    private final ObjectStorage storage;
    private final ResourceType pods;
    private final ResourceType nodes;
    private final NodeConnections connections;

    PodExecLocator(ObjectStorage storage, ResourceType pods, ResourceType nodes, NodeConnections connections) {
        this.storage = storage;
        this.pods = pods;
        this.nodes = nodes;
        this.connections = connections;
    }

    /** @throws ApiException with Kubernetes' code and message when the exec cannot go anywhere */
    URI locate(String namespace, String name, Map<String, List<String>> query) {
        ObjectNode pod = storage.get(pods, namespace, name);
        JsonNode spec = pod.path("spec");
        List<String> containers = names(spec.path("containers"));
        List<String> initContainers = names(spec.path("initContainers"));
        String container = first(query.get("container"));
        if (container == null || container.isEmpty()) {
            if (containers.size() == 1) {
                container = containers.get(0);
            } else if (containers.isEmpty()) {
                throw ApiException.badRequest("a container name must be specified for pod " + name);
            } else {
                String message = "a container name must be specified for pod " + name + ", choose one of: ["
                        + String.join(" ", containers) + "]";
                if (!initContainers.isEmpty()) {
                    message += " or one of the init containers: [" + String.join(" ", initContainers) + "]";
                }
                throw ApiException.badRequest(message);
            }
        } else if (!containers.contains(container) && !initContainers.contains(container)
                && !names(spec.path("ephemeralContainers")).contains(container)) {
            throw ApiException.badRequest("container " + container + " is not valid for pod " + name);
        }
        String nodeName = spec.path("nodeName").asText("");
        if (nodeName.isEmpty()) {
            throw ApiException.badRequest("pod " + name + " does not have a host assigned");
        }
        if (!running(pod, container)) {
            throw ApiException.badRequest("container not found (\"" + container + "\")");
        }
        ObjectNode node = storage.get(nodes, null, nodeName);
        URI base = connections.kubeletBase(node);
        return base.resolve("/exec/" + segment(namespace) + "/" + segment(name) + "/" + segment(container)
                + "?" + forwardedQuery(query));
    }

    private static boolean running(ObjectNode pod, String container) {
        for (String field : List.of("containerStatuses", "initContainerStatuses", "ephemeralContainerStatuses")) {
            for (JsonNode status : pod.path("status").path(field)) {
                if (status.path("name").asText().equals(container)) {
                    return status.path("state").has("running");
                }
            }
        }
        return false;
    }

    /** PodExecOptions as the node reads them; everything else (container is in the path) is dropped. */
    private static String forwardedQuery(Map<String, List<String>> query) {
        List<String> pairs = new ArrayList<>();
        for (String key : List.of("command", "stdin", "stdout", "stderr", "tty")) {
            for (String value : query.getOrDefault(key, List.of())) {
                pairs.add(key + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8));
            }
        }
        return String.join("&", pairs);
    }

    private static List<String> names(JsonNode list) {
        List<String> names = new ArrayList<>();
        list.forEach(c -> names.add(c.path("name").asText()));
        return names;
    }

    private static String first(List<String> values) {
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    private static String segment(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

}
