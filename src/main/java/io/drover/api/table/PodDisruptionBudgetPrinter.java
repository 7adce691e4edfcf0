package io.drover.api.table;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.time.Instant;
import java.util.List;

/** printPodDisruptionBudget: Name, Min Available, Max Unavailable ("N/A" when unset), Allowed Disruptions, Age. */
final class PodDisruptionBudgetPrinter implements Printer {

    private static final List<Column> COLUMNS = List.of(
            Column.objectName(),
            Column.string("Min Available", "The minimum number of pods that must be available."),
            Column.string("Max Unavailable", "The maximum number of pods that may be unavailable."),
            Column.integer("Allowed Disruptions", "Calculated number of pods that may be disrupted at this time."),
            Column.age());

    @Override
    public List<Column> columns() {
        return COLUMNS;
    }

    @Override
    public void cells(JsonNode pdb, Instant now, ArrayNode cells) {
        cells.add(Fields.name(pdb));
        cells.add(intOrString(pdb.path("spec").get("minAvailable")));
        cells.add(intOrString(pdb.path("spec").get("maxUnavailable")));
        cells.add(pdb.path("status").path("disruptionsAllowed").asLong(0));
        cells.add(HumanDuration.since(Fields.creationTimestamp(pdb), now));
    }

    private static String intOrString(JsonNode value) {
        return value == null || value.isNull() ? "N/A" : value.asText();
    }
}
