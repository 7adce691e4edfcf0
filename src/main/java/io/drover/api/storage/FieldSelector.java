package io.drover.api.storage;

import com.fasterxml.jackson.databind.JsonNode;
import io.drover.api.ApiException;
import java.util.ArrayList;
import java.util.List;

/**
 * A parsed {@code fieldSelector} query parameter: {@code path=value}, {@code path==value} and
 * {@code path!=value} terms on dotted field paths such as {@code metadata.name} or
 * {@code involvedObject.uid}, all of which must hold. A missing field compares as "".
 */
public record FieldSelector(List<Term> terms) {

    /**
     * One comparison.
     *
     * @param missingAs what an absent field compares as: "" for most, "false" for a boolean that
     *     defaults to false (a node's spec.unschedulable), as Kubernetes' field sets hold it
     */
    public record Term(String path, boolean equal, String value, String missingAs) {
        public Term(String path, boolean equal, String value) {
            this(path, equal, value, "");
        }

        /** Alternatives in the path, separated by '|', are read in turn: the first that is set and not empty counts. */
        boolean matches(JsonNode object) {
            String actual = missingAs;
            for (String alternative : path.split("\\|")) {
                JsonNode node = object;
                for (String part : alternative.split("\\.")) {
                    node = node == null ? null : node.get(part);
                }
                if (node != null && !node.isNull() && !node.asText().isEmpty()) {
                    actual = node.asText();
                    break;
                }
                if (node != null && !node.isNull()) {
                    actual = node.asText();
                }
            }
            return actual.equals(value) == equal;
        }
    }

    public static final FieldSelector EVERYTHING = new FieldSelector(List.of());

    /**
     * Parses a selector as apimachinery's fields.ParseSelector does: terms split at commas not
     * escaped with a backslash, sorted, empty ones skipped, each split at its first {@code !=},
     * {@code ==} or {@code =} (no whitespace trimmed: "status.phase " is another field), the value
     * unescaped ({@code \\}, {@code \,} and {@code \=}; an unescaped {@code ,} or {@code =} is refused).
     *
     * @throws ApiException 400 in apimachinery's words
     */
    public static FieldSelector parse(String selector) {
        if (selector == null || selector.isEmpty()) {
            return EVERYTHING;
        }
        List<String> parts = splitTerms(selector);
        parts.sort(null);
        List<Term> terms = new ArrayList<>();
        for (String part : parts) {
            if (part.isEmpty()) {
                continue;
            }
            int at = -1;
            String op = null;
            for (int i = 0; i < part.length() && op == null; i++) {
                for (String candidate : OPERATORS) {
                    if (part.startsWith(candidate, i)) {
                        at = i;
                        op = candidate;
                        break;
                    }
                }
            }
            if (op == null) {
                throw ApiException.badRequest("invalid selector: '" + selector + "'; can't understand '" + part + "'");
            }
            terms.add(new Term(part.substring(0, at), !op.equals("!="), unescape(part.substring(at + op.length()))));
        }
        return new FieldSelector(List.copyOf(terms));
    }

    /** != first, then == before =, so that neither leaves an = on the value (termOperators). */
    private static final List<String> OPERATORS = List.of("!=", "==", "=");

    /** splitTerms: the comma-separated terms, a backslash-escaped comma staying in its term. */
    private static List<String> splitTerms(String selector) {
        List<String> terms = new ArrayList<>();
        int start = 0;
        boolean inSlash = false;
        for (int i = 0; i < selector.length(); i++) {
            char c = selector.charAt(i);
            if (inSlash) {
                inSlash = false;
            } else if (c == '\\') {
                inSlash = true;
            } else if (c == ',') {
                terms.add(selector.substring(start, i));
                start = i + 1;
            }
        }
        terms.add(selector.substring(start));
        return terms;
    }

    /** UnescapeValue. */
    private static String unescape(String value) {
        StringBuilder out = new StringBuilder(value.length());
        boolean inSlash = false;
        for (int i = 0; i < value.length(); ) {
            int c = value.codePointAt(i);
            i += Character.charCount(c);
            if (inSlash) {
                if (c != '\\' && c != ',' && c != '=') {
                    throw ApiException.badRequest("invalid field selector: invalid escape sequence: \\"
                            + new String(Character.toChars(c)));
                }
                out.appendCodePoint(c);
                inSlash = false;
            } else if (c == '\\') {
                inSlash = true;
            } else if (c == ',' || c == '=') {
                throw ApiException.badRequest("invalid field selector: unescaped character in value: " + c);
            } else {
                out.appendCodePoint(c);
            }
        }
        if (inSlash) {
            throw ApiException.badRequest("invalid field selector: invalid escape sequence: \\");
        }
        return out.toString();
    }

    public boolean isEverything() {
        return terms.isEmpty();
    }

    public boolean matches(JsonNode object) {
        for (Term t : terms) {
            if (!t.matches(object)) {
                return false;
            }
        }
        return true;
    }
}
