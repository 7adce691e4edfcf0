package io.drover.api.strategy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.ApiException.Cause;
import java.util.ArrayList;
import java.util.List;

/**
 * Kubernetes' checks of where a pod may run (pkg/apis/core/validation: the nodeSelector of ValidatePodSpec,
 * ValidateTolerations and validateTaintEffect): label syntax, and tolerations with a known operator and effect
 * that mean what they say.
 */
final class PodPlacementValidation {
    private static final List<String> OPERATORS = List.of("Equal", "Exists");
    private static final List<String> EFFECTS = List.of("NoSchedule", "PreferNoSchedule", "NoExecute");

    private PodPlacementValidation() {}

    static List<Cause> validate(JsonNode spec, String path) {
        List<Cause> causes = new ArrayList<>(ObjectMetaValidation.labels(spec.get("nodeSelector"),
                path + ".nodeSelector"));
        List<ObjectNode> tolerations = Nodes.objects(spec, "tolerations");
        for (int i = 0; i < tolerations.size(); i++) {
            causes.addAll(toleration(tolerations.get(i), path + ".tolerations[" + i + "]"));
        }
        return causes;
    }

    private static List<Cause> toleration(ObjectNode t, String at) {
        List<Cause> causes = new ArrayList<>();
        String key = Nodes.text(t, "key");
        String operator = Nodes.text(t, "operator");
        String value = Nodes.text(t, "value");
        String effect = Nodes.text(t, "effect");
        boolean hasSeconds = t.hasNonNull("tolerationSeconds");
        if (!key.isEmpty()) {
            NameRules.qualifiedName(key).forEach(m -> causes.add(Causes.invalid(at + ".key", GoValues.quote(key), m)));
        }
        if (key.isEmpty() && !operator.equals("Exists")) {
            causes.add(Causes.invalid(at + ".operator", GoValues.quote(operator),
                    "operator must be Exists when `key` is empty, which means \"match all values and all keys\""));
        }
        if (hasSeconds && !effect.equals("NoExecute")) {
            causes.add(Causes.invalid(at + ".effect", GoValues.quote(effect),
                    "effect must be 'NoExecute' when `tolerationSeconds` is set"));
        }
        switch (operator) {
            case "Equal", "" -> {
                List<String> errs = NameRules.labelValue(value);
                if (!errs.isEmpty()) {
                    causes.add(Causes.invalid(at + ".operator", GoValues.quote(value), String.join(";", errs)));
                }
            }
            case "Exists" -> {
                if (!value.isEmpty()) {
                    causes.add(Causes.invalid(at + ".operator", goToleration(key, operator, value, effect, t),
                            "value must be empty when `operator` is 'Exists'"));
                }
            }
            default -> causes.add(Causes.notSupported(at + ".operator", GoValues.quote(operator), OPERATORS));
        }
        if (!effect.isEmpty() && !EFFECTS.contains(effect)) {
            causes.add(Causes.notSupported(at + ".effect", GoValues.quote(effect), EFFECTS));
        }
        return causes;
    }

    /** The toleration as Go prints a core.Toleration with %#v (a set tolerationSeconds is a pointer, shown by value). */
    private static String goToleration(String key, String operator, String value, String effect, ObjectNode t) {
        String seconds = t.hasNonNull("tolerationSeconds") ? "(*int64)(" + t.get("tolerationSeconds").asText() + ")"
                : "(*int64)(nil)";
        return "core.Toleration{Key:" + GoValues.quote(key) + ", Operator:" + GoValues.quote(operator) + ", Value:"
                + GoValues.quote(value) + ", Effect:" + GoValues.quote(effect) + ", TolerationSeconds:" + seconds + "}";
    }
}
