package io.drover.api.strategy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.ApiException.Cause;
import java.util.ArrayList;
import java.util.List;

/**
 * apps/v1 Deployments (pkg/apis/apps/v1/defaults.go SetDefaults_Deployment and apps validation): replicas 1,
 * RollingUpdate with 25% surge and unavailability, 10 kept revisions, a 600 s progress deadline; the template
 * rules, the strategy's checks, an immutable selector.
 */
final class DeploymentStrategy extends KindStrategy {

    /** deploymentStrategy.PrepareForCreate: the status is the controller's; one sent on create is dropped. */
    @Override
    public void applyCreateDefaults(ObjectNode deployment) {
        deployment.putObject("status");
    }

    private static final List<String> TYPES = List.of("Recreate", "RollingUpdate");

    @Override
    public boolean tracksGeneration() {
        return true;
    }

    @Override
    public void applyDefaults(ObjectNode deployment) {
        PodTemplateRules.applyDefaults(deployment);
        ObjectNode spec = Nodes.object(deployment, "spec");
        Nodes.dropZeros(spec, "paused");
        ObjectNode strategy = Nodes.objectOrNew(spec, "strategy");
        Nodes.defaultText(strategy, "type", "RollingUpdate");
        if (Nodes.text(strategy, "type").equals("RollingUpdate")) {
            ObjectNode rolling = Nodes.objectOrNew(strategy, "rollingUpdate");
            if (rolling.get("maxUnavailable") == null || rolling.get("maxUnavailable").isNull()) {
                rolling.put("maxUnavailable", "25%");
            }
            if (rolling.get("maxSurge") == null || rolling.get("maxSurge").isNull()) {
                rolling.put("maxSurge", "25%");
            }
        }
        Nodes.defaultPointer(spec, "revisionHistoryLimit", 10);
        Nodes.defaultPointer(spec, "progressDeadlineSeconds", 600);
    }

    @Override
    public List<Cause> validateCreate(ObjectNode deployment) {
        JsonNode spec = deployment.get("spec");
        List<Cause> causes = new ArrayList<>(PodTemplateRules.validate(spec));
        if (spec == null) {
            return causes;
        }
        causes.addAll(strategy(spec.get("strategy")));
        causes.addAll(PodTemplateRules.nonNegative(spec, "revisionHistoryLimit", "spec.revisionHistoryLimit"));
        JsonNode deadline = spec.get("progressDeadlineSeconds");
        if (deadline != null && deadline.isNumber()) {
            causes.addAll(PodTemplateRules.nonNegative(spec, "progressDeadlineSeconds", "spec.progressDeadlineSeconds"));
            if (deadline.asLong() <= spec.path("minReadySeconds").asLong(0)) {
                causes.add(Causes.invalid("spec.progressDeadlineSeconds", deadline.asText(),
                        "must be greater than minReadySeconds"));
            }
        }
        return causes;
    }

    private static List<Cause> strategy(JsonNode strategy) {
        List<Cause> causes = new ArrayList<>();
        String type = Nodes.text(strategy, "type");
        if (type.isEmpty()) {
            causes.add(Causes.required("spec.strategy.type"));
            return causes;
        }
        if (!TYPES.contains(type)) {
            causes.add(Causes.notSupported("spec.strategy.type", GoValues.quote(type), TYPES));
            return causes;
        }
        JsonNode rolling = strategy.get("rollingUpdate");
        if (type.equals("Recreate")) {
            if (rolling != null && !rolling.isNull()) {
                causes.add(Causes.forbidden("spec.strategy.rollingUpdate",
                        "may not be specified when strategy `type` is 'Recreate'"));
            }
            return causes;
        }
        if (rolling == null || !rolling.isObject()) {
            return causes;
        }
        String at = "spec.strategy.rollingUpdate";
        causes.addAll(IntOrPercent.positive(rolling.get("maxUnavailable"), at + ".maxUnavailable"));
        causes.addAll(IntOrPercent.positive(rolling.get("maxSurge"), at + ".maxSurge"));
        if (isZero(rolling.get("maxUnavailable")) && isZero(rolling.get("maxSurge"))) {
            causes.add(Causes.invalid(at + ".maxUnavailable", GoValues.intOrString(rolling.get("maxUnavailable")),
                    "may not be 0 when `maxSurge` is 0"));
        }
        causes.addAll(IntOrPercent.notMoreThan100Percent(rolling.get("maxUnavailable"), at + ".maxUnavailable"));
        return causes;
    }

    private static boolean isZero(JsonNode value) {
        return value != null && (value.isNumber() ? value.asLong() == 0 : value.asText().equals("0%"));
    }

    @Override
    List<Cause> validateImmutable(ObjectNode oldObject, ObjectNode newObject) {
        return PodTemplateRules.selectorImmutable(oldObject, newObject);
    }

    @Override
    public List<Cause> validateStatusUpdate(ObjectNode oldObject, ObjectNode newObject) {
        return StatusRules.deployment(oldObject, newObject);
    }
}
