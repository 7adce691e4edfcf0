package io.drover.api.storage;

import com.fasterxml.jackson.databind.JsonNode;
import io.drover.api.ApiException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A parsed {@code labelSelector} query parameter: equality ({@code a=b}, {@code a==b},
 * {@code a!=b}), set ({@code a in (x,y)}, {@code a notin (x)}) and existence ({@code a},
 * {@code !a}) requirements, all of which must hold.
 */
public record LabelSelector(List<Requirement> requirements) {

    /** One requirement on one label. */
    public record Requirement(String key, Operator operator, Set<String> values) {
        boolean matches(JsonNode labels) {
            JsonNode value = labels == null ? null : labels.get(key);
            boolean present = value != null && value.isTextual();
            return switch (operator) {
                case EXISTS -> present;
                case NOT_EXISTS -> !present;
                case IN -> present && values.contains(value.asText());
                case NOT_IN -> !present || !values.contains(value.asText());
            };
        }
    }

    /** How a requirement compares. */
    public enum Operator {
        /** The label is set. */
        EXISTS,
        /** The label is not set. */
        NOT_EXISTS,
        /** The label is set to one of the values ({@code =}, {@code ==}, {@code in}). */
        IN,
        /** The label is unset or set to none of the values ({@code !=}, {@code notin}). */
        NOT_IN
    }

    public static final LabelSelector EVERYTHING = new LabelSelector(List.of());

    private static final Pattern SET = Pattern.compile("^\\s*([^\\s!=(),]+)\\s+(in|notin)\\s*\\(([^)]*)\\)\\s*$");
    private static final Pattern EQUALITY = Pattern.compile("^\\s*([^\\s!=(),]+)\\s*(==|=|!=)\\s*([^\\s=!(),]*)\\s*$");
    private static final Pattern EXISTS = Pattern.compile("^\\s*(!?)\\s*([^\\s!=(),]+)\\s*$");

    public static LabelSelector parse(String selector) {
        if (selector == null || selector.isBlank()) {
            return EVERYTHING;
        }
        List<Requirement> requirements = new ArrayList<>();
        for (String term : splitTopLevel(selector)) {
            Matcher m;
            if ((m = SET.matcher(term)).matches()) {
                Set<String> values = Set.copyOf(List.of(m.group(3).trim().split("\\s*,\\s*")));
                requirements.add(new Requirement(m.group(1), m.group(2).equals("in") ? Operator.IN : Operator.NOT_IN,
                        values));
            } else if ((m = EQUALITY.matcher(term)).matches()) {
                requirements.add(new Requirement(m.group(1), m.group(2).equals("!=") ? Operator.NOT_IN : Operator.IN,
                        Set.of(m.group(3))));
            } else if ((m = EXISTS.matcher(term)).matches()) {
                requirements.add(new Requirement(m.group(2), m.group(1).isEmpty() ? Operator.EXISTS
                        : Operator.NOT_EXISTS, Set.of()));
            } else {
                throw ApiException.badRequest("unable to parse requirement: invalid label selector: \"" + term.trim()
                        + "\"");
            }
        }
        return new LabelSelector(List.copyOf(requirements));
    }

    /** Splits on commas outside parentheses. */
    private static List<String> splitTopLevel(String selector) {
        List<String> terms = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < selector.length(); i++) {
            char c = selector.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            } else if (c == ',' && depth == 0) {
                terms.add(selector.substring(start, i));
                start = i + 1;
            }
        }
        terms.add(selector.substring(start));
        return terms;
    }

    /** Whether an object with these labels (its metadata.labels node, or null) is selected. */
    public boolean matches(JsonNode labels) {
        for (Requirement r : requirements) {
            if (!r.matches(labels)) {
                return false;
            }
        }
        return true;
    }

    public boolean isEverything() {
        return requirements.isEmpty();
    }
}
