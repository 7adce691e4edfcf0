package io.drover.api.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.ApiException;
import io.drover.api.resource.ResourceType;
import io.drover.api.storage.ObjectStorage;
import io.drover.api.validation.FieldValidation;
import io.drover.json.MetaTime;
import java.io.IOException;
import java.time.Clock;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The pods' create-only subresources: {@code eviction}, which {@code kubectl drain} posts, and
 * {@code binding}, which schedulers post. Each answers a Status with code 201, as Kubernetes does.
 *
 * <p>An eviction deletes the pod with the Eviction's deleteOptions when its PodDisruptionBudget
 * allows ({@link Evictions}). A binding sets the spec.nodeName of a pod that has none, adds the Binding's annotations and sets
 * PodScheduled, as Kubernetes' BindingREST does.
 */
final class PodActions {
    static final String EVICTION = "eviction";
    static final String BINDING = "binding";
    private static final String JSON = "application/json";

    private final ObjectStorage storage;
    private final ObjectMapper json;
    private final Bodies bodies;
    private final Clock clock;
    private final Evictions evictions;

    PodActions(ObjectStorage storage, ObjectMapper json, Bodies bodies, Clock clock, Evictions evictions) {
        this.storage = storage;
        this.json = json;
        this.bodies = bodies;
        this.clock = clock;
        this.evictions = evictions;
    }

    static boolean serves(String subresource) {
        return EVICTION.equals(subresource) || BINDING.equals(subresource);
    }

    /** Whether {@code type} is the legacy bindings resource (POST /api/v1/namespaces/NS/bindings). */
    static boolean isLegacyBinding(ResourceType type) {
        return type.group().isEmpty() && type.plural().equals("bindings");
    }

    /**
     * POST /api/v1/namespaces/NS/bindings, kube-apiserver's LegacyBinding: pods/NAME/binding with the pod named by the
     * Binding's metadata.name (what older schedulers and fabric8's bindings() send).
     */
    void handleLegacyBinding(ApiRequest request, ResourcePath path, ResourceType pods, ApiResponse response)
            throws IOException {
        if (!request.method().equals("POST") || !path.isCollection() || path.subresource() != null) {
            throw ApiException.methodNotAllowed("the server does not allow this method on the requested resource");
        }
        if (path.namespace() == null) {
            throw ApiException.notFound("the server could not find the requested resource"); // namespaced only
        }
        handle(request, path, response, pods);
    }

    void handle(ApiRequest request, ResourcePath path, ApiResponse response) throws IOException {
        if (!request.method().equals("POST") || path.isCollection()) {
            throw ApiException.methodNotAllowed("the server does not allow this method on the requested resource");
        }
        handle(request, path, response, null);
    }

    /** @param legacyPods the pods resource when {@code path} is the legacy bindings resource, else null */
    private void handle(ApiRequest request, ResourcePath path, ApiResponse response, ResourceType legacyPods)
            throws IOException {
        WriteOptions options = WriteOptions.of(request, WriteOptions.Verb.CREATE);
        boolean dryRun = options.dryRun();
        BodyKind bodyKind = BodyKind.of(path);
        Bodies.Parsed parsed = bodies.parse(request.body().read(), request.header("content-type"), bodyKind,
                options.fieldValidation() != FieldValidation.IGNORE);
        if (!(parsed.tree() instanceof ObjectNode body)) {
            throw ApiException.badRequest("the request body must be a JSON object");
        }
        String kind = bodyKind.kind();
        // Decoded as kube-apiserver's create handler decodes it: a value of the wrong type refused, unknown fields
        // refused under Strict, else dropped (with a warning each under Warn).
        FieldChecks.apply(options.fieldValidation(), bodyKind, body, response, parsed.objectDecoding());
        SubresourceBodies.checkKindAndNamespace(body, path.namespace(), kind,
                kind.equals("Eviction") ? List.of("policy/v1", "policy/v1beta1") : List.of("v1"));
        if (legacyPods != null) {
            String pod = body.path("metadata").path("name").asText("");
            if (pod.isEmpty()) {
                throw ApiException.invalid("Binding", "", List.of(new ApiException.Cause("FieldValueRequired",
                        "name or generateName is required", "metadata.name")));
            }
            if (pod.equals(".") || pod.equals("..") || pod.contains("/") || pod.contains("%")) {
                // IsValidPathSegmentName, as the store's key function checks it.
                throw ApiException.badRequest("Name parameter invalid: \"" + pod + "\": may not be '.' or '..' and "
                        + "may not contain '/' or '%'");
            }
            path = new ResourcePath(legacyPods, path.namespace(), pod, BINDING);
        } else if (!body.path("metadata").path("name").asText("").equals(path.name())) {
            throw ApiException.badRequest("name in URL does not match name in " + kind + " object");
        }
        if (EVICTION.equals(path.subresource())) {
            evict(path, body, DryRun.queried(request));
        } else {
            bind(path, body, dryRun);
        }
        ObjectNode status = json.createObjectNode();
        status.put("kind", "Status");
        status.put("apiVersion", "v1");
        status.putObject("metadata");
        status.put("status", "Success");
        status.put("code", 201);
        response.send(201, JSON, json.writeValueAsBytes(status));
    }

    private void evict(ResourcePath path, ObjectNode eviction, List<String> queryDryRun) {
        evictions.evict(path.type(), path.namespace(), path.name(), eviction.path("deleteOptions"), queryDryRun);
    }

    private void bind(ResourcePath path, ObjectNode binding, boolean dryRun) {
        String targetKind = binding.path("target").path("kind").asText("");
        String target = binding.path("target").path("name").asText("");
        if (!targetKind.isEmpty() && !targetKind.equals("Node")) {
            throw ApiException.invalid("Binding", path.name(), List.of(new ApiException.Cause("FieldValueNotSupported",
                    "Unsupported value: \"" + targetKind + "\": supported values: \"Node\", \"<empty>\"",
                    "target.kind")));
        }
        if (target.isEmpty()) {
            throw ApiException.invalid("Binding", path.name(), List.of(new ApiException.Cause("FieldValueRequired",
                    "Required value", "target.name")));
        }
        JsonNode preconditions = binding.path("metadata");
        storage.update(path.type(), path.namespace(), path.name(), pod -> {
            ObjectNode metadata = pod.withObject("metadata");
            String uid = preconditions.path("uid").asText("");
            if (!uid.isEmpty() && !uid.equals(metadata.path("uid").asText())) {
                throw conflict(path, "Precondition failed: UID in precondition: " + uid + ", UID in object meta: "
                        + metadata.path("uid").asText());
            }
            if (metadata.hasNonNull("deletionTimestamp")) {
                throw conflict(path, "pod " + path.name() + " is being deleted, cannot be assigned to a host");
            }
            String node = pod.path("spec").path("nodeName").asText("");
            if (!node.isEmpty()) {
                throw conflict(path, "pod " + path.name() + " is already assigned to node \"" + node + "\"");
            }
            if (!pod.path("spec").path("schedulingGates").isEmpty()) {
                throw conflict(path, "pod " + path.name() + " has non-empty .spec.schedulingGates");
            }
            pod.withObject("spec").put("nodeName", target);
            for (Iterator<Map.Entry<String, JsonNode>> it = binding.path("metadata").path("annotations").fields();
                    it.hasNext(); ) {
                Map.Entry<String, JsonNode> annotation = it.next();
                metadata.withObject("annotations").put(annotation.getKey(), annotation.getValue().asText());
            }
            String resourceVersion = preconditions.path("resourceVersion").asText("");
            if (!resourceVersion.isEmpty()) {
                metadata.put("resourceVersion", resourceVersion);
            } else {
                metadata.remove("resourceVersion");
            }
            return pod;
        }, false, dryRun);
        if (!dryRun) {
            storage.update(path.type(), path.namespace(), path.name(), this::markScheduled, true, false);
        }
    }

    /** PodScheduled=True, as Kubernetes' binding sets it in the same write. */
    private ObjectNode markScheduled(ObjectNode pod) {
        pod.withObject("metadata").remove("resourceVersion");
        ObjectNode status = pod.withObject("status");
        if (status.path("phase").asText("").isEmpty()) {
            status.put("phase", "Pending");
        }
        ArrayNode conditions = status.withArray("conditions");
        for (int i = conditions.size() - 1; i >= 0; i--) {
            if ("PodScheduled".equals(conditions.get(i).path("type").asText())) {
                if ("True".equals(conditions.get(i).path("status").asText())) {
                    return pod;
                }
                conditions.remove(i);
            }
        }
        ObjectNode scheduled = conditions.addObject();
        scheduled.put("type", "PodScheduled");
        scheduled.put("status", "True");
        scheduled.putNull("lastProbeTime");
        scheduled.put("lastTransitionTime", MetaTime.now(clock));
        return pod;
    }

    private static ApiException conflict(ResourcePath path, String why) {
        return new ApiException(409, "Conflict", "Operation cannot be fulfilled on pods/binding \"" + path.name()
                + "\": " + why, path.type(), path.name(), List.of());
    }
}
