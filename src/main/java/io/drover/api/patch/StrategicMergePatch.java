package io.drover.api.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Kubernetes strategic merge patch ({@code application/strategic-merge-patch+json}) over Jackson trees, after
 * apimachinery {@code pkg/util/strategicpatch/patch.go} (StrategicMergePatch: nulls in the patch delete, parallel
 * {@code $deleteFromPrimitiveList} lists are applied).
 *
 * <p>Maps merge recursively and {@code null} deletes a key. Lists follow the {@link PatchSchema}: merged by key,
 * set-unioned, or replaced. Directives: {@code $patch: replace|delete} on a map or a merge-list element,
 * {@code [{"$patch":"replace"}, …]} in a list, {@code $retainKeys}, {@code $setElementOrder/<list>} and
 * {@code $deleteFromPrimitiveList/<list>}. No directive survives into the result.
 *
 * <p>Two places differ from the Go code on purpose: a value added where the original has none is merged into an
 * empty value (so nested directives and nulls are consumed, not copied into the object), and
 * {@code $setElementOrder} on a list the schema replaces is ignored rather than rejected.
 */
public final class StrategicMergePatch {
    static final String PATCH = "$patch";
    static final String RETAIN_KEYS = "$retainKeys";
    static final String SET_ELEMENT_ORDER = "$setElementOrder";
    static final String DELETE_FROM_PRIMITIVE_LIST = "$deleteFromPrimitiveList";

    private StrategicMergePatch() {}

    /**
     * Applies {@code patch} to {@code original} and returns the result; neither input is modified.
     *
     * @param original the current object; null or a non-object is taken as an empty object
     * @param patch the patch, a JSON object
     * @param schema the patch schema of the object's kind, e.g. {@link PatchSchema#forKind}
     * @throws PatchException if the patch is malformed or cannot be applied
     */
    public static JsonNode apply(JsonNode original, JsonNode patch, PatchSchema schema) {
        Objects.requireNonNull(patch, "patch");
        Objects.requireNonNull(schema, "schema");
        if (!patch.isObject()) {
            throw new PatchException("strategic merge patch: " + patch.getNodeType() + " (expected: a JSON object)");
        }
        ObjectNode target = original != null && original.isObject() ? original.deepCopy() : emptyObject();
        // Both sides are private copies from here on, so the merge may consume the patch and reuse its nodes.
        return mergeMap(target, ((ObjectNode) patch).deepCopy(), schema);
    }

    /** Merges {@code patch} into {@code original}; both are owned by the caller and may be changed. */
    static ObjectNode mergeMap(ObjectNode original, ObjectNode patch, PatchSchema schema) {
        JsonNode directive = patch.remove(PATCH);
        if (directive != null) {
            return mapDirective(directive, patch, schema);
        }
        retainKeys(original, patch);
        ElementOrder.apply(original, patch, schema);
        for (String key : fieldNames(patch)) {
            JsonNode value = patch.get(key);
            if (key.startsWith(DELETE_FROM_PRIMITIVE_LIST)) {
                deleteFromPrimitiveList(original, listField(key, DELETE_FROM_PRIMITIVE_LIST), value);
            } else {
                mergeField(original, key, value, schema);
            }
        }
        return original;
    }

    /**
     * The value a patch gives a field the original lacks: the patch value merged into nothing, so that its
     * directives and nulls are consumed. Null when the value is a map marked {@code $patch: delete}.
     */
    static JsonNode fresh(JsonNode value, PatchSchema parent, String field) {
        if (value.isObject()) {
            JsonNode directive = value.get(PATCH);
            if (directive != null && DirectiveValue.DELETE.is(directive)) {
                return null;
            }
            return mergeMap(emptyObject(), (ObjectNode) value, parent.child(field));
        }
        if (value.isArray()) {
            return ListMerge.merge(JsonNodeFactory.instance.arrayNode(), (ArrayNode) value, parent, field);
        }
        return value;
    }

    static ObjectNode emptyObject() {
        return JsonNodeFactory.instance.objectNode();
    }

    private static void mergeField(ObjectNode original, String key, JsonNode value, PatchSchema schema) {
        if (value.isNull()) {
            original.remove(key);
            return;
        }
        JsonNode current = original.get(key);
        if (current == null || current.getNodeType() != value.getNodeType()) {
            JsonNode added = fresh(value, schema, key);
            if (added == null) {
                original.remove(key);
            } else {
                original.set(key, added);
            }
        } else if (value.isObject()) {
            original.set(key, mergeMap((ObjectNode) current, (ObjectNode) value, schema.child(key)));
        } else if (value.isArray()) {
            original.set(key, ListMerge.merge((ArrayNode) current, (ArrayNode) value, schema, key));
        } else {
            original.set(key, value);
        }
    }

    private static ObjectNode mapDirective(JsonNode directive, ObjectNode rest, PatchSchema schema) {
        if (DirectiveValue.REPLACE.is(directive)) {
            return mergeMap(emptyObject(), rest, schema);
        }
        if (DirectiveValue.DELETE.is(directive)) {
            // As in Kubernetes: a map field marked for deletion becomes an empty map.
            return emptyObject();
        }
        throw new PatchException(PATCH + ": " + directive + " (expected: \"replace\" or \"delete\" on a map)");
    }

    /** {@code $retainKeys}: the original keeps only the listed keys, and the patch may set only those. */
    private static void retainKeys(ObjectNode original, ObjectNode patch) {
        JsonNode listed = patch.remove(RETAIN_KEYS);
        if (listed == null) {
            return;
        }
        if (!listed.isArray()) {
            throw new PatchException(RETAIN_KEYS + ": " + listed + " (expected: a list of field names)");
        }
        Set<String> keep = new HashSet<>();
        listed.forEach(name -> keep.add(name.asText()));
        for (String key : fieldNames(patch)) {
            boolean directive = key.startsWith(DELETE_FROM_PRIMITIVE_LIST) || key.startsWith(SET_ELEMENT_ORDER);
            if (!directive && !patch.get(key).isNull() && !keep.contains(key)) {
                throw new PatchException(RETAIN_KEYS + ": the patch sets \"" + key + "\", which is not in " + listed);
            }
        }
        for (String key : fieldNames(original)) {
            if (!keep.contains(key)) {
                original.remove(key);
            }
        }
    }

    private static void deleteFromPrimitiveList(ObjectNode original, String field, JsonNode values) {
        if (values.isNull()) {
            original.remove(field);
            return;
        }
        JsonNode current = original.get(field);
        // Deleting from a list that is not there must not create it.
        if (current == null || !current.isArray() || !values.isArray()) {
            return;
        }
        ArrayNode kept = JsonNodeFactory.instance.arrayNode();
        for (JsonNode element : current) {
            if (!ListOrder.containsValue(values, element)) {
                kept.add(element);
            }
        }
        for (JsonNode value : values) {
            if (value.isContainerNode()) {
                throw new PatchException(DELETE_FROM_PRIMITIVE_LIST + "/" + field + ": " + value
                        + " (expected: values of a primitive list)");
            }
        }
        original.set(field, kept);
    }

    /** The list field named by a {@code <directive>/<field>} key. */
    static String listField(String key, String directive) {
        if (key.length() <= directive.length() + 1 || key.charAt(directive.length()) != '/') {
            throw new PatchException("\"" + key + "\" (expected: " + directive + "/<field>)");
        }
        return key.substring(directive.length() + 1);
    }

    static List<String> fieldNames(ObjectNode node) {
        List<String> names = new ArrayList<>(node.size());
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** The values of the {@code $patch} directive. */
    enum DirectiveValue {
        REPLACE("replace"),
        DELETE("delete"),
        MERGE("merge");

        private final String text;

        DirectiveValue(String text) {
            this.text = text;
        }

        boolean is(JsonNode value) {
            return value.isTextual() && value.textValue().equals(text);
        }
    }
}
