package io.drover.api.table;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * HorizontalPodAutoscalers: Name, Reference, Targets, MinPods, MaxPods, Replicas, Age.
 *
 * <p>Targets shows "current/target" per metric, at most two, resource metrics prefixed with
 * their name since Kubernetes 1.30 ("cpu: 45%/80%"). Objects may be stored as autoscaling/v1
 * (kubectl autoscale writes v1) or v2; v1's single CPU target is read as the v2 metric it converts
 * to, defaulting to 80% as the real server does.
 */
final class HpaPrinter implements Printer {

    private static final List<Column> COLUMNS = List.of(
            Column.objectName(),
            Column.string("Reference", "scaleTargetRef points to the target resource to scale."),
            Column.string("Targets", "metrics contains the specifications for which to use to calculate the"
                    + " desired replica count."),
            Column.string("MinPods", "minReplicas is the lower limit for the number of replicas to which the"
                    + " autoscaler can scale down."),
            Column.string("MaxPods", "maxReplicas is the upper limit for the number of replicas to which the"
                    + " autoscaler can scale up."),
            Column.string("Replicas", "currentReplicas is current number of replicas of pods managed by this"
                    + " autoscaler."),
            Column.age());

    private static final int MAX_SHOWN = 2;
    private static final int DEFAULT_CPU_UTILIZATION = 80;
    private static final String UNKNOWN = "<unknown>";

    @Override
    public List<Column> columns() {
        return COLUMNS;
    }

    @Override
    public void cells(JsonNode hpa, Instant now, ArrayNode cells) {
        JsonNode spec = hpa.path("spec");
        JsonNode status = hpa.path("status");
        JsonNode minReplicas = spec.path("minReplicas");
        cells.add(Fields.name(hpa));
        cells.add(Fields.text(spec, "scaleTargetRef", "kind") + "/" + Fields.text(spec, "scaleTargetRef", "name"));
        cells.add(formatMetrics(metricSpecs(spec), metricStatuses(status)));
        cells.add(minReplicas.isNumber() ? Long.toString(minReplicas.asLong()) : "<unset>");
        cells.add(Fields.integer(spec, "maxReplicas"));
        cells.add(Fields.integer(status, "currentReplicas"));
        cells.add(HumanDuration.since(Fields.creationTimestamp(hpa), now));
    }

    static String formatMetrics(JsonNode specs, JsonNode statuses) {
        if (specs.isEmpty()) {
            return Selectors.NONE;
        }
        List<String> list = new ArrayList<>();
        for (int i = 0; i < specs.size(); i++) {
            list.add(formatMetric(specs.get(i), statuses.path(i)));
        }
        if (list.size() > MAX_SHOWN) {
            return String.join(", ", list.subList(0, MAX_SHOWN)) + " + " + (list.size() - MAX_SHOWN) + " more...";
        }
        return String.join(", ", list);
    }

    private static String formatMetric(JsonNode spec, JsonNode status) {
        return switch (Fields.text(spec, "type")) {
            case "External" -> valueOrAverage(spec.path("external"), status.path("external"));
            case "Object" -> valueOrAverage(spec.path("object"), status.path("object"));
            case "Pods" -> {
                JsonNode current = status.path("pods");
                String value = current.isObject() ? quantity(Fields.at(current, "current", "averageValue")) : UNKNOWN;
                yield value + "/" + quantity(Fields.at(spec, "pods", "target", "averageValue"));
            }
            case "Resource" -> resource(spec.path("resource"), status.path("resource"));
            case "ContainerResource" -> resource(spec.path("containerResource"), status.path("containerResource"));
            default -> "<unknown type>";
        };
    }

    private static String valueOrAverage(JsonNode spec, JsonNode status) {
        JsonNode target = spec.path("target");
        if (Fields.present(target, "averageValue")) {
            String current = Fields.present(status, "current", "averageValue")
                    ? Fields.text(status, "current", "averageValue") : UNKNOWN;
            return current + "/" + Fields.text(target, "averageValue") + " (avg)";
        }
        String current = status.isObject() ? quantity(Fields.at(status, "current", "value")) : UNKNOWN;
        return current + "/" + quantity(target.path("value"));
    }

    private static String resource(JsonNode spec, JsonNode status) {
        String name = Fields.text(spec, "name");
        JsonNode target = spec.path("target");
        if (Fields.present(target, "averageValue")) {
            String current = status.isObject() ? quantity(Fields.at(status, "current", "averageValue")) : UNKNOWN;
            return name + ": " + current + "/" + Fields.text(target, "averageValue");
        }
        String current = Fields.present(status, "current", "averageUtilization")
                ? Fields.integer(status, "current", "averageUtilization") + "%" : UNKNOWN;
        String goal = Fields.present(target, "averageUtilization")
                ? Fields.integer(target, "averageUtilization") + "%" : "<auto>";
        return name + ": " + current + "/" + goal;
    }

    // Quantities are pointers in the Go types; a nil one prints as "<nil>".
    private static String quantity(JsonNode value) {
        return value.isMissingNode() || value.isNull() ? "<nil>" : value.asText();
    }

    // With no metrics, both versions default to one CPU utilization metric (v1's field, else 80%).
    private static JsonNode metricSpecs(JsonNode spec) {
        if (!spec.path("metrics").isEmpty()) {
            return spec.path("metrics");
        }
        JsonNode percent = spec.path("targetCPUUtilizationPercentage");
        ObjectNode metric = JsonNodeFactory.instance.objectNode().put("type", "Resource");
        metric.putObject("resource").put("name", "cpu").putObject("target")
                .put("type", "Utilization")
                .put("averageUtilization", percent.isNumber() ? percent.asInt() : DEFAULT_CPU_UTILIZATION);
        return JsonNodeFactory.instance.arrayNode().add(metric);
    }

    private static JsonNode metricStatuses(JsonNode status) {
        if (!status.has("currentCPUUtilizationPercentage")) {
            return status.path("currentMetrics");
        }
        ObjectNode metric = JsonNodeFactory.instance.objectNode().put("type", "Resource");
        metric.putObject("resource").put("name", "cpu").putObject("current")
                .put("averageUtilization", status.path("currentCPUUtilizationPercentage").asInt());
        return JsonNodeFactory.instance.arrayNode().add(metric);
    }
}
