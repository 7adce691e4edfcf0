package io.drover.api.strategy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.ApiException.Cause;
import java.io.UncheckedIOException;
import java.util.List;

/** Test objects written as relaxed JSON (single quotes, unquoted names). */
final class Json {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .configure(JsonParser.Feature.ALLOW_SINGLE_QUOTES, true)
            .configure(JsonParser.Feature.ALLOW_UNQUOTED_FIELD_NAMES, true);

    private Json() {}

    static ObjectNode parse(String json) {
        try {
            return (ObjectNode) MAPPER.readTree(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Causes as Kubernetes prints them: "field: message". */
    static List<String> printed(List<Cause> causes) {
        return causes.stream().map(c -> c.field() + ": " + c.message()).toList();
    }
}
