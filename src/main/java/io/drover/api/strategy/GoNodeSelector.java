package io.drover.api.strategy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Node selector terms as Go's {@code %#v} prints Kubernetes' internal core.NodeSelectorTerm values in field errors,
 * and their semantic equality (a nil list equals an empty one, as apiequality.Semantic says).
 */
final class GoNodeSelector {
    private GoNodeSelector() {}

    /** {@code []core.NodeSelectorTerm{core.NodeSelectorTerm{...}}}, or {@code []core.NodeSelectorTerm(nil)}. */
    static String terms(JsonNode terms) {
        return slice("core.NodeSelectorTerm", terms, t -> term((ObjectNode) t));
    }

    static String term(ObjectNode term) {
        return "core.NodeSelectorTerm{MatchExpressions:" + requirements(term.get("matchExpressions"))
                + ", MatchFields:" + requirements(term.get("matchFields")) + "}";
    }

    private static String requirements(JsonNode list) {
        return slice("core.NodeSelectorRequirement", list, r -> "core.NodeSelectorRequirement{Key:"
                + GoValues.quote(Nodes.text(r, "key")) + ", Operator:" + GoValues.quote(Nodes.text(r, "operator"))
                + ", Values:" + GoValues.stringSlice(r.get("values")) + "}");
    }

    private static String slice(String type, JsonNode list, java.util.function.Function<JsonNode, String> item) {
        if (list == null || !list.isArray()) {
            return "[]" + type + "(nil)";
        }
        List<String> items = new ArrayList<>();
        list.forEach(v -> items.add(v.isObject() ? item.apply(v) : type + "{}"));
        return "[]" + type + "{" + String.join(", ", items) + "}";
    }

    /** Whether two lists of requirements are semantically equal: same keys, operators and values, in order. */
    static boolean sameRequirements(List<ObjectNode> a, List<ObjectNode> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (!Nodes.text(a.get(i), "key").equals(Nodes.text(b.get(i), "key"))
                    || !Nodes.text(a.get(i), "operator").equals(Nodes.text(b.get(i), "operator"))
                    || !values(a.get(i)).equals(values(b.get(i)))) {
                return false;
            }
        }
        return true;
    }

    private static List<String> values(ObjectNode requirement) {
        List<String> values = new ArrayList<>();
        requirement.path("values").forEach(v -> values.add(v.asText()));
        return values;
    }
}
