package io.drover.api.apply;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.json.Mappers;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The few JSON helpers the apply package needs: compact text for fieldsV1 keys, and sorted copies of keys. */
final class Json {
    private static final ObjectMapper MAPPER = Mappers.json();

    private Json() {}

    static String compact(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serializes", e);
        }
    }

    static JsonNode parse(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + text, e);
        }
    }

    /** A copy of {@code object} with its fields in name order, as fieldsV1 keys spell them. */
    static ObjectNode sorted(ObjectNode object) {
        List<Map.Entry<String, JsonNode>> fields = new ArrayList<>(object.properties());
        fields.sort(Map.Entry.comparingByKey());
        ObjectNode copy = JsonNodeFactory.instance.objectNode();
        fields.forEach(e -> copy.set(e.getKey(), e.getValue().deepCopy()));
        return copy;
    }
}
