package io.drover.api.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.zjsonpatch.CompatibilityFlags;
import io.fabric8.zjsonpatch.JsonPatch;
import java.util.EnumSet;
import java.util.regex.Pattern;

/**
 * A JSON patch operation's array indices as evanphx/json-patch v4 reads them (Go's Atoi: an optional sign,
 * leading zeros allowed; a negative index counts from the end), rewritten to the canonical ones zjsonpatch
 * takes. An index outside the array is left as written, so zjsonpatch refuses it.
 */
final class ArrayIndices {
    private static final Pattern ATOI = Pattern.compile("[+-]?[0-9]{1,18}");
    private static final Pattern CANONICAL = Pattern.compile("0|[1-9][0-9]*");

    /** How the last token of a pointer is read: an add may name the position just past the end. */
    private enum Last {
        EXISTING,
        INSERTION
    }

    private ArrayIndices() {}

    /** Whether a pointer of {@code operation} has a token that is a Go index but not a canonical one. */
    static boolean mayNeedRewriting(JsonNode operation) {
        return hasOddIndex(operation.path("path").asText("")) || hasOddIndex(operation.path("from").asText(""));
    }

    /**
     * {@code operation} with the indices of its pointers made canonical against {@code document}, the document
     * it applies to; {@code operation} itself is not modified.
     */
    static JsonNode canonical(JsonNode operation, JsonNode document, EnumSet<CompatibilityFlags> flags) {
        if (!operation.isObject()) {
            return operation;
        }
        ObjectNode rewritten = ((ObjectNode) operation).deepCopy();
        String op = operation.path("op").asText("");
        JsonNode target = document;
        if (operation.path("from").isTextual()) {
            String from = rewrite(document, operation.path("from").asText(), Last.EXISTING);
            rewritten.put("from", from);
            if (op.equals("move")) {
                // evanphx adds a moved value at its path after removing it from where it was.
                target = withoutValueAt(document, from, flags);
            }
        }
        if (operation.path("path").isTextual() && target != null) {
            Last last = op.equals("add") || op.equals("move") || op.equals("copy") ? Last.INSERTION : Last.EXISTING;
            rewritten.put("path", rewrite(target, operation.path("path").asText(), last));
        }
        return rewritten;
    }

    private static boolean hasOddIndex(String pointer) {
        for (String token : pointer.split("/", -1)) {
            if (ATOI.matcher(token).matches() && !CANONICAL.matcher(token).matches()) {
                return true;
            }
        }
        return false;
    }

    /** {@code pointer} with each Go index into an array of {@code document} made canonical. */
    private static String rewrite(JsonNode document, String pointer, Last lastToken) {
        if (!pointer.startsWith("/")) {
            return pointer;
        }
        String[] tokens = pointer.substring(1).split("/", -1);
        JsonNode node = document;
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < tokens.length; i++) {
            String token = tokens[i];
            boolean last = i == tokens.length - 1;
            if (node != null && node.isArray() && ATOI.matcher(token).matches()) {
                token = canonicalIndex(token, node.size() + (last && lastToken == Last.INSERTION ? 1 : 0));
            }
            out.append('/').append(token);
            node = node == null ? null : child(node, token);
        }
        return out.toString();
    }

    /** The canonical form of a Go index into {@code size} positions; as written when it is before the first. */
    private static String canonicalIndex(String token, int size) {
        long index = Long.parseLong(token.startsWith("+") ? token.substring(1) : token);
        if (index < 0) {
            if (index < -size) {
                return token;
            }
            index += size;
        }
        return Long.toString(index);
    }

    private static JsonNode child(JsonNode node, String token) {
        if (node.isArray()) {
            return CANONICAL.matcher(token).matches() && token.length() < 10 ? node.get(Integer.parseInt(token)) : null;
        }
        return node.isObject() ? node.get(token.replace("~1", "/").replace("~0", "~")) : null;
    }

    /** {@code document} without the value at {@code pointer}; null when there is none to remove. */
    private static JsonNode withoutValueAt(JsonNode document, String pointer, EnumSet<CompatibilityFlags> flags) {
        ArrayNode remove = JsonNodeFactory.instance.arrayNode();
        remove.addObject().put("op", "remove").put("path", pointer);
        try {
            return JsonPatch.apply(remove, document, flags);
        } catch (RuntimeException e) {
            return null;
        }
    }
}
