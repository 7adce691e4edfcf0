package io.drover.api.table;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.time.Instant;
import java.util.List;

/** printPriorityClass: Name, Value, Global-Default, Age, PreemptionPolicy. */
final class PriorityClassPrinter implements Printer {

    private static final List<Column> COLUMNS = List.of(
            Column.objectName(),
            Column.integer("Value", "value represents the integer value of this priority class. This is the actual"
                    + " priority that pods receive when they have the name of this class in their pod spec."),
            new Column("Global-Default", "boolean", "", "globalDefault specifies whether this PriorityClass should be"
                    + " considered as the default priority for pods that do not have any priority class.", 0),
            Column.age(),
            Column.string("PreemptionPolicy", "preemptionPolicy is the Policy for preempting pods with lower"
                    + " priority."));

    @Override
    public List<Column> columns() {
        return COLUMNS;
    }

    @Override
    public void cells(JsonNode pc, Instant now, ArrayNode cells) {
        cells.add(Fields.name(pc));
        cells.add(pc.path("value").asLong(0));
        cells.add(pc.path("globalDefault").asBoolean(false));
        cells.add(HumanDuration.since(Fields.creationTimestamp(pc), now));
        cells.add(Fields.text(pc, "preemptionPolicy"));
    }
}
