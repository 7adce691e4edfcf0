package io.drover.api.strategy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/** Small reads and writes of the JSON objects the strategies work on. */
final class Nodes {
    private Nodes() {}

    /** The object under {@code name}, or null when it is absent or not an object. */
    static ObjectNode object(JsonNode parent, String name) {
        JsonNode child = parent == null ? null : parent.get(name);
        return child instanceof ObjectNode o ? o : null;
    }

    /** The objects of the array under {@code name}; empty when there is none. */
    static List<ObjectNode> objects(JsonNode parent, String name) {
        List<ObjectNode> items = new ArrayList<>();
        JsonNode child = parent == null ? null : parent.get(name);
        if (child instanceof ArrayNode array) {
            array.forEach(item -> {
                if (item instanceof ObjectNode o) {
                    items.add(o);
                }
            });
        }
        return items;
    }

    /** The text under {@code name}; "" when absent or null. */
    static String text(JsonNode parent, String name) {
        JsonNode child = parent == null ? null : parent.get(name);
        return child == null || child.isNull() ? "" : child.asText();
    }

    /**
     * The text of a field that is a pointer in Go ({@code *string}): null when absent or null, and otherwise its
     * text, "" included, since Kubernetes checks a non-nil pointer to an empty string.
     */
    static String pointer(JsonNode parent, String name) {
        JsonNode child = parent == null ? null : parent.get(name);
        return child == null || child.isNull() ? null : child.asText();
    }

    /** Whether the field is absent, null, or an empty string, which Kubernetes' defaulting treats as unset. */
    static boolean unset(JsonNode parent, String name) {
        JsonNode child = parent.get(name);
        return child == null || child.isNull() || (child.isTextual() && child.asText().isEmpty());
    }

    /** Whether the field is unset or the number 0, as Go's zero-valued non-pointer ints are. */
    static boolean unsetOrZero(JsonNode parent, String name) {
        JsonNode child = parent.get(name);
        return unset(parent, name) || (child.isNumber() && child.asLong() == 0);
    }

    static void defaultText(ObjectNode parent, String name, String value) {
        if (unset(parent, name)) {
            parent.put(name, value);
        }
    }

    static void defaultNumber(ObjectNode parent, String name, int value) {
        if (unsetOrZero(parent, name)) {
            parent.put(name, value);
        }
    }

    // Defaults are ints, as numbers parsed from JSON are: Jackson's IntNode(30) does not equal LongNode(30), and
    // the storage layer compares objects to find out whether an update changed anything.

    /** Sets a pointer field only when absent: an explicit 0 is a value, as it is for Go's *int32. */
    static void defaultPointer(ObjectNode parent, String name, int value) {
        if (parent.get(name) == null || parent.get(name).isNull()) {
            parent.put(name, value);
        }
    }

    /** The object under {@code name}, created when absent. */
    static ObjectNode objectOrNew(ObjectNode parent, String name) {
        ObjectNode o = object(parent, name);
        return o != null ? o : parent.putObject(name);
    }

    /**
     * Removes the fields that hold Go's zero value (0 or false): protobuf bodies carry them, Kubernetes' JSON
     * omits them ({@code omitempty} on a non-pointer field).
     */
    static void dropZeros(ObjectNode parent, String... names) {
        if (parent == null) {
            return;
        }
        for (String name : names) {
            JsonNode v = parent.get(name);
            if (v != null && (v.isNull() || (v.isNumber() && v.asLong() == 0 && v.asDouble() == 0)
                    || (v.isBoolean() && !v.asBoolean()))) {
                parent.remove(name);
            }
        }
    }

    static boolean isTrue(JsonNode parent, String name) {
        return parent != null && parent.path(name).asBoolean(false);
    }
}
