package io.drover.api.apply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * apiserver's {@code lastAppliedUpdater}: a server-side apply by the manager {@code kubectl} to an object that has
 * client-side apply's last-applied-configuration annotation rewrites that annotation as the applied configuration,
 * so a later client-side apply diffs against what was really applied. Ownership is untouched.
 */
public final class LastApplied {
    public static final String ANNOTATION = "kubectl.kubernetes.io/last-applied-configuration";
    private static final String KUBECTL = "kubectl";

    private LastApplied() {}

    /**
     * Updates {@code merged} (which it mutates) after {@code manager} applied {@code applied}: when the manager is
     * {@code kubectl} and {@code merged} has the annotation, it becomes {@code applied} as JSON (keys sorted, as Go
     * encodes maps), without the annotation itself and without managedFields.
     */
    public static void sync(ObjectNode merged, ObjectNode applied, String manager) {
        if (!KUBECTL.equals(manager)
                || !(merged.path("metadata").path("annotations") instanceof ObjectNode annotations)
                || !annotations.has(ANNOTATION)) {
            return;
        }
        ObjectNode config = ManagedFields.withoutManagedFields(applied);
        if (config.path("metadata").path("annotations") instanceof ObjectNode own) {
            own.remove(ANNOTATION);
        }
        annotations.put(ANNOTATION, Json.compact(sortedDeep(config)));
    }

    private static JsonNode sortedDeep(JsonNode node) {
        if (node instanceof ObjectNode object) {
            List<Map.Entry<String, JsonNode>> fields = new ArrayList<>(object.properties());
            fields.sort(Map.Entry.comparingByKey());
            ObjectNode copy = JsonNodeFactory.instance.objectNode();
            fields.forEach(e -> copy.set(e.getKey(), sortedDeep(e.getValue())));
            return copy;
        }
        if (node instanceof ArrayNode array) {
            ArrayNode copy = JsonNodeFactory.instance.arrayNode();
            array.forEach(item -> copy.add(sortedDeep(item)));
            return copy;
        }
        return node;
    }
}
