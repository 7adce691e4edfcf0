package io.drover.api.strategy;

import com.fasterxml.jackson.databind.JsonNode;
import io.drover.api.ApiException.Cause;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** A meta/v1 LabelSelector: its validation (apimachinery's {@code ValidateLabelSelector}), matching and rendering. */
public final class LabelSelectors {

    private LabelSelectors() {}

    static List<Cause> validate(JsonNode selector, String field) {
        List<Cause> causes = new ArrayList<>();
        if (selector == null || !selector.isObject()) {
            return causes;
        }
        List<JsonNode> expressions = new ArrayList<>();
        selector.path("matchExpressions").forEach(expressions::add);
        for (int i = 0; i < expressions.size(); i++) {
            causes.addAll(requirement(expressions.get(i), field + ".matchExpressions[" + i + "]", false));
        }
        causes.addAll(ObjectMetaValidation.labels(selector.get("matchLabels"), field + ".matchLabels"));
        return causes;
    }

    /**
     * The values an operator takes, as ValidateLabelSelectorRequirement and ValidateFieldSelectorRequirement check
     * them alike: In and NotIn need some, Exists and DoesNotExist none; another operator is refused unless allowed.
     */
    static List<Cause> operatorValues(String operator, int values, String path, boolean allowUnknownOperator) {
        return switch (operator) {
            case "In", "NotIn" -> values == 0
                    ? List.of(Causes.required(path + ".values", "must be specified when `operator` is 'In' or 'NotIn'"))
                    : List.of();
            case "Exists", "DoesNotExist" -> values > 0
                    ? List.of(Causes.forbidden(path + ".values",
                            "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"))
                    : List.of();
            default -> allowUnknownOperator ? List.of()
                    : List.of(Causes.invalid(path + ".operator", GoValues.quote(operator), "not a valid selector operator"));
        };
    }

    /**
     * ValidateLabelSelectorRequirement: the operator's values, a qualified key, label values. An access review's
     * selector allows operators it does not know (AllowUnknownOperatorInRequirement), for newer clients.
     */
    static List<Cause> requirement(JsonNode req, String path, boolean allowUnknownOperator) {
        int values = req.path("values").size();
        List<Cause> causes = new ArrayList<>(operatorValues(Nodes.text(req, "operator"), values, path,
                allowUnknownOperator));
        String key = Nodes.text(req, "key");
        for (String msg : NameRules.qualifiedName(key)) {
            causes.add(Causes.invalid(path + ".key", GoValues.quote(key), msg));
        }
        // AllowInvalidLabelValueInSelector is only ever true for an object stored with such a value.
        for (int j = 0; j < values; j++) {
            String value = req.path("values").path(j).asText();
            for (String msg : NameRules.labelValue(value)) {
                causes.add(Causes.invalid(path + ".values[" + j + "]", GoValues.quote(value), msg));
            }
        }
        return causes;
    }

    /** Whether the selector has neither matchLabels nor matchExpressions. */
    static boolean isEmpty(JsonNode selector) {
        return selector == null || (selector.path("matchLabels").isEmpty() && selector.path("matchExpressions").isEmpty());
    }

    /** Whether labels (a metadata.labels node, or null) satisfy the selector; an empty selector matches all. */
    public static boolean matches(JsonNode selector, JsonNode labels) {
        if (selector == null) {
            return true;
        }
        for (var e : selector.path("matchLabels").properties()) {
            JsonNode value = labels == null ? null : labels.get(e.getKey());
            if (value == null || !value.asText().equals(e.getValue().asText())) {
                return false;
            }
        }
        for (JsonNode req : selector.path("matchExpressions")) {
            JsonNode value = labels == null ? null : labels.get(Nodes.text(req, "key"));
            Set<String> values = new HashSet<>();
            req.path("values").forEach(v -> values.add(v.asText()));
            boolean ok = switch (Nodes.text(req, "operator")) {
                case "In" -> value != null && values.contains(value.asText());
                case "NotIn" -> value == null || !values.contains(value.asText());
                case "Exists" -> value != null;
                case "DoesNotExist" -> value == null;
                default -> false;
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** The selector as Go's {@code %#v} prints a v1.LabelSelector in Kubernetes' messages. */
    static String goString(JsonNode selector) {
        StringBuilder b = new StringBuilder("v1.LabelSelector{MatchLabels:");
        b.append(GoValues.stringMap(selector == null ? null : selector.get("matchLabels")));
        b.append(", MatchExpressions:");
        JsonNode expressions = selector == null ? null : selector.get("matchExpressions");
        if (expressions == null || !expressions.isArray()) {
            b.append("[]v1.LabelSelectorRequirement(nil)");
        } else {
            List<String> items = new ArrayList<>();
            for (JsonNode req : expressions) {
                items.add("v1.LabelSelectorRequirement{Key:" + GoValues.quote(Nodes.text(req, "key")) + ", Operator:"
                        + GoValues.quote(Nodes.text(req, "operator")) + ", Values:"
                        + GoValues.stringSlice(req.get("values")) + "}");
            }
            b.append("[]v1.LabelSelectorRequirement{").append(String.join(", ", items)).append('}');
        }
        return b.append('}').toString();
    }
}
