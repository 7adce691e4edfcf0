package io.drover.scheduler;

import io.drover.pod.PodFields;
import java.util.List;
import java.util.Map;

/**
 * One requirement of a label selector or node selector term: {@code key} {@code operator} {@code values}, with
 * operators In, NotIn, Exists, DoesNotExist and, for node selectors only, Gt and Lt.
 *
 * <p>A malformed requirement (In without values, Exists with values, Gt with anything but one integer, an unknown
 * operator) matches nothing: Kubernetes fails to build the selector and treats the term that holds it as
 * matching no object. The API server refuses such specs; this only keeps an object stored before it did from
 * matching by accident.
 */
record Requirement(String key, String operator, List<String> values) {

    Requirement {
        values = List.copyOf(values);
    }

    static Requirement of(String key, String operator, List<String> values) {
        return new Requirement(PodFields.text(key), PodFields.text(operator),
                PodFields.list(values).stream().map(PodFields::text).toList());
    }

    /** Whether {@code labels} (or, for matchFields, the object's fields) satisfy this requirement. */
    boolean matches(Map<String, String> labels) {
        String value = labels.get(key);
        return switch (operator) {
            case "In" -> !values.isEmpty() && value != null && values.contains(value);
            // NotIn and DoesNotExist hold for an object that lacks the key altogether, as in Kubernetes.
            case "NotIn" -> !values.isEmpty() && (value == null || !values.contains(value));
            case "Exists" -> values.isEmpty() && value != null;
            case "DoesNotExist" -> values.isEmpty() && value == null;
            case "Gt" -> compare(value) > 0;
            case "Lt" -> compare(value) < 0;
            default -> false;
        };
    }

    /**
     * The sign of label minus the requirement's one value, both read as 64-bit integers; 0 (no match for Gt or
     * Lt) when either is missing or not an integer.
     */
    private int compare(String label) {
        if (label == null || values.size() != 1) {
            return 0;
        }
        try {
            return Long.compare(Long.parseLong(label), Long.parseLong(values.getFirst()));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
