package io.drover.api.table;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Label maps and label selectors as Kubernetes prints them: {@code labels.FormatLabels} and
 * {@code metav1.LabelSelectorAsSelector(..).String()}.
 */
public final class Selectors {

    static final String NONE = "<none>";

    private Selectors() {}

    /** "a=b,c=d" sorted by key, or "&lt;none&gt;" for an empty or absent map. */
    static String formatLabels(JsonNode labels) {
        Map<String, String> sorted = Fields.sortedMap(labels);
        if (sorted.isEmpty()) {
            return NONE;
        }
        return sorted.entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(","));
    }

    /** metav1.FormatLabelSelector: the selector string, "&lt;none&gt;" when it selects all or nothing. */
    static String formatLabelSelector(JsonNode selector) {
        String s = selectorString(selector);
        if (s == null) {
            return "<error>";
        }
        return s.isEmpty() ? NONE : s;
    }

    /**
     * The selector's canonical string, "" for an absent or empty selector, or null when an operator
     * is unknown (Go returns an error there).
     */
    public static String selectorString(JsonNode selector) {
        if (!selector.isObject()) {
            return "";
        }
        List<Requirement> requirements = new ArrayList<>();
        selector.path("matchLabels").properties()
                .forEach(e -> requirements.add(new Requirement(e.getKey(), e.getKey() + "=" + e.getValue().asText())));
        for (JsonNode expression : selector.path("matchExpressions")) {
            String key = Fields.text(expression, "key");
            String values = Fields.strings(expression.path("values")).stream()
                    .sorted()
                    .collect(Collectors.joining(","));
            String text = switch (Fields.text(expression, "operator")) {
                case "In" -> key + " in (" + values + ")";
                case "NotIn" -> key + " notin (" + values + ")";
                case "Exists" -> key;
                case "DoesNotExist" -> "!" + key;
                default -> null;
            };
            if (text == null) {
                return null;
            }
            requirements.add(new Requirement(key, text));
        }
        // labels.Selector.Add keeps requirements sorted by key.
        requirements.sort(Comparator.comparing(Requirement::key));
        return requirements.stream().map(Requirement::text).collect(Collectors.joining(","));
    }

    private record Requirement(String key, String text) {}
}
