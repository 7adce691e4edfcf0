package io.drover.api.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.resource.ResourceType;
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

    /**
     * The view the request asked for, or null for plain objects. A status subresource is viewed as its resource,
     * a scale subresource's Table has the Scale's columns; other subresources are always plain.
     */
    static ResponseView of(ApiRequest request, ResourcePath path, TableConverter tables, Clock clock) {
        String subresource = path.subresource();
        if (subresource != null && !subresource.equals(ResourceType.STATUS) && !subresource.equals(ResourceType.SCALE)) {
            return null;
        }
        String accept = request.header("accept");
        boolean includeObject = "Object".equals(request.param("includeObject"));
        if (TableConverter.wantsTable(accept)) {
            return ResourceType.SCALE.equals(subresource) ? TableView.ofScale(tables, includeObject, clock)
                    : TableView.of(tables, path.type(), includeObject, clock);
        }
        if (TableConverter.wantsPartialMetadata(accept) && subresource == null) {
            return new MetadataView(path.type());
        }
        return null;
    }
}
