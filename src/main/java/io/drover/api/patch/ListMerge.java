package io.drover.api.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.patch.PatchSchema.ListStrategy;
import io.drover.api.patch.StrategicMergePatch.DirectiveValue;
import java.util.ArrayList;
import java.util.List;

/** Patches one list field per its {@link ListStrategy}: replace, set union of values, or merge by key. */
final class ListMerge {
    private ListMerge() {}

    /**
     * The list {@code field} of an object with schema {@code parent} after the patch; {@code original} is empty
     * when the object had no such list. Both arrays are owned by the caller.
     */
    static ArrayNode merge(ArrayNode original, ArrayNode patch, PatchSchema parent, String field) {
        ListStrategy strategy = parent.list(field);
        PatchSchema elements = parent.child(field);
        if (!strategy.merge()) {
            return replace(patch, elements);
        }
        if (original.isEmpty() && patch.isEmpty()) {
            return original;
        }
        if (holdsObjects(original, patch, field)) {
            if (strategy.mergeKey() == null) {
                throw new PatchException(field + ": cannot merge a list of objects without a merge key");
            }
            return mergeByKey(original, patch, field, strategy.mergeKey(), elements);
        }
        return union(original, patch);
    }

    /** A replaced list is the patch's, with its elements' directives consumed. */
    private static ArrayNode replace(ArrayNode patch, PatchSchema elements) {
        ArrayNode result = JsonNodeFactory.instance.arrayNode();
        for (JsonNode element : patch) {
            if (element.isObject()) {
                // A "$patch" element ({"$patch":"replace"} marker, or a delete) has no place in a replaced list.
                if (!element.has(StrategicMergePatch.PATCH)) {
                    result.add(StrategicMergePatch.mergeMap(StrategicMergePatch.emptyObject(), (ObjectNode) element,
                            elements));
                }
            } else {
                result.add(element);
            }
        }
        return result;
    }

    /** Values: the union, each value once, ordered as {@link ListOrder} orders. */
    private static ArrayNode union(ArrayNode original, ArrayNode patch) {
        List<JsonNode> server = list(original);
        List<JsonNode> merged = new ArrayList<>();
        for (JsonNode value : concat(server, list(patch))) {
            if (!ListOrder.containsValue(merged, value)) {
                merged.add(value);
            }
        }
        return array(ListOrder.order(merged, list(patch), server, null));
    }

    private static ArrayNode mergeByKey(ArrayNode original, ArrayNode patch, String field, String mergeKey,
            PatchSchema elements) {
        List<JsonNode> merged = list(original);
        List<JsonNode> plain = new ArrayList<>();
        boolean replace = false;
        for (JsonNode element : patch) {
            JsonNode directive = element.get(StrategicMergePatch.PATCH);
            if (directive == null) {
                plain.add(element);
            } else if (DirectiveValue.DELETE.is(directive)) {
                JsonNode key = requireKey(element, field, mergeKey);
                merged.removeIf(item -> ListOrder.sameValue(item.get(mergeKey), key));
            } else if (DirectiveValue.REPLACE.is(directive)) {
                replace = true;
            } else if (DirectiveValue.MERGE.is(directive)) {
                throw new PatchException(field + ": \"$patch\": \"merge\" in a list is not supported");
            } else {
                throw new PatchException(field + ": \"$patch\": " + directive
                        + " (expected: \"delete\" or \"replace\" in a list)");
            }
        }
        if (replace) {
            ArrayNode result = JsonNodeFactory.instance.arrayNode();
            for (JsonNode element : plain) {
                result.add(StrategicMergePatch.mergeMap(StrategicMergePatch.emptyObject(), (ObjectNode) element,
                        elements));
            }
            return result;
        }
        List<JsonNode> server = List.copyOf(merged);
        for (JsonNode element : plain) {
            JsonNode key = requireKey(element, field, mergeKey);
            int index = indexOfKey(merged, mergeKey, key);
            ObjectNode base = index >= 0 ? (ObjectNode) merged.get(index) : StrategicMergePatch.emptyObject();
            ObjectNode result = StrategicMergePatch.mergeMap(base, (ObjectNode) element, elements);
            if (index >= 0) {
                merged.set(index, result);
            } else {
                merged.add(result);
            }
        }
        return array(ListOrder.order(merged, plain, server, mergeKey));
    }

    private static JsonNode requireKey(JsonNode element, String field, String mergeKey) {
        JsonNode key = element.get(mergeKey);
        if (key == null || key.isNull()) {
            throw new PatchException(field + ": element " + element + " has no merge key \"" + mergeKey + "\"");
        }
        return key;
    }

    private static int indexOfKey(List<JsonNode> items, String mergeKey, JsonNode key) {
        for (int i = 0; i < items.size(); i++) {
            if (items.get(i).isObject() && ListOrder.sameValue(items.get(i).get(mergeKey), key)) {
                return i;
            }
        }
        return -1;
    }

    /** Whether the lists hold objects; lists of lists and lists mixing objects with values are rejected. */
    static boolean holdsObjects(ArrayNode original, ArrayNode patch, String field) {
        Boolean objects = null;
        for (JsonNode element : concat(list(original), list(patch))) {
            if (element.isArray()) {
                throw new PatchException(field + ": cannot merge a list of lists");
            }
            if (objects != null && objects != element.isObject()) {
                throw new PatchException(field + ": cannot merge a list that mixes objects and values");
            }
            objects = element.isObject();
        }
        return Boolean.TRUE.equals(objects);
    }

    static List<JsonNode> list(ArrayNode array) {
        List<JsonNode> items = new ArrayList<>(array.size());
        array.forEach(items::add);
        return items;
    }

    static ArrayNode array(List<JsonNode> items) {
        ArrayNode array = JsonNodeFactory.instance.arrayNode();
        items.forEach(array::add);
        return array;
    }

    private static List<JsonNode> concat(List<JsonNode> a, List<JsonNode> b) {
        List<JsonNode> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
