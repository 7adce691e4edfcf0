package io.drover.api.strategy;

import com.fasterxml.jackson.databind.JsonNode;
import io.drover.api.ApiException.Cause;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What events.k8s.io/v1 checks beyond legacyValidateEvent (pkg/apis/core/validation/events.go), on the core/v1 form
 * drover stores: a create's strict rules (ValidateEventCreate) and an update's series (ValidateEventUpdate).
 * Causes name the core fields, as Kubernetes' internal type does (count, not deprecatedCount).
 */
final class EventsV1Rules {
    /** The deprecated fields, in the order ValidateEventCreate refuses them. */
    private static final List<String> DEPRECATED = List.of("firstTimestamp", "lastTimestamp", "count", "source");

    private EventsV1Rules() {}

    /** ValidateEventCreate past the legacy rules (metadata aside): series, eventTime, type, no deprecated field. */
    static List<Cause> create(JsonNode event) {
        List<Cause> causes = new ArrayList<>(series(event));
        if (Nodes.text(event, "eventTime").isEmpty()) {
            causes.add(Causes.required("eventTime"));
        }
        String type = Nodes.text(event, "type");
        if (!type.equals("Normal") && !type.equals("Warning")) {
            causes.add(Causes.invalid("type", "\"\"", "has invalid value: " + type));
        }
        for (String field : DEPRECATED) {
            if (isSet(event.get(field))) {
                causes.add(Causes.invalid(field, "\"\"", "needs to be unset"));
            }
        }
        return causes;
    }

    /** ValidateEventUpdate's series check: the new series', when it differs from the old (reflect.DeepEqual). */
    static List<Cause> seriesUpdate(JsonNode oldEvent, JsonNode event) {
        return Objects.equals(seriesValue(oldEvent), seriesValue(event)) ? List.of() : series(event);
    }

    /** validateV1EventSeries: a series, when there is one, counts at least two and has a last observed time. */
    private static List<Cause> series(JsonNode event) {
        JsonNode series = event.get("series");
        if (series == null || series.isNull()) {
            return List.of();
        }
        List<Cause> causes = new ArrayList<>();
        if (series.path("count").asLong(0) < 2) {
            causes.add(Causes.invalid("series.count", "\"\"", "should be at least 2"));
        }
        if (Nodes.text(series, "lastObservedTime").isEmpty()) {
            causes.add(Causes.required("series.lastObservedTime"));
        }
        return causes;
    }

    /** An *EventSeries as Go compares it: nil, or its count and its time (equal instants however written). */
    private static List<Object> seriesValue(JsonNode event) {
        JsonNode series = event.get("series");
        if (series == null || series.isNull()) {
            return null;
        }
        String time = Nodes.text(series, "lastObservedTime");
        Object observed;
        try {
            observed = time.isEmpty() ? "" : Instant.parse(time);
        } catch (DateTimeParseException e) {
            observed = time;
        }
        return List.of(series.path("count").asLong(0), observed);
    }

    /** A non-zero Go value: a time or a count, or a source naming a component or a host. */
    private static boolean isSet(JsonNode value) {
        if (value == null || value.isNull()) {
            return false;
        }
        if (value.isObject()) {
            return !Nodes.text(value, "component").isEmpty() || !Nodes.text(value, "host").isEmpty();
        }
        return value.isNumber() ? value.asLong() != 0 : !value.asText().isEmpty();
    }
}
