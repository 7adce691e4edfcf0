package io.drover.api.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.resource.ResourceType;
import io.drover.api.ApiException;
import io.drover.api.table.TableConverter;
import io.drover.api.table.TableOptions;
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
        boolean watch = path.isCollection() && request.flag("watch");
        OutputForm form = OutputForm.negotiate(request.header("accept"), watch);
        if (form.table()) {
            TableOptions options = new TableOptions(form.metaVersion(), includeObject(request));
            return ResourceType.SCALE.equals(subresource) ? TableView.ofScale(tables, options, clock)
                    : TableView.of(tables, path.type(), options, clock);
        }
        if (form.partialMetadata() && subresource == null) {
            return new MetadataView(path.type(), form.metaVersion());
        }
        return null;
    }

    /** The includeObject parameter of a Table request, refused as kube-apiserver refuses it. */
    private static TableOptions.IncludeObject includeObject(ApiRequest request) {
        String value = request.param("includeObject");
        TableOptions.IncludeObject include = TableOptions.IncludeObject.parse(value);
        if (include == null) {
            throw ApiException.badRequest("Unable to convert to Table as requested: includeObject: Invalid value: \""
                    + value + "\": must be 'Metadata', 'Object', 'None', or empty");
        }
        return include;
    }
}
