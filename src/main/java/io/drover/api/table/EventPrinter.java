package io.drover.api.table;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * Core v1 Events: Last Seen, Type, Reason, Object, Message, with Subobject, Source, First Seen,
 * Count and Name only in the wide view. Unusually, wide columns sit between narrow ones; the cells
 * follow the column order.
 */
final class EventPrinter implements Printer {

    private static final List<Column> COLUMNS = List.of(
            Column.string("Last Seen", "The time at which the most recent occurrence of this event was recorded."),
            Column.string("Type", "Type of this event (Normal, Warning), new types could be added in the future"),
            Column.string("Reason", "This should be a short, machine understandable string that gives the"
                    + " reason for the transition into the object's current status."),
            Column.string("Object", "The object that this event is about."),
            Column.wide("Subobject", "If referring to a piece of an object instead of an entire object, this"
                    + " string should contain a valid JSON/Go field access statement."),
            Column.wide("Source", "The component reporting this event."),
            Column.string("Message", "A human-readable description of the status of this operation."),
            Column.wide("First Seen", "The time at which the event was first recorded."),
            Column.wide("Count", "The number of times this event has occurred."),
            new Column("Name", "string", "name", Column.NAME_DESCRIPTION, 1));

    @Override
    public List<Column> columns() {
        return COLUMNS;
    }

    @Override
    public void cells(JsonNode event, Instant now, ArrayNode cells) {
        // Events written through events.k8s.io carry eventTime and series instead of the
        // first/last timestamps and count of the core API.
        Instant firstTime = Fields.time(event, "firstTimestamp");
        String firstSeen = firstTime != null
                ? HumanDuration.since(firstTime, now)
                : HumanDuration.since(Fields.time(event, "eventTime"), now);
        Instant lastTime = Fields.time(event, "lastTimestamp");
        String lastSeen = lastTime != null ? HumanDuration.since(lastTime, now) : firstSeen;
        long count = Fields.integer(event, "count");
        if (Fields.present(event, "series")) {
            lastSeen = HumanDuration.since(Fields.time(event, "series", "lastObservedTime"), now);
            count = Fields.integer(event, "series", "count");
        } else if (count == 0) {
            count = 1; // singleton events have no count in the new API
        }

        String kind = Fields.text(event, "involvedObject", "kind").toLowerCase(Locale.ROOT);
        String name = Fields.text(event, "involvedObject", "name");
        cells.add(lastSeen);
        cells.add(Fields.text(event, "type"));
        cells.add(Fields.text(event, "reason"));
        cells.add(name.isEmpty() ? kind : kind + "/" + name);
        cells.add(Fields.text(event, "involvedObject", "fieldPath"));
        cells.add(source(event));
        cells.add(Fields.text(event, "message").strip());
        cells.add(firstSeen);
        cells.add(count);
        cells.add(Fields.name(event));
    }

    /** "component, host", falling back to reportingController and reportingInstance. */
    private static String source(JsonNode event) {
        String component = firstNonEmpty(Fields.text(event, "source", "component"),
                Fields.text(event, "reportingComponent"));
        String instance = firstNonEmpty(Fields.text(event, "source", "host"),
                Fields.text(event, "reportingInstance"));
        return instance.isEmpty() ? component : component + ", " + instance;
    }

    private static String firstNonEmpty(String first, String second) {
        return first.isEmpty() ? second : first;
    }
}
