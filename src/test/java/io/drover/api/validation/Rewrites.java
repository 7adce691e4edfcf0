package io.drover.api.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.function.Consumer;

/** Runs an in-place rewrite of a JSON tree over single-quoted JSON text, for the rewrites' tests. */
final class Rewrites {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Rewrites() {}

    /** {@code object} (single quotes for double) after {@code rewrite}, printed with single quotes again. */
    static String rewritten(String object, Consumer<JsonNode> rewrite) {
        try {
            JsonNode node = JSON.readTree(object.replace('\'', '"'));
            rewrite.accept(node);
            return node.toString().replace('"', '\'');
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
