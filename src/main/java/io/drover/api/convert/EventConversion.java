package io.drover.api.convert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.ApiException;
import io.drover.api.storage.FieldSelector;
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

    /** events.k8s.io/v1's omitempty strings that core/v1 writes even when empty. */
    private static final List<String> OMIT_EMPTY_IN_EVENTS = List.of("reportingController", "reportingInstance");
    /** The field labels events.k8s.io/v1 selects by that core/v1 names alike. */
    private static final Set<String> SAME_LABELS =
            Set.of("metadata.name", "metadata.namespace", "reason", "type", "source");

    private EventConversion() {}

    /** The core/v1 form of an events.k8s.io/v1 Event. */
    public static ObjectNode toCore(ObjectNode event) {
        return renamed(event, CORE, TO_CORE);
    }

    /**
     * The events.k8s.io/v1 form of a core/v1 Event. Its reporting strings are omitempty there (k8s.io/api/events/v1),
     * where core/v1 always writes them: empty ones are left out.
     */
    public static ObjectNode toEvents(ObjectNode event) {
        ObjectNode out = renamed(event, EVENTS, TO_EVENTS);
        for (String omitEmpty : OMIT_EMPTY_IN_EVENTS) {
            if (out.path(omitEmpty).isTextual() && out.get(omitEmpty).asText().isEmpty()) {
                out.remove(omitEmpty);
            }
        }
        return out;
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
