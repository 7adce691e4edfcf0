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
 * recorders') also names its reporting controller and instance, its action and reason, within
 * Kubernetes' lengths. A write through events.k8s.io/v1 is held to that API's stricter rules too
 * ({@link EventsV1Rules}), after these, as ValidateEventCreate and ValidateEventUpdate append them.
 */
final class EventStrategy extends KindStrategy {
    private static final String EVENTS_V1 = "events.k8s.io/v1";
    private static final int REPORTING_INSTANCE_LIMIT = 128;
    private static final int ACTION_LIMIT = 128;
    private static final int REASON_LIMIT = 128;
    private static final int NOTE_LIMIT = 1024;

    /** The reporting strings, which have no omitempty in core/v1. */
    private static final List<String> ALWAYS_WRITTEN_TEXT = List.of("reportingComponent", "reportingInstance");
    /** The struct fields, which Go's encoding/json writes whatever their omitempty. */
    private static final List<String> STRUCTS = List.of("involvedObject", "source");
    /** The time fields, structs too, whose zero value metav1.Time and MicroTime write as null. */
    private static final List<String> TIMES = List.of("firstTimestamp", "lastTimestamp", "eventTime");

    /**
     * The fields k8s.io/api/core/v1's Event always writes, as Go's zero values when unset, so that an Event reads
     * back as kube-apiserver answers it: {@code "source": {}}, {@code "firstTimestamp": null},
     * {@code "reportingComponent": ""}. events.k8s.io/v1 gets them renamed, less its omitempty strings
     * (EventConversion.toEvents).
     */
    /** None: the zero values are what Go writes on output, which the field manager compares against. */
    @Override
    public void applyDecodeDefaults(ObjectNode event) {
    }

    @Override
    public void applyDefaults(ObjectNode event) {
        for (String field : ALWAYS_WRITTEN_TEXT) {
            if (unset(event, field)) {
                event.put(field, "");
            }
        }
        for (String field : STRUCTS) {
            if (unset(event, field)) {
                event.putObject(field);
            }
        }
        for (String field : TIMES) {
            if (!event.has(field)) {
                event.putNull(field);
            }
        }
    }

    private static boolean unset(ObjectNode event, String field) {
        return event.get(field) == null || event.get(field).isNull();
    }

    /** A recorder may write an Event by PUT whether it exists or not. */
    @Override
    public boolean allowsCreateOnUpdate() {
        return true;
    }

    @Override
    public List<Cause> validateCreate(ObjectNode event) {
        List<Cause> causes = new ArrayList<>(legacy(event));
        if (EVENTS_V1.equals(RequestVersion.served())) {
            causes.addAll(EventsV1Rules.create(event));
        }
        return causes;
    }

    /** An update's new event on its own is held to the legacy rules only (ValidateEventUpdate). */
    @Override
    List<Cause> validateUpdated(ObjectNode event) {
        return legacy(event);
    }

    /**
     * legacyValidateEvent. Its reporting controller is {@code reportingController} in every cause, whichever API
     * served the request: Kubernetes names it after the internal field, which core/v1 calls reportingComponent.
     */
    private static List<Cause> legacy(ObjectNode event) {
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
            causes.add(Causes.required("reportingController"));
        }
        NameRules.qualifiedName(component).forEach(m ->
                causes.add(Causes.invalid("reportingController", GoValues.quote(component), m)));
        required(causes, event, "reportingInstance", REPORTING_INSTANCE_LIMIT);
        required(causes, event, "action", ACTION_LIMIT);
        required(causes, event, "reason", REASON_LIMIT);
        if (Nodes.text(event, "message").length() > NOTE_LIMIT) {
            causes.add(Causes.invalid("message", "\"\"", "can have at most " + NOTE_LIMIT + " characters"));
        }
        return causes;
    }

    /**
     * ValidateEventUpdate: an update is an upsert through core/v1, so nothing is immutable there; through
     * events.k8s.io/v1 what the event says may not change, only its series (checked when it changes) and metadata.
     * Named by the internal fields (message for note, involvedObject for regarding, ...), values as Go prints them.
     */
    @Override
    List<Cause> validateImmutable(ObjectNode oldEvent, ObjectNode event) {
        if (!EVENTS_V1.equals(RequestVersion.served())) {
            return List.of();
        }
        List<Cause> causes = new ArrayList<>(EventsV1Rules.seriesUpdate(oldEvent, event));
        immutable(causes, oldEvent, event, "involvedObject", EventStrategy::objectReference);
        immutable(causes, oldEvent, event, "reason", EventStrategy::text);
        immutable(causes, oldEvent, event, "message", EventStrategy::text);
        immutable(causes, oldEvent, event, "source", v -> "core.EventSource{Component:"
                + GoValues.quote(Nodes.text(v, "component")) + ", Host:" + GoValues.quote(Nodes.text(v, "host")) + "}");
        immutable(causes, oldEvent, event, "firstTimestamp", EventStrategy::time);
        immutable(causes, oldEvent, event, "lastTimestamp", EventStrategy::time);
        immutable(causes, oldEvent, event, "count", v -> Long.toString(v.asLong(0)));
        immutable(causes, oldEvent, event, "reason", EventStrategy::text); // checked twice there, so reported twice
        immutable(causes, oldEvent, event, "type", EventStrategy::text);
        immutable(causes, oldEvent, event, "eventTime", EventStrategy::time);
        immutable(causes, oldEvent, event, "action", EventStrategy::text);
        immutable(causes, oldEvent, event, "related", v -> v.isObject() ? objectReference(v) : "null");
        immutable(causes, oldEvent, event, "reportingComponent", "reportingController", EventStrategy::text);
        immutable(causes, oldEvent, event, "reportingInstance", EventStrategy::text);
        return causes;
    }

    private static void immutable(List<Cause> causes, ObjectNode oldEvent, ObjectNode event, String field,
            java.util.function.Function<JsonNode, String> goValue) {
        immutable(causes, oldEvent, event, field, field, goValue);
    }

    /** A field whose internal name, which the cause gives, is not its core/v1 one. */
    private static void immutable(List<Cause> causes, ObjectNode oldEvent, ObjectNode event, String field,
            String path, java.util.function.Function<JsonNode, String> goValue) {
        JsonNode before = present(oldEvent.get(field));
        JsonNode after = present(event.get(field));
        if (!java.util.Objects.equals(before, after)) {
            causes.add(Causes.immutable(path, goValue.apply(after == null ? com.fasterxml.jackson.databind.node
                    .MissingNode.getInstance() : after)));
        }
    }

    /** A field's value, or null for one absent, null or empty (Go's zero value, which the stored form omits). */
    private static JsonNode present(JsonNode value) {
        if (value == null || value.isNull() || value.isTextual() && value.asText().isEmpty()
                || value.isNumber() && value.asLong() == 0 || value.isObject() && value.isEmpty()) {
            return null;
        }
        return value;
    }

    private static String text(JsonNode value) {
        return GoValues.quote(value.asText(""));
    }

    /** metav1.Time and MicroTime print as Go's time.Time.String (UTC, fractional seconds only when set). */
    private static String time(JsonNode value) {
        String text = value.asText("");
        if (text.isEmpty()) {
            return "0001-01-01 00:00:00 +0000 UTC";
        }
        try {
            java.time.Instant instant = java.time.Instant.parse(text);
            String seconds = java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
                    .withZone(java.time.ZoneOffset.UTC).format(instant);
            String fraction = instant.getNano() == 0 ? ""
                    : ("." + String.format("%09d", instant.getNano())).replaceAll("0+$", "");
            return seconds + fraction + " +0000 UTC";
        } catch (java.time.format.DateTimeParseException e) {
            return GoValues.quote(text);
        }
    }

    private static String objectReference(JsonNode ref) {
        return "core.ObjectReference{Kind:" + GoValues.quote(Nodes.text(ref, "kind")) + ", Namespace:"
                + GoValues.quote(Nodes.text(ref, "namespace")) + ", Name:" + GoValues.quote(Nodes.text(ref, "name"))
                + ", UID:" + GoValues.quote(Nodes.text(ref, "uid")) + ", APIVersion:"
                + GoValues.quote(Nodes.text(ref, "apiVersion")) + ", ResourceVersion:"
                + GoValues.quote(Nodes.text(ref, "resourceVersion")) + ", FieldPath:"
                + GoValues.quote(Nodes.text(ref, "fieldPath")) + "}";
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
