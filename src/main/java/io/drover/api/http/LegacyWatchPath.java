package io.drover.api.http;

import io.drover.api.ApiException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The deprecated watch paths kube-apiserver still serves: {@code /api/v1/watch/...} and
 * {@code /apis/<group>/<version>/watch/...}, a list path with {@code watch/} after the version.
 * Each is the list path with {@code watch=true}; one that names an object watches that object
 * alone, as a {@code metadata.name} field selector (kube-apiserver's ListResource with forceWatch).
 * Old clients and scripts (client-go before 1.10, curl recipes) use them.
 */
final class LegacyWatchPath {
    private static final String WATCH = "watch";
    private static final String NAME_FIELD = "metadata.name";

    private LegacyWatchPath() {}

    /** {@code request} as the list request it stands for, or empty when its path is not a legacy watch path. */
    static Optional<ApiRequest> rewrite(ApiRequest request, String path) {
        List<String> parts = new ArrayList<>(List.of(path.split("/", -1)));
        // ["", "api", "v1", "watch", ...] or ["", "apis", group, version, "watch", ...]
        String root = parts.size() > 1 ? parts.get(1) : "";
        int watchAt = switch (root) {
            case "api" -> 3;
            case "apis" -> 4;
            default -> -1;
        };
        if (watchAt < 0 || parts.size() <= watchAt + 1 || !parts.get(watchAt).equals(WATCH)) {
            return Optional.empty();
        }
        if (!request.method().equals("GET")) {
            throw ApiException.methodNotAllowed("the server does not allow this method on the requested resource");
        }
        parts.remove(watchAt);
        List<String> rest = parts.subList(watchAt, parts.size());
        // namespaces/<ns>/<resource>/<name> or <resource>/<name>; "namespaces/<name>" is a namespace.
        boolean inNamespace = rest.size() >= 3 && rest.get(0).equals("namespaces");
        int nameAt = inNamespace ? 3 : 1;
        Map<String, List<String>> query = new HashMap<>(request.query());
        query.put(WATCH, List.of("true"));
        if (rest.size() > nameAt) {
            String name = rest.get(nameAt);
            if (rest.size() > nameAt + 1) {
                throw ApiException.notFound("the server could not find the requested resource");
            }
            query.put("fieldSelector", List.of(nameSelector(request.param("fieldSelector"), name)));
            parts = parts.subList(0, watchAt + nameAt);
        }
        return Optional.of(new ApiRequest(request.method(), String.join("/", parts), Map.copyOf(query),
                request.headers(), request.body()));
    }

    /** The selector of one object's watch: its name, or the client's own selector when that names the same object. */
    private static String nameSelector(String clientSelector, String name) {
        if (clientSelector == null || clientSelector.isEmpty()) {
            return NAME_FIELD + "=" + name;
        }
        boolean sameName = List.of(clientSelector.split(",")).stream()
                .anyMatch(term -> term.equals(NAME_FIELD + "=" + name) || term.equals(NAME_FIELD + "==" + name));
        if (!sameName) {
            throw ApiException.badRequest("fieldSelector metadata.name doesn't match requested name");
        }
        return clientSelector;
    }
}
