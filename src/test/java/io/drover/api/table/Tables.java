package io.drover.api.table;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Test helpers: JSON from text, and one object's row printed at a fixed time. */
final class Tables {

    static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Tables() {}

    static ObjectNode json(String text) {
        try {
            return (ObjectNode) MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    /** The cells of the one row for {@code object}, as Java values (String or Long). */
    static List<Object> cells(String group, String kind, String object) {
        ObjectNode table = new TableConverter().fromObject(group, kind, json(object), TableOptions.DEFAULT, NOW);
        List<Object> cells = new ArrayList<>();
        for (JsonNode cell : table.path("rows").path(0).path("cells")) {
            cells.add(cell.isNumber() ? (Object) cell.asLong() : cell.asText());
        }
        return cells;
    }

    static List<String> columnNames(String group, String kind, int priority) {
        ObjectNode table = new TableConverter().fromObject(group, kind, json("{}"), TableOptions.DEFAULT, NOW);
        List<String> names = new ArrayList<>();
        for (JsonNode column : table.path("columnDefinitions")) {
            if (column.path("priority").asInt() == priority) {
                names.add(column.path("name").asText());
            }
        }
        return names;
    }

    /** An RFC 3339 time {@code seconds} before {@link #NOW}. */
    static String ago(long seconds) {
        return NOW.minusSeconds(seconds).toString();
    }
}
