package io.drover.api.apply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.patch.PatchSchema;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Merges an applied configuration into a live object as structured-merge-diff's {@code Merge} does: objects field
 * by field, associative and set lists element by element, everything else replaced. A {@code null} in the
 * configuration clears the field (the typed Kubernetes object drops it).
 */
final class Merge {
    private Merge() {}

    /** A new object; neither argument is modified. */
    static ObjectNode merge(ObjectNode live, ObjectNode config, PatchSchema schema) {
        return objects(live, config, schema, FieldPath.ROOT);
    }

    private static ObjectNode objects(ObjectNode live, ObjectNode config, PatchSchema schema, FieldPath at) {
        ObjectNode out = live.deepCopy();
        for (Map.Entry<String, JsonNode> e : config.properties()) {
            String field = e.getKey();
            JsonNode value = e.getValue();
            if (value.isNull()) {
                out.remove(field);
                continue;
            }
            out.set(field, value(live.get(field), value, schema, field, at.child(new PathElement.Field(field))));
        }
        return out;
    }

    private static JsonNode value(JsonNode live, JsonNode config, PatchSchema parent, String field, FieldPath at) {
        if (live != null && live.isObject() && config.isObject() && !parent.isAtomic(field)) {
            return objects((ObjectNode) live, (ObjectNode) config, parent.field(field), at);
        }
        if (live != null && live.isArray() && config.isArray() && ListKind.of(parent, field) != ListKind.ATOMIC) {
            return lists((ArrayNode) live, (ArrayNode) config, parent, field, at);
        }
        return withoutNulls(config);
    }

    /**
     * Merges two keyed lists keeping structured-merge-diff's order: elements only in the live list stay where
     * they were, elements in both follow the configuration's order, new elements follow the element they come
     * after in the configuration.
     */
    private static ArrayNode lists(ArrayNode live, ArrayNode config, PatchSchema parent, String field, FieldPath at) {
        Map<PathElement, JsonNode> rhs = Fields.elements(config, parent, field, at);
        Map<PathElement, JsonNode> lhs = Fields.lenientElements(live, parent, field, at);
        List<PathElement> rhsOrder = new ArrayList<>(rhs.keySet());
        List<PathElement> lhsOrder = new ArrayList<>(lhs.keySet());
        List<PathElement> shared = rhsOrder.stream().filter(lhs::containsKey).toList();
        int sharedNext = 0;
        Set<PathElement> merged = new HashSet<>();
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        int l = 0;
        int r = 0;
        while (l < lhsOrder.size() || r < rhsOrder.size()) {
            if (l < lhsOrder.size() && r < rhsOrder.size()) {
                PathElement pe = lhsOrder.get(l);
                if (pe.equals(rhsOrder.get(r))) {
                    merged.add(pe);
                    out.add(item(lhs.get(pe), rhs.get(pe), parent, field, at.child(pe)));
                    l++;
                    r++;
                    sharedNext = nextShared(shared, sharedNext, pe);
                    continue;
                }
                if (rhs.containsKey(pe) && sharedNext < shared.size() && !shared.get(sharedNext).equals(pe)) {
                    l++; // a shared element, placed when the configuration reaches it
                    continue;
                }
            }
            if (l < lhsOrder.size()) {
                PathElement pe = lhsOrder.get(l);
                if (!rhs.containsKey(pe)) {
                    out.add(lhs.get(pe).deepCopy());
                    l++;
                    continue;
                } else if (merged.contains(pe)) {
                    l++;
                }
            }
            if (r < rhsOrder.size()) {
                PathElement pe = rhsOrder.get(r);
                merged.add(pe);
                out.add(item(lhs.get(pe), rhs.get(pe), parent, field, at.child(pe)));
                r++;
                sharedNext = nextShared(shared, sharedNext, pe);
            }
        }
        return out;
    }

    private static int nextShared(List<PathElement> shared, int next, PathElement merged) {
        return next < shared.size() && shared.get(next).equals(merged) ? next + 1 : next;
    }

    private static JsonNode item(JsonNode live, JsonNode config, PatchSchema parent, String field, FieldPath at) {
        if (live != null && live.isObject() && config.isObject()) {
            return objects((ObjectNode) live, (ObjectNode) config, parent.field(field), at);
        }
        return withoutNulls(config);
    }

    /** A copy without {@code null} fields: applying a null means "not set". */
    static JsonNode withoutNulls(JsonNode value) {
        if (value.isObject()) {
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            value.properties().forEach(e -> {
                if (!e.getValue().isNull()) {
                    out.set(e.getKey(), withoutNulls(e.getValue()));
                }
            });
            return out;
        }
        if (value.isArray()) {
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            value.forEach(item -> out.add(withoutNulls(item)));
            return out;
        }
        return value.deepCopy();
    }
}
