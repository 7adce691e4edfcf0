package io.drover.api.table;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.time.Instant;
import java.util.List;

/**
 * Name, Age: what Kubernetes shows for a custom resource without printer columns, and what drover
 * shows for every kind without a printer of its own.
 */
final class DefaultPrinter implements Printer {

    // Age is of type "date" here, as in the CRD table convertor; the cell is already an age.
    private static final List<Column> COLUMNS = List.of(
            Column.objectName(),
            new Column("Age", "date", "", Column.CREATION_DESCRIPTION, 0));

    @Override
    public List<Column> columns() {
        return COLUMNS;
    }

    @Override
    public void cells(JsonNode object, Instant now, ArrayNode cells) {
        cells.add(Fields.name(object));
        cells.add(HumanDuration.since(Fields.creationTimestamp(object), now));
    }
}
