package io.drover.api.http;

import io.drover.api.ApiException;
import io.drover.api.resource.ResourceRegistry;
import io.drover.api.resource.ResourceType;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * A request path that names a resource: {@code /api/v1/...} or {@code /apis/<group>/<version>/...}
 * followed by {@code [namespaces/<ns>/]<resource>[/<name>[/<subresource>]]}.
 *
 * @param type the resource
 * @param namespace the namespace, or null for a cluster-scoped resource or an all-namespaces list
 * @param name the object's name, or null for the collection
 * @param subresource "status", "scale", ..., or null
 */
public record ResourcePath(ResourceType type, String namespace, String name, String subresource) {

    public boolean isCollection() {
        return name == null;
    }

    /**
     * Parses {@code path}; empty when it is not a resource path (discovery, health, ...).
     *
     * @throws ApiException 404 when it looks like a resource path but names no served resource
     */
    public static Optional<ResourcePath> parse(String path, ResourceRegistry registry) {
        List<String> parts = Arrays.stream(path.split("/")).filter(s -> !s.isEmpty()).toList();
        String group;
        String version;
        List<String> rest;
        if (parts.size() >= 3 && parts.get(0).equals("api")) {
            group = "";
            version = parts.get(1);
            rest = parts.subList(2, parts.size());
        } else if (parts.size() >= 4 && parts.get(0).equals("apis")) {
            group = parts.get(1);
            version = parts.get(2);
            rest = parts.subList(3, parts.size());
        } else {
            return Optional.empty();
        }
        // namespaces/<ns>/<resource>... names a namespaced resource; namespaces[/<name>[/<sub>]] the
        // namespaces themselves.
        if (rest.size() >= 3 && rest.get(0).equals("namespaces")) {
            ResourceType type = registry.find(group, version, rest.get(2))
                    .filter(ResourceType::namespaced)
                    .orElse(null);
            if (type != null) {
                if (rest.size() > 5) {
                    throw notFound();
                }
                return Optional.of(new ResourcePath(type, rest.get(1), at(rest, 3), at(rest, 4)));
            }
        }
        ResourceType type = registry.find(group, version, rest.get(0)).orElseThrow(ResourcePath::notFound);
        if (rest.size() > 3) {
            throw notFound();
        }
        String name = at(rest, 1);
        if (type.namespaced() && name != null) {
            // A namespaced resource addressed by name needs its namespace.
            throw notFound();
        }
        return Optional.of(new ResourcePath(type, null, name, at(rest, 2)));
    }

    private static String at(List<String> parts, int i) {
        return i < parts.size() ? parts.get(i) : null;
    }

    private static ApiException notFound() {
        return ApiException.notFound("the server could not find the requested resource");
    }
}
