package io.drover.api.strategy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.ApiException.Cause;
import java.util.ArrayList;
import java.util.List;

/**
 * policy/v1 PodDisruptionBudgets (pkg/apis/policy/validation): minAvailable or maxUnavailable, not
 * both, each a count or a percentage of at most 100%; a valid selector; a known
 * unhealthyPodEvictionPolicy. The spec may change (Kubernetes allows it since 1.15).
 */
final class PodDisruptionBudgetStrategy extends KindStrategy {
    private static final List<String> EVICTION_POLICIES = List.of("AlwaysAllow", "IfHealthyBudget");


    /** podDisruptionBudgetStrategy.PrepareForCreate: the status is the disruption controller's; its counters are never omitted. */
    @Override
    public void applyCreateDefaults(ObjectNode pdb) {
        ObjectNode status = pdb.putObject("status");
        for (String counter : List.of("disruptionsAllowed", "currentHealthy", "desiredHealthy", "expectedPods")) {
            status.put(counter, 0);
        }
    }

    @Override
    public boolean tracksGeneration() {
        return true;
    }

    @Override
    public List<Cause> validateCreate(ObjectNode pdb) {
        List<Cause> causes = new ArrayList<>();
        JsonNode spec = pdb.path("spec");
        JsonNode minAvailable = spec.get("minAvailable");
        JsonNode maxUnavailable = spec.get("maxUnavailable");
        if (present(minAvailable) && present(maxUnavailable)) {
            causes.add(Causes.invalid("spec", "policy.PodDisruptionBudgetSpec{MinAvailable:"
                    + GoValues.intOrString(minAvailable) + ", MaxUnavailable:" + GoValues.intOrString(maxUnavailable)
                    + "}", "minAvailable and maxUnavailable cannot be both set"));
        }
        for (String field : List.of("minAvailable", "maxUnavailable")) {
            causes.addAll(IntOrPercent.positive(spec.get(field), "spec." + field));
            causes.addAll(IntOrPercent.notMoreThan100Percent(spec.get(field), "spec." + field));
        }
        JsonNode selector = spec.get("selector");
        if (present(selector)) {
            causes.addAll(LabelSelectors.validate(selector, "spec.selector"));
        }
        String policy = Nodes.text(spec, "unhealthyPodEvictionPolicy");
        if (spec.has("unhealthyPodEvictionPolicy") && !EVICTION_POLICIES.contains(policy)) {
            causes.add(Causes.notSupported("spec.unhealthyPodEvictionPolicy", GoValues.quote(policy), EVICTION_POLICIES));
        }
        return causes;
    }

    private static boolean present(JsonNode value) {
        return value != null && !value.isNull();
    }

    @Override
    public List<Cause> validateStatusUpdate(ObjectNode oldObject, ObjectNode newObject) {
        return StatusRules.podDisruptionBudget(newObject);
    }
}
