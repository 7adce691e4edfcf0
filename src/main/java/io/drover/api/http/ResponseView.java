package io.drover.api.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.table.TableConverter;
import java.time.Clock;

/**
 * How a GET renders what it read when the client asked for another form than the objects
 * themselves (the Accept header's {@code as=} parameter): a Table ({@link TableView}) or the
 * objects' metadata alone ({@link MetadataView}). Watch events go through {@link #ofObject}, lists
 * through {@link #listForm}.
 */
sealed interface ResponseView permits TableView, MetadataView {

    /** How a list is written in this view. */
    ListForm listForm();

    ObjectNode ofObject(ObjectNode object);

    /** The view the request asked for, or null for plain objects (and for every subresource). */
    static ResponseView of(ApiRequest request, ResourcePath path, TableConverter tables, Clock clock) {
        if (path.subresource() != null) {
            return null;
        }
        String accept = request.header("accept");
        if (TableConverter.wantsTable(accept)) {
            return new TableView(tables, path.type(), "Object".equals(request.param("includeObject")), clock);
        }
        if (TableConverter.wantsPartialMetadata(accept)) {
            return new MetadataView(path.type());
        }
        return null;
    }
}
