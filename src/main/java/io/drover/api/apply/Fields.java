package io.drover.api.apply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.patch.PatchSchema;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * Walks objects as structured-merge-diff's typed values do, with {@link PatchSchema} standing in for the OpenAPI
 * schema: objects are walked field by field unless atomic, associative and set lists element by element, and
 * every other list is a leaf.
 */
final class Fields {
    private Fields() {}

    /** What changed from one object to the next: paths only in the new one, only in the old one, or changed leaves. */
    record Comparison(FieldSet added, FieldSet removed, FieldSet modified) {
        FieldSet changed() {
            return added.union(modified);
        }
    }

    /**
     * The fields an applied configuration sets, as {@code ToFieldSet} computes them: leaves (scalars, nulls, atomic
     * lists and objects, empty objects), every associative list element, and every set value.
     *
     * @throws InvalidApplyException when an associative list has an element without key, or a duplicate
     */
    static FieldSet applied(ObjectNode config, PatchSchema schema) {
        TreeSet<FieldPath> out = new TreeSet<>();
        appliedObject(config, schema, FieldPath.ROOT, out);
        return FieldSet.of(out);
    }

    private static void appliedObject(ObjectNode object, PatchSchema schema, FieldPath at, TreeSet<FieldPath> out) {
        for (Map.Entry<String, JsonNode> e : object.properties()) {
            String field = e.getKey();
            JsonNode value = e.getValue();
            FieldPath path = at.child(new PathElement.Field(field));
            if (value.isObject() && !value.isEmpty() && !schema.isAtomic(field)) {
                appliedObject((ObjectNode) value, schema.field(field), path, out);
            } else if (value.isArray() && ListKind.of(schema, field) != ListKind.ATOMIC) {
                for (Map.Entry<PathElement, JsonNode> item : elements((ArrayNode) value, schema, field, path)
                        .entrySet()) {
                    FieldPath itemPath = path.child(item.getKey());
                    out.add(itemPath);
                    if (item.getValue().isObject()) {
                        appliedObject((ObjectNode) item.getValue(), schema.field(field), itemPath, out);
                    }
                }
            } else {
                out.add(path);
            }
        }
    }

    /**
     * The elements of a non-atomic list by path element, in list order.
     *
     * @throws InvalidApplyException on a missing key or a duplicate element
     */
    static Map<PathElement, JsonNode> elements(ArrayNode list, PatchSchema parent, String field, FieldPath at) {
        Map<PathElement, JsonNode> byElement = new LinkedHashMap<>();
        for (int i = 0; i < list.size(); i++) {
            PathElement element = ListKind.elementOf(parent, field, list.get(i), at, i);
            if (byElement.putIfAbsent(element, list.get(i)) != null) {
                throw new InvalidApplyException(at + ": duplicate entries for key " + element.display());
            }
        }
        return byElement;
    }

    /** Compares two objects (either may be empty) as structured-merge-diff's {@code Compare} does. */
    static Comparison compare(ObjectNode before, ObjectNode after, PatchSchema schema) {
        TreeSet<FieldPath> added = new TreeSet<>();
        TreeSet<FieldPath> removed = new TreeSet<>();
        TreeSet<FieldPath> modified = new TreeSet<>();
        new Comparer(added, removed, modified).objects(before, after, schema, FieldPath.ROOT);
        return new Comparison(FieldSet.of(added), FieldSet.of(removed), FieldSet.of(modified));
    }

    private record Comparer(TreeSet<FieldPath> added, TreeSet<FieldPath> removed, TreeSet<FieldPath> modified) {
        void objects(ObjectNode before, ObjectNode after, PatchSchema schema, FieldPath at) {
            for (Map.Entry<String, JsonNode> e : before.properties()) {
                FieldPath path = at.child(new PathElement.Field(e.getKey()));
                JsonNode next = after.get(e.getKey());
                if (next == null) {
                    everyNode(e.getValue(), schema, e.getKey(), path, removed);
                } else {
                    value(e.getValue(), next, schema, e.getKey(), path);
                }
            }
            for (Map.Entry<String, JsonNode> e : after.properties()) {
                if (!before.has(e.getKey())) {
                    everyNode(e.getValue(), schema, e.getKey(), at.child(new PathElement.Field(e.getKey())), added);
                }
            }
        }

        /** Compares the values held by {@code field} of an object with schema {@code parent}. */
        private void value(JsonNode before, JsonNode after, PatchSchema parent, String field, FieldPath path) {
            if (before.isObject() && after.isObject() && !parent.isAtomic(field)) {
                objects((ObjectNode) before, (ObjectNode) after, parent.field(field), path);
            } else if (before.isArray() && after.isArray() && ListKind.of(parent, field) != ListKind.ATOMIC) {
                Map<PathElement, JsonNode> old = lenientElements((ArrayNode) before, parent, field, path);
                Map<PathElement, JsonNode> now = lenientElements((ArrayNode) after, parent, field, path);
                old.forEach((element, item) -> {
                    FieldPath itemPath = path.child(element);
                    JsonNode next = now.get(element);
                    if (next == null) {
                        everyItemNode(item, parent.field(field), itemPath, removed);
                    } else if (item.isObject() && next.isObject()) {
                        objects((ObjectNode) item, (ObjectNode) next, parent.field(field), itemPath);
                    } else if (!item.equals(next)) {
                        modified.add(itemPath);
                    }
                });
                now.forEach((element, item) -> {
                    if (!old.containsKey(element)) {
                        everyItemNode(item, parent.field(field), path.child(element), added);
                    }
                });
            } else if (!before.equals(after)) {
                modified.add(path);
            }
        }
    }

    /**
     * The elements of a live list, which may hold what an applied configuration may not: an element that cannot
     * be keyed, or a second one with the same key, is named by its index, so it never matches a configured one.
     */
    static Map<PathElement, JsonNode> lenientElements(ArrayNode list, PatchSchema parent, String field,
            FieldPath at) {
        Map<PathElement, JsonNode> byElement = new LinkedHashMap<>();
        for (int i = 0; i < list.size(); i++) {
            PathElement element;
            try {
                element = ListKind.elementOf(parent, field, list.get(i), at, i);
            } catch (InvalidApplyException e) {
                element = new PathElement.Index(i);
            }
            if (byElement.putIfAbsent(element, list.get(i)) != null) {
                byElement.put(new PathElement.Index(i), list.get(i));
            }
        }
        return byElement;
    }

    /** Adds {@code path} and every path below the value it holds. */
    static void everyNode(JsonNode value, PatchSchema parent, String field, FieldPath path, TreeSet<FieldPath> out) {
        out.add(path);
        if (value.isObject() && !parent.isAtomic(field)) {
            everyObjectNode((ObjectNode) value, parent.field(field), path, out);
        } else if (value.isArray() && ListKind.of(parent, field) != ListKind.ATOMIC) {
            lenientElements((ArrayNode) value, parent, field, path)
                    .forEach((element, item) -> everyItemNode(item, parent.field(field), path.child(element), out));
        }
    }

    private static void everyItemNode(JsonNode item, PatchSchema elements, FieldPath path, TreeSet<FieldPath> out) {
        out.add(path);
        if (item.isObject()) {
            everyObjectNode((ObjectNode) item, elements, path, out);
        }
    }

    private static void everyObjectNode(ObjectNode object, PatchSchema schema, FieldPath at, TreeSet<FieldPath> out) {
        object.properties().forEach(e ->
                everyNode(e.getValue(), schema, e.getKey(), at.child(new PathElement.Field(e.getKey())), out));
    }

    /** The node at {@code path} in {@code root}, or null. */
    static JsonNode get(JsonNode root, FieldPath path) {
        JsonNode node = root;
        for (PathElement element : path.elements()) {
            node = step(node, element);
            if (node == null) {
                return null;
            }
        }
        return node;
    }

    /** Removes the node at {@code path} from {@code root} (which it mutates); whether there was one. */
    static boolean remove(ObjectNode root, FieldPath path) {
        if (path.isRoot()) {
            return false;
        }
        JsonNode parent = get(root, path.parent());
        PathElement last = path.last();
        if (parent instanceof ObjectNode object && last instanceof PathElement.Field field) {
            return object.remove(field.name()) != null;
        }
        if (parent instanceof ArrayNode array) {
            int index = indexOf(array, last);
            if (index >= 0) {
                array.remove(index);
                return true;
            }
        }
        return false;
    }

    private static JsonNode step(JsonNode node, PathElement element) {
        if (node instanceof ObjectNode object && element instanceof PathElement.Field field) {
            return object.get(field.name());
        }
        if (node instanceof ArrayNode array) {
            int index = indexOf(array, element);
            return index < 0 ? null : array.get(index);
        }
        return null;
    }

    private static int indexOf(ArrayNode array, PathElement element) {
        for (int i = 0; i < array.size(); i++) {
            if (matches(array.get(i), element, i)) {
                return i;
            }
        }
        return -1;
    }

    private static boolean matches(JsonNode item, PathElement element, int index) {
        return switch (element) {
            case PathElement.Key key -> item.isObject() && key.fields().properties().stream()
                    .allMatch(e -> e.getValue().equals(item.get(e.getKey())));
            case PathElement.Value value -> value.value().equals(item);
            case PathElement.Index i -> i.index() == index;
            case PathElement.Field f -> false;
        };
    }
}
