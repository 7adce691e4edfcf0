package io.drover.api.strategy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.ApiException.Cause;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Kubernetes' checks of an autoscaling/v2 HorizontalPodAutoscaler's metrics and behavior (autoscaling
 * validation: validateMetricSpec, the metric sources, validateMetricTarget, validateScalingRules): a known
 * source type carrying exactly that source, targets of a known type with positive values, a resource or
 * utilization target where one is needed, and scaling rules within Kubernetes' bounds.
 */
final class AutoscalerMetricsValidation {
    private static final List<String> SOURCE_TYPES = List.of("ContainerResource", "External", "Object", "Pods",
            "Resource");
    private static final List<String> SELECT_POLICIES = List.of("Disabled", "Max", "Min");
    private static final List<String> POLICY_TYPES = List.of("Percent", "Pods");
    private static final long MAX_STABILIZATION_WINDOW_SECONDS = 3600;
    private static final long MAX_PERIOD_SECONDS = 1800;

    private AutoscalerMetricsValidation() {}

    static List<Cause> validate(JsonNode spec) {
        List<Cause> causes = new ArrayList<>();
        List<ObjectNode> metrics = Nodes.objects(spec, "metrics");
        for (int i = 0; i < metrics.size(); i++) {
            causes.addAll(metric(metrics.get(i), "spec.metrics[" + i + "]"));
        }
        scaleToZero(spec).ifPresent(causes::add);
        ObjectNode behavior = Nodes.object(spec, "behavior");
        if (behavior != null) {
            for (String direction : List.of("scaleUp", "scaleDown")) {
                ObjectNode rules = Nodes.object(behavior, direction);
                if (rules != null) {
                    causes.addAll(scalingRules(rules, "spec.behavior." + direction));
                }
            }
        }
        return causes;
    }

    /**
     * validateMetrics: minReplicas 0 needs an Object or External metric to scale back up from zero (whatever the
     * HPAScaleToZero gate, which only decides whether 0 passes the minReplicas check).
     */
    static java.util.Optional<Cause> scaleToZero(JsonNode spec) {
        JsonNode min = spec.path("minReplicas");
        boolean zero = min.isIntegralNumber() && min.asLong() == 0;
        boolean wakes = Nodes.objects(spec, "metrics").stream()
                .map(m -> Nodes.text(m, "type")).anyMatch(t -> t.equals("Object") || t.equals("External"));
        return zero && !wakes ? java.util.Optional.of(Causes.forbidden("spec.metrics",
                "must specify at least one Object or External metric to support scaling to zero replicas"))
                : java.util.Optional.empty();
    }

    private static List<Cause> metric(ObjectNode metric, String at) {
        List<Cause> causes = new ArrayList<>();
        String type = Nodes.text(metric, "type");
        if (type.isEmpty()) {
            causes.add(Causes.required(at + ".type", "must specify a metric source type"));
        }
        if (!SOURCE_TYPES.contains(type)) {
            causes.add(Causes.notSupported(at + ".type", GoValues.quote(type), SOURCE_TYPES));
        }
        Set<String> present = new LinkedHashSet<>();
        for (String field : List.of("object", "external", "pods", "resource", "containerResource")) {
            ObjectNode source = Nodes.object(metric, field);
            if (source == null) {
                continue;
            }
            present.add(field);
            if (present.size() == 1) {
                causes.addAll(source(field, source, at + "." + field));
            }
        }
        String expected = type.isEmpty() ? "" : Character.toLowerCase(type.charAt(0)) + type.substring(1);
        if (SOURCE_TYPES.contains(type) && Nodes.object(metric, expected) == null) {
            causes.add(Causes.required(at + "." + expected, "must populate information for the given metric source"));
        }
        if (present.size() != 1) {
            present.remove(expected);
            present.forEach(f -> causes.add(Causes.forbidden(at + "." + f, "must populate the given metric source only")));
        }
        return causes;
    }

    private static List<Cause> source(String kind, ObjectNode source, String at) {
        List<Cause> causes = new ArrayList<>();
        ObjectNode target = Nodes.object(source, "target");
        JsonNode t = target == null ? source.objectNode() : target;
        boolean value = t.hasNonNull("value");
        boolean averageValue = t.hasNonNull("averageValue");
        boolean utilization = t.hasNonNull("averageUtilization");
        switch (kind) {
            case "resource", "containerResource" -> {
                String name = Nodes.text(source, "name");
                if (name.isEmpty()) {
                    causes.add(Causes.required(at + ".name", "must specify a resource name"));
                } else if (kind.equals("containerResource")) {
                    // validateContainerResourceSource: what a container can request (ValidateContainerResourceName).
                    causes.addAll(ResourceNames.check(name, at + ".name", ResourceNames.CONTAINER,
                            "must be a standard resource for containers"));
                }
                if (kind.equals("containerResource")) {
                    String container = Nodes.text(source, "container");
                    if (container.isEmpty()) {
                        causes.add(Causes.required(at + ".container", "must specify a container"));
                    } else {
                        causes.addAll(Causes.invalidEach(at + ".container", container, NameRules.dns1123Label(container)));
                    }
                }
                causes.addAll(target(t, at + ".target"));
                if (!utilization && !averageValue) {
                    causes.add(Causes.required(at + ".target.averageUtilization",
                            "must set either a target raw value or a target utilization"));
                }
                if (utilization && averageValue) {
                    causes.add(Causes.forbidden(at + ".target.averageValue",
                            "may not set both a target raw value and a target utilization"));
                }
            }
            case "pods" -> {
                causes.addAll(metricName(source, at + ".metric"));
                causes.addAll(target(t, at + ".target"));
                if (!averageValue) {
                    causes.add(Causes.required(at + ".target.averageValue", "must specify a positive target averageValue"));
                }
            }
            case "object" -> {
                causes.addAll(reference(Nodes.object(source, "describedObject"), at + ".describedObject"));
                causes.addAll(metricName(source, at + ".metric"));
                causes.addAll(target(t, at + ".target"));
                if (!value && !averageValue) {
                    causes.add(Causes.required(at + ".target.averageValue", "must set either a target value or averageValue"));
                }
            }
            default -> { // external
                causes.addAll(metricName(source, at + ".metric"));
                causes.addAll(target(t, at + ".target"));
                if (!value && !averageValue) {
                    causes.add(Causes.required(at + ".target.averageValue",
                            "must set either a target value for metric or a per-pod target"));
                }
                if (value && averageValue) {
                    causes.add(Causes.forbidden(at + ".target.value",
                            "may not set both a target value for metric and a per-pod target"));
                }
            }
        }
        return causes;
    }

    /** validateMetricTarget. */
    private static List<Cause> target(JsonNode target, String at) {
        List<Cause> causes = new ArrayList<>();
        String type = Nodes.text(target, "type");
        if (type.isEmpty()) {
            causes.add(Causes.required(at + ".type", "must specify a metric target type"));
        }
        if (!List.of("Utilization", "Value", "AverageValue").contains(type)) {
            causes.add(Causes.invalid(at + ".type", GoValues.quote(type), "must be either Utilization, Value, or AverageValue"));
        }
        for (String field : List.of("value", "averageValue")) {
            JsonNode quantity = target.get(field);
            if (quantity != null && !quantity.isNull() && !positive(quantity.asText())) {
                causes.add(Causes.invalid(at + "." + field, GoValues.quote(quantity.asText()), "must be positive"));
            }
        }
        JsonNode utilization = target.get("averageUtilization");
        if (utilization != null && utilization.isNumber() && utilization.asLong() < 1) {
            causes.add(Causes.invalid(at + ".averageUtilization", utilization.asText(), "must be greater than 0"));
        }
        return causes;
    }

    private static List<Cause> metricName(ObjectNode source, String at) {
        String name = Nodes.text(Nodes.object(source, "metric"), "name");
        if (name.isEmpty()) {
            return List.of(Causes.required(at + ".name", "must specify a metric name"));
        }
        List<Cause> causes = new ArrayList<>();
        causes.addAll(Causes.invalidEach(at + ".name", name, NameRules.pathSegmentName(name)));
        return causes;
    }

    /** ValidateCrossVersionObjectReference, as for the scale target. */
    static List<Cause> reference(JsonNode ref, String at) {
        List<Cause> causes = new ArrayList<>();
        for (String field : List.of("kind", "name")) {
            String value = Nodes.text(ref, field);
            if (value.isEmpty()) {
                causes.add(Causes.required(at + "." + field));
            } else {
                causes.addAll(Causes.invalidEach(at + "." + field, value, NameRules.pathSegmentName(value)));
            }
        }
        return causes;
    }

    private static List<Cause> scalingRules(ObjectNode rules, String at) {
        List<Cause> causes = new ArrayList<>();
        JsonNode window = rules.get("stabilizationWindowSeconds");
        if (window != null && window.isNumber()) {
            if (window.asLong() < 0) {
                causes.add(Causes.invalid(at + ".stabilizationWindowSeconds", window.asText(),
                        "must be greater than or equal to zero"));
            } else if (window.asLong() > MAX_STABILIZATION_WINDOW_SECONDS) {
                causes.add(Causes.invalid(at + ".stabilizationWindowSeconds", window.asText(),
                        "must be less than or equal to " + MAX_STABILIZATION_WINDOW_SECONDS));
            }
        }
        String select = Nodes.text(rules, "selectPolicy");
        if (rules.hasNonNull("selectPolicy") && !SELECT_POLICIES.contains(select)) {
            causes.add(Causes.notSupported(at + ".selectPolicy", GoValues.quote(select), SELECT_POLICIES));
        }
        List<ObjectNode> policies = Nodes.objects(rules, "policies");
        if (policies.isEmpty()) {
            causes.add(Causes.required(at + ".policies", "must specify at least one Policy"));
        }
        for (int i = 0; i < policies.size(); i++) {
            ObjectNode policy = policies.get(i);
            String pat = at + ".policies[" + i + "]";
            String type = Nodes.text(policy, "type");
            if (!POLICY_TYPES.contains(type)) {
                causes.add(Causes.notSupported(pat + ".type", GoValues.quote(type), POLICY_TYPES));
            }
            long value = policy.path("value").asLong(0);
            if (value <= 0) {
                causes.add(Causes.invalid(pat + ".value", Long.toString(value), "must be greater than zero"));
            }
            long period = policy.path("periodSeconds").asLong(0);
            if (period <= 0) {
                causes.add(Causes.invalid(pat + ".periodSeconds", Long.toString(period), "must be greater than zero"));
            } else if (period > MAX_PERIOD_SECONDS) {
                causes.add(Causes.invalid(pat + ".periodSeconds", Long.toString(period),
                        "must be less than or equal to " + MAX_PERIOD_SECONDS));
            }
        }
        return causes;
    }

    private static boolean positive(String quantity) {
        java.math.BigDecimal amount = ResourceNames.amount(quantity);
        return amount == null || amount.signum() > 0; // the value-type checks report a malformed one
    }
}
