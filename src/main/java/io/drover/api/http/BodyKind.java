package io.drover.api.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.ApiException;
import io.drover.api.discovery.Subresource;
import io.drover.api.resource.ResourceType;
import java.util.Map;

/**
 * The type of the object a write's body carries at its endpoint: a Deployment at {@code deployments} and
 * {@code deployments/status}, an autoscaling/v1 Scale at {@code deployments/scale}, a policy/v1 Eviction at
 * {@code pods/eviction}. It is what kube-apiserver's decoders take a body that names no apiVersion or kind to be
 * (the request scope's kind, passed to Decode as the default), and what strict decoding checks the body against.
 *
 * @param apiVersion "v1" or "group/version"
 * @param kind the kind, e.g. "Scale"
 */
record BodyKind(String apiVersion, String kind) {

    /** The kind of the objects of {@code type}. */
    static BodyKind of(ResourceType type) {
        return new BodyKind(type.apiVersion(), type.kind());
    }

    /** The kind a write to {@code path} takes: its subresource's, as discovery describes it, else its resource's. */
    static BodyKind of(ResourcePath path) {
        if (path.subresource() == null) {
            return of(path.type());
        }
        Subresource subresource = Subresource.of(path.type(), path.subresource());
        return new BodyKind(subresource.apiVersion(), subresource.kind());
    }

    /**
     * {@code body} with the apiVersion and kind it does not name (absent, null or empty) taken from this kind, as
     * apimachinery's JSON and YAML serializer completes a body's group, version and kind from the default it is
     * given (gvkWithDefaults): an object stored, recorded in managedFields and answered with them. A body that names
     * another kind or version keeps it, for the caller to refuse. Anything but an object is returned as it is.
     */
    JsonNode defaultsOf(JsonNode body) {
        if (!(body instanceof ObjectNode object)) {
            return body;
        }
        boolean hasVersion = named(object, "apiVersion");
        boolean hasKind = named(object, "kind");
        if (hasVersion && hasKind) {
            return object;
        }
        // apiVersion and kind first, where Kubernetes writes them.
        ObjectNode completed = object.objectNode();
        completed.set("apiVersion", hasVersion ? object.get("apiVersion") : completed.textNode(apiVersion));
        completed.set("kind", hasKind ? object.get("kind") : completed.textNode(kind));
        for (Map.Entry<String, JsonNode> member : object.properties()) {
            if (!member.getKey().equals("apiVersion") && !member.getKey().equals("kind")) {
                completed.set(member.getKey(), member.getValue());
            }
        }
        return completed;
    }

    /**
     * Refuses a server-side apply's configuration that does not name its apiVersion and kind. Apply takes no
     * defaults: kube-apiserver's apply patcher reads the configuration as an unstructured object and its field
     * manager's version check refuses any type but the endpoint's, an absent apiVersion or kind included, as
     * {@code invalid object type: /, Kind=} (the group version kind as Go prints it).
     *
     * @throws ApiException 400 when the configuration names no apiVersion or no kind
     */
    static void requireNamedInApply(ObjectNode configuration) {
        if (named(configuration, "apiVersion") && named(configuration, "kind")) {
            return;
        }
        JsonNode version = configuration.path("apiVersion");
        String apiVersion = version.isTextual() ? version.asText() : "";
        String kind = configuration.path("kind").isTextual() ? configuration.path("kind").asText() : "";
        int slash = apiVersion.indexOf('/');
        String groupVersion = slash < 0 ? "/" + apiVersion : apiVersion;
        throw ApiException.badRequest("invalid object type: " + groupVersion + ", Kind=" + kind);
    }

    /** Whether the body names a value for {@code member}: Go's TypeMeta reads null and "" as none. */
    private static boolean named(ObjectNode object, String member) {
        JsonNode value = object.get(member);
        return value != null && !value.isNull() && !(value.isTextual() && value.asText().isEmpty());
    }
}
