package io.drover.api.table;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.drover.json.MetaTime;
import java.time.Instant;
import java.util.List;

/**
 * Name, Created At: the table kube-apiserver's generic table convertor makes for kinds that have
 * no printer of their own (LimitRange, Role, ClusterRole). The second column is the creation time
 * in RFC 3339, not an age.
 */
final class CreatedAtPrinter implements Printer {

    private static final List<Column> COLUMNS = List.of(
            Column.objectName(),
            new Column("Created At", "date", "", Column.CREATION_DESCRIPTION, 0));

    @Override
    public List<Column> columns() {
        return COLUMNS;
    }

    @Override
    public void cells(JsonNode object, Instant now, ArrayNode cells) {
        cells.add(Fields.name(object));
        Instant created = Fields.creationTimestamp(object);
        // Go formats the zero time as 0001-01-01T00:00:00Z.
        Instant shown = created == null ? Instant.parse("0001-01-01T00:00:00Z") : created;
        cells.add(MetaTime.format(shown));
    }
}
