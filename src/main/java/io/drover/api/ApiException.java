package io.drover.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.resource.ResourceType;
import java.util.List;

/**
 * A request the API server refuses, with the HTTP code, the Kubernetes StatusReason and a message
 * worded as Kubernetes words it, so kubectl prints the familiar "Error from server (NotFound): ...".
 */
public final class ApiException extends RuntimeException {

    /** One field-level problem of an Invalid object. */
    public record Cause(String reason, String message, String field) {}

    private final int code;
    private final String reason;
    private final String name;
    private final ResourceType type;
    private final List<Cause> causes;
    private final boolean detailsNameKind;
    /** details.retryAfterSeconds (and the Retry-After header the router adds), 0 for none. */
    private final int retryAfterSeconds;
    /** The Status's metadata.continue: where an expired list may go on, inconsistently; null for none. */
    private String listContinue;
    /** details.group and details.kind of an error about something that is not a resource (its options); null for none. */
    private GroupKind optionsGroupKind;

    private record GroupKind(String group, String kind) {}

    public ApiException(int code, String reason, String message, ResourceType type, String name, List<Cause> causes) {
        this(code, reason, message, type, name, causes, false);
    }

    private ApiException(int code, String reason, String message, ResourceType type, String name, List<Cause> causes,
            boolean detailsNameKind) {
        this(code, reason, message, type, name, causes, detailsNameKind, 0);
    }

    private ApiException(int code, String reason, String message, ResourceType type, String name, List<Cause> causes,
            boolean detailsNameKind, int retryAfterSeconds) {
        super(message);
        this.retryAfterSeconds = retryAfterSeconds;
        this.code = code;
        this.reason = reason;
        this.type = type;
        this.name = name;
        this.causes = List.copyOf(causes);
        this.detailsNameKind = detailsNameKind;
    }

    public ApiException(int code, String reason, String message) {
        this(code, reason, message, null, null, List.of());
    }

    public int code() {
        return code;
    }

    public String reason() {
        return reason;
    }

    /** How long a client should wait before trying again; 0 for no advice. */
    public int retryAfterSeconds() {
        return retryAfterSeconds;
    }

    /**
     * A request that did not finish in time and may still take effect, as kube-apiserver's request
     * finisher answers it (NewTimeoutError).
     */
    public static ApiException requestTimeout() {
        return new ApiException(504, "Timeout",
                "Timeout: request did not complete within requested timeout - context deadline exceeded");
    }

    public static ApiException notFound(ResourceType type, String name) {
        return new ApiException(404, "NotFound", type.qualifiedName() + " \"" + name + "\" not found", type, name,
                List.of());
    }

    public static ApiException notFound(String message) {
        return new ApiException(404, "NotFound", message);
    }

    public static ApiException alreadyExists(ResourceType type, String name) {
        return new ApiException(409, "AlreadyExists", type.qualifiedName() + " \"" + name + "\" already exists", type,
                name, List.of());
    }

    /** The optimistic-concurrency failure, worded as Kubernetes' storage layer words it. */
    public static ApiException conflict(ResourceType type, String name) {
        return new ApiException(409, "Conflict", "Operation cannot be fulfilled on " + type.qualifiedName() + " \""
                + name + "\": the object has been modified; please apply your changes to the latest version and "
                + "try again", type, name, List.of());
    }

    public static ApiException conflict(ResourceType type, String name, String why) {
        return new ApiException(409, "Conflict", "Operation cannot be fulfilled on " + type.qualifiedName() + " \""
                + name + "\": " + why, type, name, List.of());
    }

    /**
     * 409 Conflict naming the kind rather than the resource, as rest.BeforeDelete's precondition
     * errors do (GroupResource{Resource: Kind}): "Operation cannot be fulfilled on Deployment.apps ...".
     */
    public static ApiException conflictOnKind(ResourceType type, String name, String why) {
        String qualifiedKind = type.group().isEmpty() ? type.kind() : type.kind() + "." + type.group();
        return new ApiException(409, "Conflict", "Operation cannot be fulfilled on " + qualifiedKind + " \"" + name
                + "\": " + why, type, name, List.of(), true);
    }

    /**
     * 422 Invalid. As Kubernetes' NewInvalid, the message and details name the group-qualified kind
     * ("Deployment.apps"), not the resource, so kubectl prints "The Deployment "x" is invalid".
     */
    public static ApiException invalid(ResourceType type, String name, List<Cause> causes) {
        String qualifiedKind = type.group().isEmpty() ? type.kind() : type.kind() + "." + type.group();
        return new ApiException(422, "Invalid", invalidMessage(qualifiedKind, name, causes), type, name, causes, true);
    }

    /**
     * 422 Invalid for something that is not a resource: a request's options ("PodLogOptions",
     * "ListOptions.meta.k8s.io"), as Kubernetes validates them.
     */
    public static ApiException invalid(String qualifiedKind, String name, List<Cause> causes) {
        ApiException invalid = new ApiException(422, "Invalid", invalidMessage(qualifiedKind, name, causes), null,
                name.isEmpty() ? null : name, causes);
        // NewInvalid's details name the GroupKind it was given: "DeleteOptions.meta.k8s.io" is kind DeleteOptions of
        // group meta.k8s.io.
        int dot = qualifiedKind.indexOf('.');
        invalid.optionsGroupKind = dot < 0 ? new GroupKind("", qualifiedKind)
                : new GroupKind(qualifiedKind.substring(dot + 1), qualifiedKind.substring(0, dot));
        return invalid;
    }

    /** This error with another message, everything else as it is. */
    public ApiException withMessage(String message) {
        ApiException copy = new ApiException(code, reason, message, type, name, causes, detailsNameKind,
                retryAfterSeconds);
        copy.listContinue = listContinue;
        copy.optionsGroupKind = optionsGroupKind;
        return copy;
    }

    /**
     * This 422 as a request through another version of the resource gets it: naming {@code served}'s kind and
     * group (an events.k8s.io request's errors name Event.events.k8s.io, whatever version stores it), its causes
     * as they are (Kubernetes names fields after its internal type, whichever version served the request);
     * anything else unchanged.
     */
    public ApiException asServed(ResourceType served) {
        if (code != 422 || type == null || causes.isEmpty()) {
            return this;
        }
        return invalid(served, name, causes);
    }

    /** NewInvalid's message: {@code Kind "name" is invalid: field: message}, several in brackets. */
    private static String invalidMessage(String qualifiedKind, String name, List<Cause> causes) {
        StringBuilder message = new StringBuilder(qualifiedKind).append(" \"").append(name).append("\" is invalid: ");
        if (causes.size() > 1) {
            message.append('[');
        }
        for (int i = 0; i < causes.size(); i++) {
            Cause c = causes.get(i);
            message.append(i > 0 ? ", " : "").append(c.field().isEmpty() ? "" : c.field() + ": ").append(c.message());
        }
        if (causes.size() > 1) {
            message.append(']');
        }
        return message.toString();
    }

    /**
     * A read at a resourceVersion the store has not reached, as Kubernetes' storage layer answers it
     * (NewTooLargeResourceVersionError: NewTimeoutError's 504 with its "Timeout: " prefix, a
     * ResourceVersionTooLarge cause, and the watch cache's retry after 1 s, which client-go honours).
     */
    public static ApiException resourceVersionTooLarge(long requested, long current) {
        return new ApiException(504, "Timeout", "Timeout: Too large resource version: " + requested + ", current: "
                + current, null, null, List.of(new Cause("ResourceVersionTooLarge", "Too large resource version", null)),
                false, 1);
    }

    public static ApiException badRequest(String message) {
        return new ApiException(400, "BadRequest", message);
    }

    public static ApiException gone(String message) {
        return new ApiException(410, "Expired", message);
    }

    /** A 410 whose Status carries {@code continueToken} in its metadata, as an expired continue token's does. */
    public static ApiException gone(String message, String continueToken) {
        ApiException gone = gone(message);
        gone.listContinue = continueToken;
        return gone;
    }

    public static ApiException methodNotAllowed(String message) {
        return new ApiException(405, "MethodNotAllowed", message);
    }

    public static ApiException unsupportedMediaType() {
        return new ApiException(415, "UnsupportedMediaType", "the body of the request was in an unknown format - "
                + "accepted media types include: application/json, application/yaml, "
                + "application/vnd.kubernetes.protobuf");
    }

    /** A PATCH whose Content-Type is no patch type, worded as kube-apiserver's patch handler words it. */
    public static ApiException unsupportedPatchType() {
        return new ApiException(415, "UnsupportedMediaType", "the body of the request was in an unknown format - "
                + "accepted media types include: application/json-patch+json, application/merge-patch+json, "
                + "application/strategic-merge-patch+json, application/apply-patch+yaml");
    }

    public static ApiException tooLarge(String message) {
        return new ApiException(413, "RequestEntityTooLarge", message);
    }

    public static ApiException unauthorized() {
        return new ApiException(401, "Unauthorized", "Unauthorized");
    }

    public static ApiException unavailable(String message) {
        return new ApiException(503, "ServiceUnavailable", message);
    }

    /** 429 TooManyRequests, as apierrors.NewTooManyRequests: a client should try again after a while. */
    public static ApiException tooManyRequests(String message, int retryAfterSeconds, List<Cause> causes) {
        return new ApiException(429, "TooManyRequests", message, null, null, causes, false, retryAfterSeconds);
    }

    /** 500 InternalError, as apierrors.NewInternalError: the error again as the one cause, a message alone. */
    public static ApiException internal(String message) {
        return new ApiException(500, "InternalError", "Internal error occurred: " + message, null, null,
                List.of(new Cause(null, message, null)));
    }

    /** The meta/v1 Status object sent as the response body. */
    public ObjectNode toStatus() {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode status = f.objectNode();
        status.put("kind", "Status");
        status.put("apiVersion", "v1");
        ObjectNode metadata = status.putObject("metadata");
        if (listContinue != null) {
            metadata.put("continue", listContinue);
        }
        status.put("status", "Failure");
        status.put("message", getMessage());
        if (!reason.isEmpty()) {
            status.put("reason", reason); // StatusReason is omitempty: a bare Status has none
        }
        if (type != null || !causes.isEmpty() || retryAfterSeconds > 0) {
            ObjectNode details = status.putObject("details");
            if (name != null) {
                details.put("name", name);
            }
            if (type != null) {
                if (!type.group().isEmpty()) {
                    details.put("group", type.group()); // omitempty: the core group is left out
                }
                details.put("kind", detailsNameKind ? type.kind() : type.plural());
            } else if (optionsGroupKind != null) {
                if (!optionsGroupKind.group().isEmpty()) {
                    details.put("group", optionsGroupKind.group()); // omitempty
                }
                if (!optionsGroupKind.kind().isEmpty()) {
                    details.put("kind", optionsGroupKind.kind()); // omitempty: a patch's errors name no kind
                }
            }
            if (!causes.isEmpty()) {
                ArrayNode list = details.putArray("causes");
                for (Cause c : causes) {
                    ObjectNode cause = list.addObject();
                    if (c.reason() != null) {
                        cause.put("reason", c.reason()); // CauseType is omitempty: NewInternalError's has none
                    }
                    cause.put("message", c.message());
                    if (c.field() != null) {
                        cause.put("field", c.field());
                    }
                }
            }
            if (retryAfterSeconds > 0) {
                details.put("retryAfterSeconds", retryAfterSeconds);
            }
        }
        status.put("code", code);
        return status;
    }
}
