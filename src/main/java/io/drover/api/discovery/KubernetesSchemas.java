package io.drover.api.discovery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.json.Mappers;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Kubernetes 1.32's own OpenAPI v3 component schemas of the kinds drover serves, as kube-apiserver
 * publishes them under {@code components.schemas}: what {@code kubectl explain} prints, and what
 * kubectl reads the merge keys and patch strategies from when it builds a strategic merge patch.
 *
 * <p>The schemas are Kubernetes' (Apache-2.0), written into the resource by
 * {@code scripts/vendor-openapi-schemas.py} from kube-apiserver's /openapi/v2 document; drover's own
 * validation does not use them.
 */
final class KubernetesSchemas {
    private static final String RESOURCE = "kubernetes-schemas.json";
    private static final String REF_PREFIX = "#/components/schemas/";

    private final ObjectNode schemas;

    private KubernetesSchemas(ObjectNode schemas) {
        this.schemas = schemas;
    }

    static KubernetesSchemas load() {
        try (InputStream in = KubernetesSchemas.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the class path");
            }
            return new KubernetesSchemas((ObjectNode) Mappers.json().readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }

    /**
     * The schemas of the kinds {@code kinds} names in one group version, with every schema they
     * reference, sorted by name (kube-apiserver lists them so), as {@code components.schemas}.
     *
     * @param kinds the kind names served in {@code group}/{@code version}
     */
    ObjectNode forGroupVersion(String group, String version, Set<String> kinds) {
        Deque<String> todo = new ArrayDeque<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = schemas.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> schema = it.next();
            if (namesKind(schema.getValue(), group, version, kinds)) {
                todo.add(schema.getKey());
            }
        }
        Map<String, JsonNode> kept = new TreeMap<>();
        while (!todo.isEmpty()) {
            String name = todo.pop();
            JsonNode schema = schemas.get(name);
            if (schema != null && kept.putIfAbsent(name, schema) == null) {
                collectReferences(schema, todo);
            }
        }
        ObjectNode result = JsonNodeFactory.instance.objectNode();
        kept.forEach(result::set);
        return result;
    }

    private static boolean namesKind(JsonNode schema, String group, String version, Set<String> kinds) {
        for (JsonNode gvk : schema.path("x-kubernetes-group-version-kind")) {
            if (gvk.path("group").asText().equals(group) && gvk.path("version").asText().equals(version)
                    && kinds.contains(gvk.path("kind").asText())) {
                return true;
            }
        }
        return false;
    }

    private static void collectReferences(JsonNode node, Deque<String> into) {
        if (node.isObject()) {
            JsonNode ref = node.get("$ref");
            if (ref != null && ref.isTextual() && ref.asText().startsWith(REF_PREFIX)) {
                into.add(ref.asText().substring(REF_PREFIX.length()));
            }
        }
        if (node.isContainerNode()) {
            node.forEach(child -> collectReferences(child, into));
        }
    }
}
