package io.drover.api.strategy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.ApiException.Cause;
import java.util.ArrayList;
import java.util.List;

/**
 * core/v1 Events, whichever API wrote them (pkg/apis/core/validation legacyValidateEvent, which
 * Kubernetes applies to events.k8s.io too): an event about an object lives in that object's
 * namespace ("default", or none, for a cluster-scoped one); an event with an eventTime (the newer
 * recorders') also names its reporting component and instance, its action and reason, within
 * Kubernetes' lengths.
 */
final class EventStrategy extends KindStrategy {
    private static final int REPORTING_INSTANCE_LIMIT = 128;
    private static final int ACTION_LIMIT = 128;
    private static final int REASON_LIMIT = 128;
    private static final int NOTE_LIMIT = 1024;

    @Override
    public List<Cause> validateCreate(ObjectNode event) {
        List<Cause> causes = new ArrayList<>();
        String namespace = event.path("metadata").path("namespace").asText("");
        String involved = event.path("involvedObject").path("namespace").asText("");
        String involvedValue = GoValues.quote(involved);
        JsonNode eventTime = event.get("eventTime");
        if (eventTime == null || eventTime.isNull() || eventTime.asText("").isEmpty()) {
            boolean agree = involved.isEmpty() ? namespace.isEmpty() || namespace.equals("default")
                    : namespace.equals(involved);
            if (!agree) {
                causes.add(Causes.invalid("involvedObject.namespace", involvedValue, "does not match event.namespace"));
            }
            return causes;
        }
        if (involved.isEmpty() && !namespace.equals("default") && !namespace.equals("kube-system")) {
            causes.add(Causes.invalid("involvedObject.namespace", involvedValue, "does not match event.namespace"));
        }
        String component = Nodes.text(event, "reportingComponent");
        if (component.isEmpty()) {
            causes.add(Causes.required("reportingComponent"));
        }
        NameRules.qualifiedName(component).forEach(m ->
                causes.add(Causes.invalid("reportingComponent", GoValues.quote(component), m)));
        required(causes, event, "reportingInstance", REPORTING_INSTANCE_LIMIT);
        required(causes, event, "action", ACTION_LIMIT);
        required(causes, event, "reason", REASON_LIMIT);
        if (Nodes.text(event, "message").length() > NOTE_LIMIT) {
            causes.add(Causes.invalid("message", "\"\"", "can have at most " + NOTE_LIMIT + " characters"));
        }
        return causes;
    }

    private static void required(List<Cause> causes, ObjectNode event, String field, int limit) {
        String value = Nodes.text(event, field);
        if (value.isEmpty()) {
            causes.add(Causes.required(field));
        }
        if (value.length() > limit) {
            causes.add(Causes.invalid(field, "\"\"", "can have at most " + limit + " characters"));
        }
    }
}
