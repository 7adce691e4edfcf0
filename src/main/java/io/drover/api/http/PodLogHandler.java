package io.drover.api.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.ApiException;
import io.drover.api.kubelet.KubeletClient;
import io.drover.api.resource.ResourceRegistry;
import io.drover.api.resource.ResourceType;
import io.drover.api.storage.ObjectStorage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /api/v1/namespaces/{ns}/pods/{name}/log}: validates the request as kube-apiserver does
 * (PodLogOptions validation, the container, the pod's node), then streams the answer of the node's
 * kubelet endpoint ({@code /containerLogs/{ns}/{pod}/{container}}), flushing whenever no more of
 * it has come yet. Refusals of the kubelet become Status objects with its code and message, as
 * kube-apiserver's pods/log response checker makes them.
 */
final class PodLogHandler {
    private static final int MAX_ERROR_BYTES = 4096;
    /** The kubelet endpoint's blocks (the agent's LogReader writes up to 64 KiB at a time). */
    private static final int CHUNK = 64 * 1024;

    private final ObjectStorage storage;
    private final ResourceType nodes;
    private final KubeletClient kubelets;

    PodLogHandler(ObjectStorage storage, ResourceRegistry registry, KubeletClient kubelets) {
        this.storage = storage;
        this.nodes = registry.find("", "v1", "nodes").orElseThrow();
        this.kubelets = kubelets;
    }

    void handle(ApiRequest request, ResourcePath path, ApiResponse response) throws IOException {
        if (!request.method().equals("GET")) {
            throw ApiException.methodNotAllowed("the server does not allow this method on the requested resource");
        }
        ObjectNode pod = storage.get(path.type(), path.namespace(), path.name());
        Map<String, String> query = kubeletQuery(request, path.name());
        String container = container(pod, request.param("container"));
        String nodeName = pod.path("spec").path("nodeName").asText("");
        if (nodeName.isEmpty()) {
            throw ApiException.badRequest("pod " + path.name() + " does not have a host assigned");
        }
        ObjectNode node = storage.get(nodes, null, nodeName);
        URI kubelet = kubelets.kubeletBase(node);
        String target = "/containerLogs/" + PercentEncoding.encode(path.namespace()) + "/"
                + PercentEncoding.encode(path.name()) + "/" + PercentEncoding.encode(container) + encode(query);
        HttpResponse<InputStream> answer;
        try {
            answer = kubelets.get(kubelet, target);
        } catch (IOException e) {
            throw ApiException.unavailable("Get \"" + kubelet + "/containerLogs/...\": "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiException.unavailable("interrupted while calling the kubelet of node " + nodeName);
        }
        try (InputStream in = answer.body()) {
            if (answer.statusCode() != 200) {
                throw refusal(answer.statusCode(), in);
            }
            OutputStream out = response.stream(200, "text/plain");
            try (out) {
                byte[] buf = new byte[CHUNK];
                int n;
                while ((n = in.read(buf)) > 0) {
                    out.write(buf, 0, n);
                    if (in.available() == 0) { // a follower waits for more: what came so far goes out now
                        out.flush();
                    }
                }
            }
        }
    }

    /**
     * The PodLogOptions as the kubelet query, validated as Kubernetes' ValidatePodLogOptions: 400
     * for a value that does not parse, 422 PodLogOptions invalid for one out of range.
     */
    static Map<String, String> kubeletQuery(ApiRequest request, String podName) {
        Map<String, String> query = new LinkedHashMap<>();
        List<ApiException.Cause> causes = new ArrayList<>();
        for (String flag : List.of("follow", "previous", "timestamps")) {
            String value = request.param(flag);
            if (value != null && parseBool(flag, value)) {
                query.put(flag, "true");
            }
        }
        Long tail = number(request, "tailLines");
        if (tail != null) {
            if (tail < 0) {
                causes.add(invalid("tailLines", tail, "must be greater than or equal to 0"));
            }
            query.put("tailLines", tail.toString());
        }
        Long limit = number(request, "limitBytes");
        if (limit != null) {
            if (limit < 1) {
                causes.add(invalid("limitBytes", limit, "must be greater than 0"));
            }
            query.put("limitBytes", limit.toString());
        }
        Long sinceSeconds = number(request, "sinceSeconds");
        String sinceTime = request.param("sinceTime");
        if (sinceTime != null && !sinceTime.isEmpty()) {
            try {
                OffsetDateTime.parse(sinceTime);
            } catch (DateTimeParseException e) {
                throw ApiException.badRequest("sinceTime: parsing time \"" + sinceTime + "\" as RFC3339 failed");
            }
        }
        if (sinceSeconds != null && sinceTime != null && !sinceTime.isEmpty()) {
            causes.add(new ApiException.Cause("FieldValueForbidden",
                    "Forbidden: at most one of `sinceTime` or `sinceSeconds` may be specified", ""));
        } else if (sinceSeconds != null) {
            if (sinceSeconds < 1) {
                causes.add(invalid("sinceSeconds", sinceSeconds, "must be greater than 0"));
            }
            query.put("sinceSeconds", sinceSeconds.toString());
        } else if (sinceTime != null && !sinceTime.isEmpty()) {
            query.put("sinceTime", sinceTime);
        }
        if (!causes.isEmpty()) {
            throw ApiException.invalid("PodLogOptions", podName, causes);
        }
        return query;
    }

    /**
     * The container to read, as Kubernetes' validateContainer picks it: the named one, which must
     * exist; else the only one; else a 400 that lists them all (init, regular, ephemeral).
     */
    static String container(ObjectNode pod, String requested) {
        String name = pod.path("metadata").path("name").asText();
        List<String> all = new ArrayList<>();
        for (String kind : List.of("initContainers", "containers", "ephemeralContainers")) {
            for (JsonNode c : pod.path("spec").path(kind)) {
                all.add(c.path("name").asText());
            }
        }
        if (requested == null || requested.isEmpty()) {
            JsonNode containers = pod.path("spec").path("containers");
            if (containers.size() == 1) {
                return containers.get(0).path("name").asText();
            }
            if (containers.isEmpty()) {
                throw ApiException.badRequest("a container name must be specified for pod " + name);
            }
            throw ApiException.badRequest("a container name must be specified for pod " + name + ", choose one of: "
                    + "[" + String.join(" ", all) + "]");
        }
        if (!all.contains(requested)) {
            throw ApiException.badRequest("container " + requested + " is not valid for pod " + name);
        }
        return requested;
    }

    private static ApiException refusal(int code, InputStream body) throws IOException {
        String message = new String(body.readNBytes(MAX_ERROR_BYTES), StandardCharsets.UTF_8).trim();
        return switch (code) {
            case 400 -> ApiException.badRequest(message);
            case 404 -> ApiException.notFound(message);
            default -> new ApiException(code >= 500 ? 503 : code, code >= 500 ? "ServiceUnavailable" : "BadRequest",
                    "the kubelet answered " + code + ": " + message);
        };
    }

    private static boolean parseBool(String name, String value) {
        return switch (value) {
            case "", "1", "t", "T", "true", "TRUE", "True" -> true;
            case "0", "f", "F", "false", "FALSE", "False" -> false;
            default -> throw ApiException.badRequest(name + ": strconv.ParseBool: parsing \"" + value
                    + "\": invalid syntax");
        };
    }

    private static Long number(ApiRequest request, String name) {
        String value = request.param(name);
        if (value == null || value.isEmpty()) {
            return null;
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw ApiException.badRequest(name + ": strconv.ParseInt: parsing \"" + value + "\": invalid syntax");
        }
    }

    private static ApiException.Cause invalid(String field, long value, String why) {
        return new ApiException.Cause("FieldValueInvalid", "Invalid value: " + value + ": " + why, field);
    }

    private static String encode(Map<String, String> query) {
        if (query.isEmpty()) {
            return "";
        }
        StringBuilder s = new StringBuilder();
        query.forEach((k, v) -> s.append(s.isEmpty() ? "?" : "&").append(k).append('=')
                .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return s.toString();
    }
}
