package io.drover.api.table;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;

/**
 * Renders objects as meta.k8s.io/v1 Tables, the format {@code kubectl get} asks for
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
    private static final String META_V1 = "meta.k8s.io/v1";

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
    public ObjectNode tableHead(String group, String kind) {
        Printer printer = printers.forKind(group, kind);
        ObjectNode table = JSON.objectNode();
        table.put("kind", "Table");
        table.put("apiVersion", META_V1);
        ArrayNode columns = table.putArray("columnDefinitions");
        printer.columns().forEach(c -> columns.add(c.toJson()));
        return table;
    }

    /**
     * One item's row in a Table of {@code kind}.
     *
     * @param apiVersion the item's apiVersion, for the row's object when the item has none (list
     *     items usually do not)
     * @param includeObject whether the row carries the whole item instead of its metadata
     * @param now the reference time for Age cells
     */
    public ObjectNode row(String group, String kind, String apiVersion, JsonNode item, boolean includeObject,
            Instant now) {
        return row(printers.forKind(group, kind), item, kind, apiVersion, includeObject, now);
    }

    /**
     * A Table with one row for {@code object} (a GET of one object, or a watch event). The Table's
     * metadata.resourceVersion is the object's.
     */
    public ObjectNode fromObject(String group, String kind, ObjectNode object, boolean includeObject, Instant now) {
        ObjectNode table = tableHead(group, kind);
        ObjectNode metadata = table.putObject("metadata");
        JsonNode resourceVersion = object.path("metadata").path("resourceVersion");
        if (resourceVersion.isTextual() && !resourceVersion.asText().isEmpty()) {
            metadata.set("resourceVersion", resourceVersion);
        }
        String apiVersion = object.path("apiVersion").asText("");
        table.putArray("rows").add(row(group, kind, apiVersion, object, includeObject, now));
        return table;
    }

    /**
     * Whether an Accept header asks for a meta.k8s.io/v1 Table as JSON: some media range is
     * {@code application/json} with parameters {@code as=Table}, {@code v=v1} and
     * {@code g=meta.k8s.io}, in any order. kubectl lists it first, then the v1beta1 Table, then
     * plain JSON; a server may answer with any, and we answer v1 or plain JSON.
     */
    public static boolean wantsTable(String acceptHeader) {
        return acceptsMetaKind(acceptHeader, "Table");
    }

    /**
     * Whether an Accept header asks for objects as meta.k8s.io/v1 PartialObjectMetadata (their
     * metadata alone), what client-go's metadata client and controller-runtime's metadata-only
     * watches send: {@code as=PartialObjectMetadata} for one object or a watch,
     * {@code as=PartialObjectMetadataList} for a list. Either is taken for either, as lenient as
     * the Table check.
     */
    public static boolean wantsPartialMetadata(String acceptHeader) {
        return acceptsMetaKind(acceptHeader, "PartialObjectMetadata")
                || acceptsMetaKind(acceptHeader, "PartialObjectMetadataList");
    }

    /** Whether some media range is {@code application/json} with {@code as=<kind>}, {@code v=v1}, {@code g=meta.k8s.io}. */
    private static boolean acceptsMetaKind(String acceptHeader, String kind) {
        if (acceptHeader == null) {
            return false;
        }
        for (String mediaRange : acceptHeader.split(",")) {
            String[] parts = mediaRange.split(";");
            if (!parts[0].strip().equalsIgnoreCase("application/json")) {
                continue;
            }
            String as = null;
            String version = null;
            String group = null;
            for (int i = 1; i < parts.length; i++) {
                int eq = parts[i].indexOf('=');
                if (eq < 0) {
                    continue;
                }
                String key = parts[i].substring(0, eq).strip().toLowerCase(Locale.ROOT);
                String value = unquote(parts[i].substring(eq + 1).strip());
                switch (key) {
                    case "as" -> as = value;
                    case "v" -> version = value;
                    case "g" -> group = value;
                    default -> { }
                }
            }
            if (kind.equals(as) && "v1".equals(version) && "meta.k8s.io".equals(group)) {
                return true;
            }
        }
        return false;
    }

    private static ObjectNode row(
            Printer printer, JsonNode item, String kind, String apiVersion, boolean includeObject, Instant now) {
        ObjectNode row = JSON.objectNode();
        printer.cells(item, now, row.putArray("cells"));
        ArrayNode conditions = printer.conditions(item);
        if (conditions != null) {
            row.set("conditions", conditions);
        }
        row.set("object", includeObject ? fullObject(item, kind, apiVersion) : partialMetadata(item));
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
        ObjectNode partial = JSON.objectNode();
        partial.put("kind", "PartialObjectMetadata");
        partial.put("apiVersion", META_V1);
        JsonNode metadata = item.path("metadata");
        partial.set("metadata", metadata.isObject() ? metadata.deepCopy() : JSON.objectNode());
        return partial;
    }

    private static String unquote(String value) {
        return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")
                ? value.substring(1, value.length() - 1) : value;
    }
}
