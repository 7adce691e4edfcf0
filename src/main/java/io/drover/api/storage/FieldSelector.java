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

        boolean matches(JsonNode object) {
            JsonNode node = object;
            for (String part : path.split("\\.")) {
                node = node == null ? null : node.get(part);
            }
            String actual = node == null || node.isNull() ? missingAs : node.asText();
            return actual.equals(value) == equal;
        }
    }

    public static final FieldSelector EVERYTHING = new FieldSelector(List.of());

    public static FieldSelector parse(String selector) {
        if (selector == null || selector.isBlank()) {
            return EVERYTHING;
        }
        List<Term> terms = new ArrayList<>();
        for (String raw : selector.split(",")) {
            String term = raw.trim();
            int ne = term.indexOf("!=");
            int eq = term.indexOf('=');
            Term t;
            if (ne > 0) {
                t = new Term(term.substring(0, ne).trim(), false, term.substring(ne + 2).trim());
            } else if (eq > 0) {
                int valueStart = term.startsWith("==", eq) ? eq + 2 : eq + 1;
                t = new Term(term.substring(0, eq).trim(), true, term.substring(valueStart).trim());
            } else {
                throw ApiException.badRequest("invalid field selector: \"" + term + "\": expected an operator "
                        + "(=, ==, !=)");
            }
            terms.add(t);
        }
        return new FieldSelector(List.copyOf(terms));
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
