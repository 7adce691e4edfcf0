package io.drover.api.strategy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.ApiException.Cause;
import java.util.ArrayList;
import java.util.List;

/**
 * What Deployments and ReplicaSets share (pkg/apis/apps/validation): replicas, a required selector that matches
 * the pod template's labels, a valid template whose restart policy is Always, and a selector that never changes.
 */
final class PodTemplateRules {
    private PodTemplateRules() {}

    static void applyDefaults(ObjectNode object) {
        ObjectNode spec = Nodes.objectOrNew(object, "spec");
        Nodes.defaultPointer(spec, "replicas", 1);
        Nodes.dropZeros(spec, "minReadySeconds");
        PodSpecDefaults.apply(Nodes.object(Nodes.object(spec, "template"), "spec"));
    }

    static List<Cause> validate(JsonNode spec) {
        List<Cause> causes = new ArrayList<>();
        causes.addAll(nonNegative(spec, "replicas", "spec.replicas"));
        causes.addAll(nonNegative(spec, "minReadySeconds", "spec.minReadySeconds"));
        JsonNode selector = spec == null ? null : spec.get("selector");
        boolean hasSelector = selector != null && selector.isObject();
        if (!hasSelector) {
            causes.add(Causes.required("spec.selector"));
        } else {
            causes.addAll(LabelSelectors.validate(selector, "spec.selector"));
            if (LabelSelectors.isEmpty(selector)) {
                causes.add(Causes.invalid("spec.selector", LabelSelectors.goString(selector),
                        "empty selector is invalid for deployment"));
            }
        }
        JsonNode template = spec == null ? null : spec.get("template");
        if (template == null || !template.isObject()) {
            causes.add(Causes.required("spec.template"));
            return causes;
        }
        JsonNode labels = template.path("metadata").get("labels");
        if (hasSelector && !LabelSelectors.isEmpty(selector) && !LabelSelectors.matches(selector, labels)) {
            causes.add(Causes.invalid("spec.template.metadata.labels", GoValues.stringMap(labels),
                    "`selector` does not match template `labels`"));
        }
        causes.addAll(ObjectMetaValidation.labels(labels, "spec.template.metadata.labels"));
        causes.addAll(ObjectMetaValidation.annotations(template.path("metadata").get("annotations"),
                "spec.template.metadata.annotations"));
        JsonNode podSpec = template.get("spec");
        causes.addAll(PodSpecValidation.validate(podSpec, "spec.template.spec"));
        String restart = Nodes.text(podSpec, "restartPolicy");
        if (!restart.isEmpty() && !restart.equals("Always")) {
            causes.add(Causes.notSupported("spec.template.spec.restartPolicy", GoValues.quote(restart),
                    List.of("Always")));
        }
        if (podSpec != null && podSpec.hasNonNull("activeDeadlineSeconds")) {
            causes.add(Causes.forbidden("spec.template.spec.activeDeadlineSeconds",
                    "activeDeadlineSeconds in ReplicaSet is not Supported"));
        }
        return causes;
    }

    static List<Cause> selectorImmutable(ObjectNode oldObject, ObjectNode newObject) {
        JsonNode before = oldObject.path("spec").get("selector");
        JsonNode after = newObject.path("spec").get("selector");
        if (before == null ? after == null : before.equals(after)) {
            return List.of();
        }
        return List.of(Causes.immutable("spec.selector", LabelSelectors.goString(after)));
    }

    /** Kubernetes' {@code ValidateNonnegativeField}. */
    static List<Cause> nonNegative(JsonNode parent, String name, String field) {
        JsonNode value = parent == null ? null : parent.get(name);
        if (value != null && value.isNumber() && value.asLong() < 0) {
            return List.of(Causes.invalid(field, value.asText(), "must be greater than or equal to 0"));
        }
        return List.of();
    }
}
