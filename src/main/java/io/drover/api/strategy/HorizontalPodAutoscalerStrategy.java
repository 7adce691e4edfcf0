package io.drover.api.strategy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.ApiException.Cause;
import io.drover.api.convert.HpaConversion;
import java.util.ArrayList;
import java.util.List;

/**
 * autoscaling HorizontalPodAutoscalers: minReplicas 1, and in v2 a CPU utilization target of 80% when no metric
 * is given (v1 carries targetCPUUtilizationPercentage instead); a target, replica bounds that make sense, and in
 * v2 metrics and behavior as Kubernetes checks them ({@link AutoscalerMetricsValidation}).
 */
final class HorizontalPodAutoscalerStrategy extends KindStrategy {
    static final int DEFAULT_CPU_UTILIZATION = 80;
    private final boolean v2;

    HorizontalPodAutoscalerStrategy(boolean v2) {
        this.v2 = v2;
    }


    /** hpaStrategy.PrepareForCreate: the status is the autoscaler's; desiredReplicas is never omitted. */
    @Override
    public void applyCreateDefaults(ObjectNode hpa) {
        hpa.putObject("status").put("desiredReplicas", 0);
    }

    @Override
    public void applyDefaults(ObjectNode hpa) {
        if (v2) {
            // v2's decoding drops the annotations v1 carries v2's fields in: a v2 write never stores them.
            HpaConversion.dropRoundTripAnnotations(hpa);
        }
        ObjectNode spec = Nodes.objectOrNew(hpa, "spec");
        Nodes.defaultPointer(spec, "minReplicas", 1);
        ObjectNode behavior = Nodes.object(spec, "behavior");
        if (v2 && behavior != null) {
            defaultRules(Nodes.objectOrNew(behavior, "scaleUp"), 0, List.of(new int[] {4, 15}, new int[] {100, 15}));
            defaultRules(Nodes.objectOrNew(behavior, "scaleDown"), null, List.of(new int[] {100, 15}));
        }
        if (v2 && spec.path("metrics").isEmpty()) {
            ObjectNode resource = spec.putArray("metrics").addObject().put("type", "Resource").putObject("resource");
            resource.put("name", "cpu");
            resource.putObject("target").put("type", "Utilization").put("averageUtilization", DEFAULT_CPU_UTILIZATION);
        }
    }

    /**
     * Kubernetes' GenerateHPAScaleUpRules and GenerateHPAScaleDownRules: what a given behavior leaves out of a
     * direction comes from the defaults (select Max; scale up by 4 pods or 100% per 15 s with no window; scale
     * down by 100% per 15 s, with the controller's window).
     *
     * @param policies {Pods value, period} first when two are given, then {Percent value, period}
     */
    private static void defaultRules(ObjectNode rules, Integer window, List<int[]> policies) {
        if (window != null) {
            Nodes.defaultPointer(rules, "stabilizationWindowSeconds", window);
        }
        Nodes.defaultText(rules, "selectPolicy", "Max");
        if (!rules.has("policies") || rules.get("policies").isNull()) {
            var list = rules.putArray("policies");
            for (int i = 0; i < policies.size(); i++) {
                String type = policies.size() == 2 && i == 0 ? "Pods" : "Percent";
                list.addObject().put("type", type).put("value", policies.get(i)[0]).put("periodSeconds", policies.get(i)[1]);
            }
        }
    }

    @Override
    public List<Cause> validateCreate(ObjectNode hpa) {
        List<Cause> causes = new ArrayList<>();
        JsonNode spec = hpa.path("spec");
        long min = spec.path("minReplicas").asLong(1);
        long max = spec.path("maxReplicas").asLong(0);
        if (min < 1) {
            causes.add(Causes.invalid("spec.minReplicas", "" + min, "must be greater than or equal to 1"));
        }
        if (max < 1) {
            causes.add(Causes.invalid("spec.maxReplicas", "" + max, "must be greater than 0"));
        }
        if (max < min) {
            causes.add(Causes.invalid("spec.maxReplicas", "" + max, "must be greater than or equal to `minReplicas`"));
        }
        // validateHorizontalPodAutoscalerSpec's order: the replica bounds, the target, the metrics, the behavior.
        causes.addAll(AutoscalerMetricsValidation.reference(spec.path("scaleTargetRef"), "spec.scaleTargetRef"));
        if (v2) {
            causes.addAll(AutoscalerMetricsValidation.validate(spec));
        } else {
            JsonNode cpu = spec.get("targetCPUUtilizationPercentage");
            if (cpu != null && cpu.isNumber() && cpu.asLong() < 1) {
                causes.add(Causes.invalid("spec.targetCPUUtilizationPercentage", cpu.asText(), "must be greater than 0"));
            }
            // v1 has a CPU metric only: never one that lets it scale to zero.
            AutoscalerMetricsValidation.scaleToZero(spec).ifPresent(causes::add);
        }
        return causes;
    }

    @Override
    public List<Cause> validateStatusUpdate(ObjectNode oldObject, ObjectNode newObject) {
        return StatusRules.horizontalPodAutoscaler(newObject);
    }
}
