package io.drover.api.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.patch.PatchSchema.ListStrategy;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code $setElementOrder/<list>}: kubectl sends the order of a merge list's elements (by merge key, or the
 * values of a primitive list) next to the changed elements, so the result keeps the order of the manifest.
 * After apimachinery's mergePatchIntoOriginal: the named list is merged first, then ordered, with precedence
 * {@code $setElementOrder} > patch order > server order; elements the order does not name are the server's own
 * and keep their place among their neighbours.
 */
final class ElementOrder {
    private ElementOrder() {}

    /** Consumes every {@code $setElementOrder} key of {@code patch}, and the lists they order. */
    static void apply(ObjectNode original, ObjectNode patch, PatchSchema schema) {
        for (String key : StrategicMergePatch.fieldNames(patch)) {
            if (!key.startsWith(StrategicMergePatch.SET_ELEMENT_ORDER)) {
                continue;
            }
            JsonNode order = patch.remove(key);
            String field = StrategicMergePatch.listField(key, StrategicMergePatch.SET_ELEMENT_ORDER);
            if (!order.isArray()) {
                throw new PatchException(key + ": " + order + " (expected: a list)");
            }
            ListStrategy strategy = schema.list(field);
            JsonNode current = original.get(field);
            JsonNode changes = patch.get(field);
            // Only merge lists have an order to keep; anything else is left to the ordinary merge, which replaces.
            if (!strategy.merge() || (current != null && !current.isArray())
                    || (changes != null && !changes.isArray()) || (current == null && changes == null)) {
                continue;
            }
            String mergeKey = strategy.mergeKey();
            List<JsonNode> wanted = ListMerge.list((ArrayNode) order);
            requireKeys(key, wanted, mergeKey);
            if (changes != null) {
                requireSameOrder(key, ListMerge.list((ArrayNode) changes), wanted, mergeKey);
            }
            ArrayNode server = current != null ? (ArrayNode) current : JsonNodeFactory.instance.arrayNode();
            ArrayNode merged = changes == null ? server
                    : ListMerge.merge(server.deepCopy(), (ArrayNode) changes, schema, field);
            patch.remove(field);
            if (mergeKey != null && !elementsHaveKey(merged, mergeKey)) {
                original.set(field, merged);
                continue;
            }
            original.set(field, ListMerge.array(
                    ListOrder.order(ListMerge.list(merged), wanted, ListMerge.list(server), mergeKey)));
        }
    }

    private static void requireKeys(String directive, List<JsonNode> wanted, String mergeKey) {
        if (mergeKey == null) {
            return;
        }
        for (JsonNode item : wanted) {
            if (!item.isObject() || !item.hasNonNull(mergeKey)) {
                throw new PatchException(directive + ": element " + item + " has no merge key \"" + mergeKey + "\"");
            }
        }
    }

    /** validatePatchWithSetOrderList: the patch's elements (deletions aside) must follow the given order. */
    private static void requireSameOrder(String directive, List<JsonNode> changes, List<JsonNode> wanted,
            String mergeKey) {
        List<JsonNode> kept = new ArrayList<>();
        for (JsonNode item : changes) {
            if (!(item.isObject() && item.has(StrategicMergePatch.PATCH))) {
                kept.add(item);
            }
        }
        int next = 0;
        for (JsonNode item : wanted) {
            if (next < kept.size() && ListOrder.indexOf(List.of(item), kept.get(next), mergeKey) == 0) {
                next++;
            }
        }
        if (next < kept.size()) {
            throw new PatchException(directive + ": the patch list " + changes + " does not follow the order "
                    + wanted);
        }
    }

    private static boolean elementsHaveKey(ArrayNode list, String mergeKey) {
        for (JsonNode item : list) {
            if (!item.isObject() || !item.hasNonNull(mergeKey)) {
                return false;
            }
        }
        return true;
    }
}
