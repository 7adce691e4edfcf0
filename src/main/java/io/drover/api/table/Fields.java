package io.drover.api.table;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Null-safe reads from a Jackson tree. Objects reach the printers as stored, so any field may be
 * missing; Go's zero values ("" and 0) are the natural defaults since the printers were written
 * against Go structs.
 */
final class Fields {

    private Fields() {}

    static JsonNode at(JsonNode node, String... path) {
        JsonNode current = node;
        for (String key : path) {
            current = current.path(key);
        }
        return current;
    }

    static String text(JsonNode node, String... path) {
        JsonNode value = at(node, path);
        return value.isValueNode() && !value.isNull() ? value.asText() : "";
    }

    static long integer(JsonNode node, String... path) {
        return at(node, path).asLong(0);
    }

    static boolean present(JsonNode node, String... path) {
        JsonNode value = at(node, path);
        return !value.isMissingNode() && !value.isNull();
    }

    /** An RFC 3339 time (metav1.Time or MicroTime), or null when absent or unreadable. */
    static Instant time(JsonNode node, String... path) {
        String value = text(node, path);
        if (value.isEmpty()) {
            return null;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    static Instant creationTimestamp(JsonNode object) {
        return time(object, "metadata", "creationTimestamp");
    }

    static String name(JsonNode object) {
        return text(object, "metadata", "name");
    }

    /** The string values of an array of strings; empty when absent. */
    static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        for (JsonNode value : array) {
            values.add(value.asText());
        }
        return values;
    }

    /** A string map such as labels, sorted by key as Go's labels.Set.String() sorts it. */
    static Map<String, String> sortedMap(JsonNode object) {
        Map<String, String> map = new TreeMap<>();
        object.properties().forEach(e -> map.put(e.getKey(), e.getValue().asText()));
        return map;
    }
}
