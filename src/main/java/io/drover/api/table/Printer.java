package io.drover.api.table;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.time.Instant;
import java.util.List;

/**
 * Turns one object of one kind into the cells of a table row, the way a handler in Kubernetes'
 * pkg/printers/internalversion/printers.go does. Implementations are pure: the same object and
 * {@code now} always give the same cells.
 */
interface Printer {

    /** The column definitions, in cell order, including the priority 1 ("wide") columns. */
    List<Column> columns();

    /** Appends one cell per column to {@code cells}; {@code now} is the reference for ages. */
    void cells(JsonNode object, Instant now, ArrayNode cells);

    /**
     * The row conditions (meta.k8s.io/v1 TableRowCondition), or null for none. Only pods have them:
     * a finished pod is marked Completed.
     */
    default ArrayNode conditions(JsonNode object) {
        return null;
    }
}
