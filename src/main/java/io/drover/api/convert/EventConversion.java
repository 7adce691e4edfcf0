package io.drover.api.convert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.ApiException;
import io.drover.api.storage.FieldSelector;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Converts Events between core/v1 (what drover stores) and events.k8s.io/v1 (what client-go's
 * newer event recorder writes and reads), as Kubernetes' pkg/apis/events/v1 conversion does: the
 * same object under other names ({@code involvedObject} is {@code regarding}, {@code message} is
 * {@code note}, {@code reportingComponent} is {@code reportingController}, and the core-only
 * {@code source}, {@code firstTimestamp}, {@code lastTimestamp} and {@code count} are the
 * {@code deprecated...} fields). Both methods return new objects; their input is not changed.
 */
public final class EventConversion {

    public static final String CORE = "v1";
    public static final String EVENTS = "events.k8s.io/v1";

    /** events.k8s.io/v1 field name to core/v1 field name, for the fields whose names differ. */
    private static final Map<String, String> TO_CORE = Map.of(
            "regarding", "involvedObject",
            "note", "message",
            "reportingController", "reportingComponent",
            "deprecatedSource", "source",
            "deprecatedFirstTimestamp", "firstTimestamp",
            "deprecatedLastTimestamp", "lastTimestamp",
            "deprecatedCount", "count");
    private static final Map<String, String> TO_EVENTS = TO_CORE.entrySet().stream()
            .collect(Collectors.toMap(Map.Entry::getValue, Map.Entry::getKey));
    /** The deprecated fields, in the order Kubernetes checks them, by their core/v1 names. */
    private static final Map<String, String> DEPRECATED_TO_CORE = orderedDeprecated();

    /** The field labels events.k8s.io/v1 selects by that core/v1 names alike. */
    private static final Set<String> SAME_LABELS =
            Set.of("metadata.name", "metadata.namespace", "reason", "type", "source");

    private EventConversion() {}

    private static Map<String, String> orderedDeprecated() {
        Map<String, String> deprecated = new LinkedHashMap<>();
        for (String name : List.of("deprecatedFirstTimestamp", "deprecatedLastTimestamp", "deprecatedCount",
                "deprecatedSource")) {
            deprecated.put(name, TO_CORE.get(name));
        }
        return deprecated;
    }

    /**
     * A validation error's field path for an events.k8s.io request: Kubernetes' legacy Event checks
     * name the reporting controller after the request's API (legacyValidateEvent); every other path
     * keeps its core/internal name.
     */
    public static String servedFieldPath(String corePath) {
        return corePath.equals("reportingComponent") ? "reportingController" : corePath;
    }

    /** The core/v1 form of an events.k8s.io/v1 Event. */
    public static ObjectNode toCore(ObjectNode event) {
        return renamed(event, CORE, TO_CORE);
    }

    /** The events.k8s.io/v1 form of a core/v1 Event. */
    public static ObjectNode toEvents(ObjectNode event) {
        return renamed(event, EVENTS, TO_EVENTS);
    }

    /**
     * The checks Kubernetes adds for an Event created through events.k8s.io/v1 (ValidateEventCreate
     * beyond the legacy rules every Event passes): an eventTime, a type of Normal or Warning, a
     * series of at least two with its last observed time, and none of the deprecated fields (named
     * by the core fields they become: firstTimestamp, lastTimestamp, count, source).
     *
     * @throws ApiException 422 with every problem found
     */
    public static void validateCreate(ObjectNode event) {
        List<ApiException.Cause> causes = new ArrayList<>();
        JsonNode series = event.get("series");
        if (series != null && !series.isNull()) {
            if (series.path("count").asLong(0) < 2) {
                causes.add(new ApiException.Cause("FieldValueInvalid", "Invalid value: \"\": should be at least 2",
                        "series.count"));
            }
            if (series.path("lastObservedTime").asText("").isEmpty()) {
                causes.add(new ApiException.Cause("FieldValueRequired", "Required value", "series.lastObservedTime"));
            }
        }
        if (event.path("eventTime").asText("").isEmpty()) {
            causes.add(new ApiException.Cause("FieldValueRequired", "Required value", "eventTime"));
        }
        String type = event.path("type").asText("");
        if (!type.equals("Normal") && !type.equals("Warning")) {
            causes.add(new ApiException.Cause("FieldValueInvalid", "Invalid value: \"\": has invalid value: " + type,
                    "type"));
        }
        // Named as Kubernetes' validation names them: by the core fields they become.
        for (Map.Entry<String, String> deprecated : DEPRECATED_TO_CORE.entrySet()) {
            JsonNode value = event.get(deprecated.getKey());
            boolean set = value != null && !value.isNull() && !(value.isNumber() && value.asLong() == 0)
                    && !(value.isTextual() && value.asText().isEmpty())
                    && !(value.isObject() && value.path("component").asText("").isEmpty()
                            && value.path("host").asText("").isEmpty());
            if (set) {
                causes.add(new ApiException.Cause("FieldValueInvalid", "Invalid value: \"\": needs to be unset",
                        deprecated.getValue()));
            }
        }
        if (!causes.isEmpty()) {
            throw ApiException.invalid("Event.events.k8s.io", event.path("metadata").path("name").asText(""), causes);
        }
    }

    /** A merge or strategic merge patch of an events.k8s.io/v1 Event, in core/v1's field names. */
    public static ObjectNode patchToCore(ObjectNode patch) {
        ObjectNode out = renamed(patch, CORE, TO_CORE);
        if (!patch.has("apiVersion")) {
            out.remove("apiVersion");
        }
        return out;
    }

    private static ObjectNode renamed(ObjectNode event, String apiVersion, Map<String, String> names) {
        Map<String, JsonNode> fields = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> field : event.properties()) {
            fields.put(names.getOrDefault(field.getKey(), field.getKey()), field.getValue().deepCopy());
        }
        ObjectNode out = event.objectNode();
        out.setAll(fields);
        out.put("apiVersion", apiVersion);
        return out;
    }

    /**
     * An events.k8s.io/v1 field selector in core/v1's labels ({@code regarding.name} becomes
     * {@code involvedObject.name}, {@code reportingController} becomes {@code reportingComponent}),
     * null for none.
     *
     * @throws ApiException 400 for a label events.k8s.io/v1 does not select by, core spellings too
     */
    public static String coreFieldSelector(String selector) {
        FieldSelector parsed = FieldSelector.parse(selector);
        if (parsed.isEverything()) {
            return selector;
        }
        StringBuilder core = new StringBuilder();
        for (FieldSelector.Term term : parsed.terms()) {
            String label = term.path();
            String coreLabel;
            if (SAME_LABELS.contains(label)) {
                coreLabel = label;
            } else if (label.equals("reportingController")) {
                coreLabel = "reportingComponent";
            } else if (label.startsWith("regarding.") && Set.of("kind", "namespace", "name", "uid", "apiVersion",
                    "resourceVersion", "fieldPath").contains(label.substring("regarding.".length()))) {
                coreLabel = "involvedObject." + label.substring("regarding.".length());
            } else {
                throw ApiException.badRequest("field label not supported: " + label);
            }
            if (!core.isEmpty()) {
                core.append(',');
            }
            core.append(coreLabel).append(term.equal() ? "=" : "!=").append(term.value());
        }
        return core.toString();
    }
}
