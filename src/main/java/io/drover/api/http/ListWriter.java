package io.drover.api.http;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.storage.ListCursor;
import java.io.IOException;
import java.util.Iterator;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Writes a list answer item by item as the {@link ListCursor} reads them, so that a list of any
 * length is served in the memory of one store page and {@link #HELD_BYTES}: answers up to that
 * size go out whole, larger ones as a stream (Kubernetes 1.33 streams its list encoding for the
 * same reason).
 *
 * <p>The list's metadata comes first when the list is read to its end (its resourceVersion is known
 * from the first page); a limited list's goes after its items, where its continue token is known.
 * JSON objects are unordered, and clients decode lists whole.
 */
final class ListWriter {
    /** Answers up to this size are sent whole, with a Content-Length. */
    static final int HELD_BYTES = 1024 * 1024;

    private final ObjectMapper json;
    private final String contentType;
    private final int heldBytes;

    ListWriter(ObjectMapper json, String contentType) {
        this(json, contentType, HELD_BYTES);
    }

    ListWriter(ObjectMapper json, String contentType, int heldBytes) {
        this.json = json;
        this.contentType = contentType;
        this.heldBytes = heldBytes;
    }

    /**
     * Writes the list. A failure before anything was sent (the answer still fits in memory) is
     * thrown as it came, for the caller to answer with a Status; a failure after the answer
     * started (the list's revision compacted between two pages of a long list) can only break the
     * answer off, and is thrown as an IOException.
     */
    void write(ListCursor cursor, ListForm form, boolean limited, ApiResponse response) throws IOException {
        write(cursor, UnaryOperator.identity(), form, limited, response);
    }

    /**
     * Writes the list, each item as {@code visit} returns it once it is read: deletecollection
     * deletes the item there, and answers the list of what it deleted, as Kubernetes does.
     */
    void write(ListCursor cursor, UnaryOperator<ObjectNode> visit, ListForm form, boolean limited,
            ApiResponse response) throws IOException {
        SpillingResponseStream out = new SpillingResponseStream(response, contentType, heldBytes);
        try {
            JsonGenerator generator = json.createGenerator(out);
            generator.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            generator.writeStartObject();
            for (Iterator<Map.Entry<String, JsonNode>> fields = form.head().fields(); fields.hasNext(); ) {
                Map.Entry<String, JsonNode> field = fields.next();
                generator.writeFieldName(field.getKey());
                json.writeTree(generator, field.getValue());
            }
            if (!limited) {
                // Read to its end, the list has no continue token.
                writeMetadata(generator, cursor.revision(), null, null);
            }
            generator.writeArrayFieldStart(form.itemsField());
            for (ObjectNode item = cursor.next(); item != null; item = cursor.next()) {
                json.writeTree(generator, form.item().apply(visit.apply(item)));
            }
            generator.writeEndArray();
            if (limited) {
                writeMetadata(generator, cursor.revision(), cursor.continueToken(), cursor.remainingItemCount());
            }
            generator.writeEndObject();
            generator.close();
        } catch (RuntimeException e) {
            if (!out.spilled()) {
                throw e;
            }
            throw new IOException("the list broke off after its answer had started: " + e.getMessage(), e);
        }
        out.finish();
    }

    private static void writeMetadata(JsonGenerator generator, long revision, String continueToken,
            Long remainingItemCount) throws IOException {
        generator.writeObjectFieldStart("metadata");
        generator.writeStringField("resourceVersion", Long.toString(revision));
        if (continueToken != null) {
            generator.writeStringField("continue", continueToken);
        }
        if (remainingItemCount != null) {
            generator.writeNumberField("remainingItemCount", remainingItemCount);
        }
        generator.writeEndObject();
    }
}
