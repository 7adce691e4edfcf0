package io.drover.api.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.ApiException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The autoscaling/v1 Scale view of a workload (the scale subresource) and writes through it. */
final class Scale {
    private Scale() {}

    static ObjectNode of(ObjectNode workload, ObjectMapper json) {
        ObjectNode scale = json.createObjectNode();
        scale.put("kind", "Scale");
        scale.put("apiVersion", "autoscaling/v1");
        ObjectNode metadata = scale.putObject("metadata");
        JsonNode source = workload.path("metadata");
        for (String field : List.of("name", "namespace", "uid", "resourceVersion", "creationTimestamp")) {
            if (source.has(field)) {
                metadata.set(field, source.get(field));
            }
        }
        scale.putObject("spec").put("replicas", workload.path("spec").path("replicas").asInt(1));
        ObjectNode status = scale.putObject("status");
        status.put("replicas", workload.path("status").path("replicas").asInt(0));
        status.put("selector", selectorString(workload.path("spec").path("selector")));
        return scale;
    }

    /** Sets the workload's replicas from a Scale; its resourceVersion, if any, is a precondition. */
    static ObjectNode applyTo(ObjectNode workload, JsonNode scale) {
        JsonNode replicas = scale.path("spec").path("replicas");
        if (!replicas.isIntegralNumber() || replicas.asLong() < 0 || replicas.asLong() > Integer.MAX_VALUE) {
            throw ApiException.badRequest("spec.replicas: Invalid value: " + replicas
                    + ": must be greater than or equal to 0");
        }
        workload.withObject("spec").put("replicas", replicas.asInt());
        String rv = scale.path("metadata").path("resourceVersion").asText("");
        if (!rv.isEmpty()) {
            workload.withObject("metadata").put("resourceVersion", rv);
        }
        return workload;
    }

    /** A label selector in its string form, as Scale's status.selector carries it. */
    private static String selectorString(JsonNode selector) {
        List<String> terms = new ArrayList<>();
        selector.path("matchLabels").fields().forEachRemaining((Map.Entry<String, JsonNode> e) ->
                terms.add(e.getKey() + "=" + e.getValue().asText()));
        for (JsonNode expr : selector.path("matchExpressions")) {
            String key = expr.path("key").asText();
            List<String> values = new ArrayList<>();
            expr.path("values").forEach(v -> values.add(v.asText()));
            switch (expr.path("operator").asText()) {
                case "In" -> terms.add(key + " in (" + String.join(",", values) + ")");
                case "NotIn" -> terms.add(key + " notin (" + String.join(",", values) + ")");
                case "Exists" -> terms.add(key);
                case "DoesNotExist" -> terms.add("!" + key);
                default -> { }
            }
        }
        return String.join(",", terms);
    }
}
