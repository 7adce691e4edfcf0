package io.drover.api.strategy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.ApiException.Cause;
import java.util.ArrayList;
import java.util.List;

/**
 * node.k8s.io/v1 RuntimeClasses (ValidateRuntimeClass): the handler is a DNS label, the overhead holds container
 * resources with valid quantities, the scheduling valid node labels and tolerations. An update is checked as
 * ValidateRuntimeClassUpdate checks it: the handler never changes, and nothing else is looked at.
 *
 * <p>Before, any RuntimeClass was stored: a handler of "Bad Handler!" or an overhead cpu of "-1", which the pods that
 * name the class then carried.
 */
final class RuntimeClassStrategy extends KindStrategy {

    /** A PUT may create one; an update must name the version it read. */
    @Override
    public boolean allowsCreateOnUpdate() {
        return true;
    }

    @Override
    public boolean allowsUnconditionalUpdate() {
        return false;
    }

    @Override
    public List<Cause> validateCreate(ObjectNode runtimeClass) {
        String handler = Nodes.text(runtimeClass, "handler");
        List<Cause> causes = new ArrayList<>(Causes.invalidEach("handler", handler, NameRules.dns1123Label(handler)));
        JsonNode podFixed = runtimeClass.path("overhead").get("podFixed");
        if (podFixed != null) {
            // Kubernetes checks the overhead as a container's {limits: podFixed}, so its errors say overhead.limits.
            ObjectNode asLimits = runtimeClass.objectNode();
            asLimits.set("limits", podFixed);
            causes.addAll(ContainerFieldValidation.resources(asLimits, "overhead"));
        }
        ObjectNode scheduling = Nodes.object(runtimeClass, "scheduling");
        if (scheduling != null) {
            causes.addAll(PodPlacementValidation.validate(scheduling, "scheduling"));
        }
        return causes;
    }

    @Override
    List<Cause> validateUpdated(ObjectNode runtimeClass) {
        return List.of();
    }

    @Override
    List<Cause> validateImmutable(ObjectNode oldClass, ObjectNode newClass) {
        String handler = Nodes.text(newClass, "handler");
        return handler.equals(Nodes.text(oldClass, "handler")) ? List.of()
                : List.of(Causes.immutable("handler", GoValues.quote(handler)));
    }
}
