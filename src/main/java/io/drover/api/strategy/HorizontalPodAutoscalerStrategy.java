package io.drover.api.strategy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.ApiException.Cause;
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

    @Override
    public void applyDefaults(ObjectNode hpa) {
        ObjectNode spec = Nodes.objectOrNew(hpa, "spec");
        Nodes.defaultPointer(spec, "minReplicas", 1);
        if (v2 && spec.path("metrics").isEmpty()) {
            ObjectNode resource = spec.putArray("metrics").addObject().put("type", "Resource").putObject("resource");
            resource.put("name", "cpu");
            resource.putObject("target").put("type", "Utilization").put("averageUtilization", DEFAULT_CPU_UTILIZATION);
        }
    }

    @Override
    public List<Cause> validateCreate(ObjectNode hpa) {
        List<Cause> causes = new ArrayList<>();
        JsonNode spec = hpa.path("spec");
        causes.addAll(AutoscalerMetricsValidation.reference(spec.path("scaleTargetRef"), "spec.scaleTargetRef"));
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
        if (v2) {
            causes.addAll(AutoscalerMetricsValidation.validate(spec));
        }
        JsonNode cpu = spec.get("targetCPUUtilizationPercentage");
        if (!v2 && cpu != null && cpu.isNumber() && cpu.asLong() < 1) {
            causes.add(Causes.invalid("spec.targetCPUUtilizationPercentage", cpu.asText(), "must be greater than 0"));
        }
        return causes;
    }
}
