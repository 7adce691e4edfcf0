package io.drover.api.table;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Objects;

/**
 * Renders objects as meta.k8s.io Tables (v1, or v1beta1 for older clients), the format {@code kubectl get} asks for
 * ({@code Accept: application/json;as=Table;v=v1;g=meta.k8s.io}) and prints column by column.
 *
 * <p>Columns and cells follow Kubernetes' own printers, so kubectl output matches a real cluster.
 * Every cell is always sent, including priority 1 columns; kubectl shows those only with
 * {@code -o wide}. Each row carries the object's metadata as PartialObjectMetadata, which kubectl
 * needs for the NAMESPACE column and {@code --show-labels}, or the whole object when the client
 * asked for {@code includeObject=Object} (kubectl does for {@code --sort-by}).
 *
 * <p>Pure functions over Jackson trees: the inputs are not modified and the reference time for
 * ages is a parameter, so callers pass their clock's instant and tests pass a fixed one.
 */
public final class TableConverter {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private final Printers printers;

    /** A converter with the printers of every kind drover serves. */
    public TableConverter() {
        this(Printers.standard());
    }

    TableConverter(Printers printers) {
        this.printers = Objects.requireNonNull(printers, "printers");
    }

    /**
     * The fields of a Table that come before its metadata and rows: kind, apiVersion and the
     * columns of {@code kind}'s printer. A list's Table is this, the list's metadata, and one
     * {@link #row} per item.
     *
     * @param group the items' API group, "" for core
     * @param kind the items' kind, e.g. "Pod" (not "PodList")
     */
    public ObjectNode tableHead(String group, String kind, TableOptions options) {
        Printer printer = printers.forKind(group, kind);
        ObjectNode table = JSON.objectNode();
        table.put("kind", "Table");
        table.put("apiVersion", options.metaApiVersion());
        ArrayNode columns = table.putArray("columnDefinitions");
        printer.columns().forEach(c -> columns.add(c.toJson()));
        return table;
    }

    /**
     * One item's row in a Table of {@code kind}.
     *
     * @param apiVersion the item's apiVersion, for the row's object when the item has none (list
     *     items usually do not)
     * @param options what the row carries as its object, and the meta version of its metadata
     * @param now the reference time for Age cells
     */
    public ObjectNode row(String group, String kind, String apiVersion, JsonNode item, TableOptions options,
            Instant now) {
        return row(printers.forKind(group, kind), item, kind, apiVersion, options, now);
    }

    /**
     * A Table with one row for {@code object} (a GET of one object, or a watch event). The Table's
     * metadata.resourceVersion is the object's.
     */
    public ObjectNode fromObject(String group, String kind, ObjectNode object, TableOptions options, Instant now) {
        ObjectNode table = tableHead(group, kind, options);
        ObjectNode metadata = table.putObject("metadata");
        JsonNode resourceVersion = object.path("metadata").path("resourceVersion");
        if (resourceVersion.isTextual() && !resourceVersion.asText().isEmpty()) {
            metadata.set("resourceVersion", resourceVersion);
        }
        String apiVersion = object.path("apiVersion").asText("");
        table.putArray("rows").add(row(group, kind, apiVersion, object, options, now));
        return table;
    }

    private static ObjectNode row(
            Printer printer, JsonNode item, String kind, String apiVersion, TableOptions options, Instant now) {
        ObjectNode row = JSON.objectNode();
        printer.cells(item, now, row.putArray("cells"));
        ArrayNode conditions = printer.conditions(item);
        if (conditions != null) {
            row.set("conditions", conditions);
        }
        row.set("object", switch (options.includeObject()) {
            case NONE -> JSON.nullNode();
            case METADATA -> partialMetadata(item, options.metaVersion());
            case OBJECT -> fullObject(item, kind, apiVersion);
        });
        return row;
    }

    // Items of a List usually have no kind and apiVersion, but a row's object must say what it is
    // for kubectl to decode it.
    private static ObjectNode fullObject(JsonNode item, String kind, String apiVersion) {
        ObjectNode copy = item.deepCopy();
        if (!copy.hasNonNull("kind")) {
            copy.put("kind", kind);
        }
        if (!copy.hasNonNull("apiVersion") && !apiVersion.isEmpty()) {
            copy.put("apiVersion", apiVersion);
        }
        return copy;
    }

    /** An object as meta.k8s.io/v1 PartialObjectMetadata: its metadata alone. */
    public static ObjectNode partialMetadata(JsonNode item) {
        return partialMetadata(item, "v1");
    }

    /** An object as PartialObjectMetadata of meta.k8s.io/{@code metaVersion}: its metadata alone. */
    public static ObjectNode partialMetadata(JsonNode item, String metaVersion) {
        ObjectNode partial = JSON.objectNode();
        partial.put("kind", "PartialObjectMetadata");
        partial.put("apiVersion", "meta.k8s.io/" + metaVersion);
        JsonNode metadata = item.path("metadata");
        partial.set("metadata", metadata.isObject() ? metadata.deepCopy() : JSON.objectNode());
        return partial;
    }

}
