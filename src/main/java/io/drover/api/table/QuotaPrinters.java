package io.drover.api.table;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** ResourceQuotas (LimitRanges have no printer of their own: {@link CreatedAtPrinter}). */
final class QuotaPrinters {

    private QuotaPrinters() {}

    /**
     * Name, Age, Request, Limit. Request lists "resource: used/hard" for every hard limit not named
     * limits.*, Limit the limits.* ones, both sorted by resource name. Quantities are printed as
     * stored; the real server prints them in canonical form, which is what it stores.
     */
    static final class ResourceQuota implements Printer {

        private static final List<Column> COLUMNS = List.of(
                Column.objectName(),
                Column.age(),
                Column.string("Request", "Request represents a minimum amount of cpu/memory that a container"
                        + " may consume."),
                Column.string("Limit", "Limits control the maximum amount of cpu/memory that a container may use"
                        + " independent of contention on the node."));

        @Override
        public List<Column> columns() {
            return COLUMNS;
        }

        @Override
        public void cells(JsonNode quota, Instant now, ArrayNode cells) {
            JsonNode status = quota.path("status");
            List<String> requests = new ArrayList<>();
            List<String> limits = new ArrayList<>();
            for (Map.Entry<String, String> hard : Fields.sortedMap(status.path("hard")).entrySet()) {
                String resource = hard.getKey();
                JsonNode used = Fields.at(status, "used", resource);
                String entry = resource + ": " + (used.isMissingNode() ? "0" : used.asText()) + "/" + hard.getValue();
                String[] pieces = resource.split("\\.", -1);
                (pieces.length > 1 && pieces[0].equals("limits") ? limits : requests).add(entry);
            }
            cells.add(Fields.name(quota));
            cells.add(HumanDuration.since(Fields.creationTimestamp(quota), now));
            cells.add(String.join(", ", requests));
            cells.add(String.join(", ", limits));
        }
    }
}
