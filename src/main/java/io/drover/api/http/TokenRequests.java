package io.drover.api.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.ApiException;
import io.drover.api.resource.ResourceRegistry;
import io.drover.api.resource.ResourceType;
import io.drover.api.security.ServiceAccountTokens;
import io.drover.api.storage.ObjectStorage;
import io.drover.api.validation.FieldValidation;
import io.drover.json.MetaTime;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * serviceaccounts/token, what {@code kubectl create token} posts: kube-apiserver's TokenREST. The
 * answer is the TokenRequest with its spec filled in (the API server's audience when none was
 * asked for, an expiration of an hour by default) and status.token, a service account token for
 * that spec ({@link ServiceAccountTokens}). A token may be bound to a Pod, Secret or Node of the
 * namespace, which must exist with the uid given; it is valid while the object exists.
 */
final class TokenRequests {
    static final String TOKEN = "token";
    private static final String JSON_TYPE = "application/json";
    private static final long DEFAULT_EXPIRATION = 3600;
    private static final long MIN_EXPIRATION = 600;
    private static final long MAX_EXPIRATION = 1L << 32;
    private static final Map<String, String> BOUND_KINDS = Map.of("Pod", "pods", "Secret", "secrets", "Node", "nodes");

    private final ObjectStorage storage;
    private final ResourceRegistry registry;
    private final ObjectMapper json;
    private final Bodies bodies;
    private final ServiceAccountTokens tokens;
    private final Clock clock;

    TokenRequests(ObjectStorage storage, ResourceRegistry registry, ObjectMapper json, Bodies bodies,
            ServiceAccountTokens tokens, Clock clock) {
        this.storage = storage;
        this.registry = registry;
        this.json = json;
        this.bodies = bodies;
        this.tokens = tokens;
        this.clock = clock;
    }

    static boolean serves(ResourcePath path) {
        return TOKEN.equals(path.subresource()) && path.type().plural().equals("serviceaccounts");
    }

    void handle(ApiRequest request, ResourcePath path, ApiResponse response) throws IOException {
        if (!request.method().equals("POST") || path.isCollection()) {
            throw ApiException.methodNotAllowed("the server does not allow this method on the requested resource");
        }
        FieldValidation validation = WriteOptions.of(request, WriteOptions.Verb.CREATE).fieldValidation();
        BodyKind kind = BodyKind.of(path);
        Bodies.Parsed parsed = bodies.parse(request.body().read(), request.header("content-type"), kind,
                validation != FieldValidation.IGNORE);
        if (!(parsed.tree() instanceof ObjectNode tokenRequest)) {
            throw ApiException.badRequest("the request body must be a JSON object");
        }
        // Decoded as kube-apiserver's create handler decodes it: unknown fields are refused under Strict and
        // otherwise dropped, so the answer, which is the request completed, never echoes them.
        FieldChecks.apply(validation, kind, tokenRequest, response, parsed.objectDecoding());
        String requestName = tokenRequest.path("metadata").path("name").asText("");
        if (!requestName.isEmpty() && !requestName.equals(path.name())) {
            throw ApiException.badRequest("name in URL does not match name in TokenRequest object");
        }
        ObjectNode spec = tokenRequest.withObject("spec");
        long expiration = spec.hasNonNull("expirationSeconds") ? spec.get("expirationSeconds").asLong()
                : DEFAULT_EXPIRATION;
        spec.put("expirationSeconds", expiration);
        if (spec.path("audiences").isEmpty()) {
            spec.putArray("audiences").add(ServiceAccountTokens.ISSUER);
        }
        validate(expiration);

        ObjectNode account = storage.get(path.type(), path.namespace(), path.name());
        ServiceAccountTokens.BoundObject bound = boundObject(path.namespace(), spec.path("boundObjectRef"));
        Instant now = clock.instant();
        Instant expires = now.plusSeconds(expiration);
        List<String> audiences = new ArrayList<>();
        spec.path("audiences").forEach(a -> audiences.add(a.asText()));
        String token = tokens.issue(ServiceAccountTokens.Claims.issued(path.namespace(), path.name(),
                account.path("metadata").path("uid").asText(), bound, nodeOf(bound, path.namespace()), audiences, now,
                expires));

        ObjectNode answer = json.createObjectNode();
        answer.put("kind", "TokenRequest");
        answer.put("apiVersion", "authentication.k8s.io/v1");
        ObjectNode metadata = answer.putObject("metadata");
        metadata.put("name", path.name());
        metadata.put("namespace", path.namespace());
        metadata.put("creationTimestamp", MetaTime.format(now));
        answer.set("spec", spec);
        answer.putObject("status").put("token", token)
                .put("expirationTimestamp", MetaTime.format(expires));
        response.send(201, JSON_TYPE, json.writeValueAsBytes(answer));
    }

    /** ValidateTokenRequest. */
    private static void validate(long expiration) {
        List<ApiException.Cause> causes = new ArrayList<>();
        if (expiration < MIN_EXPIRATION) {
            causes.add(new ApiException.Cause("FieldValueInvalid", "Invalid value: " + expiration
                    + ": may not specify a duration less than 10 minutes", "spec.expirationSeconds"));
        }
        if (expiration > MAX_EXPIRATION) {
            causes.add(new ApiException.Cause("FieldValueInvalid", "Invalid value: " + expiration
                    + ": may not specify a duration larger than 2^32 seconds", "spec.expirationSeconds"));
        }
        if (!causes.isEmpty()) {
            throw ApiException.invalid("TokenRequest.authentication.k8s.io", "", causes);
        }
    }

    /**
     * The node a token bound to a scheduled pod also names (ServiceAccountTokenPodNodeInfo, on since 1.30), or a
     * node-bound token's node; null otherwise.
     */
    private ServiceAccountTokens.BoundObject nodeOf(ServiceAccountTokens.BoundObject bound, String namespace) {
        if (bound == null || bound.kind().equals("Secret")) {
            return null;
        }
        if (bound.kind().equals("Node")) {
            return bound;
        }
        ResourceType pods = registry.find("", "v1", "pods").orElseThrow();
        String nodeName = storage.get(pods, namespace, bound.name()).path("spec").path("nodeName").asText("");
        if (nodeName.isEmpty()) {
            return null;
        }
        ResourceType nodes = registry.find("", "v1", "nodes").orElseThrow();
        try {
            return new ServiceAccountTokens.BoundObject("Node", nodeName,
                    storage.get(nodes, null, nodeName).path("metadata").path("uid").asText());
        } catch (ApiException e) {
            if (e.code() != 404) {
                throw e;
            }
            return new ServiceAccountTokens.BoundObject("Node", nodeName, ""); // named without a uid, as kube does
        }
    }

    /** The bound object, checked as TokenREST checks it: a known kind, existing, with the uid given; null for none. */
    private ServiceAccountTokens.BoundObject boundObject(String namespace, JsonNode ref) {
        if (ref.isMissingNode() || ref.isNull()) {
            return null;
        }
        String kind = ref.path("kind").asText("");
        String name = ref.path("name").asText("");
        String plural = BOUND_KINDS.get(kind);
        if (plural == null) {
            throw ApiException.badRequest("cannot bind token for serviceaccount to object of type " + kind);
        }
        ResourceType type = registry.find("", "v1", plural).orElseThrow();
        ObjectNode object = storage.get(type, type.namespaced() ? namespace : null, name);
        String uid = object.path("metadata").path("uid").asText();
        String wanted = ref.path("uid").asText("");
        if (!wanted.isEmpty() && !wanted.equals(uid)) {
            throw ApiException.conflict(type, name, "the UID in the bound object reference (" + wanted
                    + ") does not match the UID in record. The object might have been deleted and then recreated");
        }
        return new ServiceAccountTokens.BoundObject(kind, name, uid);
    }
}
