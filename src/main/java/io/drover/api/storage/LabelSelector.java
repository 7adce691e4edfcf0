package io.drover.api.storage;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Set;

/**
 * A parsed {@code labelSelector} query parameter: equality ({@code a=b}, {@code a==b},
 * {@code a!=b}), set ({@code a in (x,y)}, {@code a notin (x)}), existence ({@code a},
 * {@code !a}) and integer ({@code a>1}, {@code a<1}) requirements, all of which must hold.
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
                case GREATER_THAN, LESS_THAN -> present && compares(value.asText());
            };
        }

        /** Go's Gt and Lt: the label's value, read as an integer, against the one in the selector. */
        private boolean compares(String label) {
            try {
                long have = Long.parseLong(label);
                long want = Long.parseLong(values.iterator().next());
                return operator == Operator.GREATER_THAN ? have > want : have < want;
            } catch (NumberFormatException e) {
                return false;
            }
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
        NOT_IN,
        /** The label is an integer greater than the one value ({@code >}). */
        GREATER_THAN,
        /** The label is an integer less than the one value ({@code <}). */
        LESS_THAN
    }

    public static final LabelSelector EVERYTHING = new LabelSelector(List.of());

    /** Parses a labelSelector parameter as apimachinery does; a 400 with its message when it cannot. */
    public static LabelSelector parse(String selector) {
        return selector == null || selector.isBlank() ? EVERYTHING : LabelSelectorParser.parse(selector);
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
