package io.drover.api.exec;

import static io.drover.api.http.PercentEncoding.encode;

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
 * Where a pod's streaming subresource goes on its node, after the checks kube-apiserver makes
 * (pkg/registry/core/pod/strategy.go), with its messages.
 *
 * <p>pods/exec and pods/attach: the node's {@code /exec/<ns>/<pod>/<container>} or {@code
 * /attach/...} URL (streamLocation): the pod exists, the container is named when the pod has
 * several and is one of the pod's, the pod has a node. drover also refuses a container that is not
 * running, as the kubelet would ({@code container not found}), because kubectl's SPDY fallback
 * would hide the node's answer.
 *
 * <p>pods/portforward: the node's {@code /portForward/<ns>/<pod>} URL (PortForwardLocation): the
 * pod exists and has a node; the {@code ports} become the kubelet's {@code port}. The checks the
 * kubelet makes of the ports are made here too, with its messages, since a node's refusal of a
 * WebSocket upgrade reaches the client as a status code only.
 */
final class PodStreamLocator {
    private final ObjectStorage storage;
    private final ResourceType pods;
    private final ResourceType nodes;
    private final NodeConnections connections;

    PodStreamLocator(ObjectStorage storage, ResourceType pods, ResourceType nodes, NodeConnections connections) {
        this.storage = storage;
        this.pods = pods;
        this.nodes = nodes;
        this.connections = connections;
    }

    /**
     * @param subresource {@code exec} or {@code attach}
     * @throws ApiException with Kubernetes' code and message when the stream cannot go anywhere
     */
    URI remoteCommand(String subresource, String namespace, String name, Map<String, List<String>> query) {
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
        String nodeName = nodeName(pod, name);
        if (!running(pod, container)) {
            throw ApiException.badRequest("container not found (\"" + container + "\")");
        }
        return kubeletBase(nodeName).resolve("/" + subresource + "/" + encode(namespace) + "/" + encode(name) + "/"
                + encode(container) + "?" + forwardedQuery(query, subresource.equals("exec")));
    }

    /**
     * @param portsRequired whether the client speaks the channel protocol, whose ports are in the
     *     request (the SPDY tunnel names them per stream instead)
     * @throws ApiException with Kubernetes' code and message when the port-forward cannot go anywhere
     */
    URI portForward(String namespace, String name, Map<String, List<String>> query, boolean portsRequired) {
        List<Integer> ports = ports(query.getOrDefault("ports", List.of()));
        if (portsRequired && ports.isEmpty()) {
            throw ApiException.badRequest("query parameter \"port\" is required");
        }
        URI base = kubeletBase(nodeName(storage.get(pods, namespace, name), name));
        String forwarded = ports.isEmpty() ? ""
                : "?port=" + String.join(",", ports.stream().map(String::valueOf).toList());
        return base.resolve("/portForward/" + encode(namespace) + "/" + encode(name) + forwarded);
    }

    /** PodPortForwardOptions' ports as kube-apiserver converts them, then as the kubelet checks them. */
    private static List<Integer> ports(List<String> values) {
        List<Integer> ports = new ArrayList<>();
        for (String value : values) {
            for (String p : value.split(",", -1)) {
                long port = p.matches("\\d{1,10}") ? Long.parseLong(p) : -1;
                if (port < 0 || port > 65535) {
                    throw ApiException.badRequest("cannot convert to []int32: strconv.ParseUint: parsing \"" + p
                            + "\": " + (port < 0 ? "invalid syntax" : "value out of range"));
                }
                if (port == 0) {
                    throw ApiException.badRequest("port \"" + p + "\" must be > 0");
                }
                ports.add((int) port);
            }
        }
        return ports;
    }

    private static String nodeName(ObjectNode pod, String name) {
        String nodeName = pod.path("spec").path("nodeName").asText("");
        if (nodeName.isEmpty()) {
            throw ApiException.badRequest("pod " + name + " does not have a host assigned");
        }
        return nodeName;
    }

    private URI kubeletBase(String nodeName) {
        return connections.kubeletBase(storage.get(nodes, null, nodeName));
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

    /**
     * PodExecOptions or PodAttachOptions as the node reads them; everything else (container is in
     * the path) is dropped.
     */
    private static String forwardedQuery(Map<String, List<String>> query, boolean command) {
        List<String> pairs = new ArrayList<>();
        List<String> keys = command ? List.of("command", "stdin", "stdout", "stderr", "tty")
                : List.of("stdin", "stdout", "stderr", "tty");
        for (String key : keys) {
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

}
