package io.drover.api.http;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.resource.ResourceType;
import io.drover.api.table.TableConverter;

/**
 * Objects as meta.k8s.io/v1 PartialObjectMetadata and lists as PartialObjectMetadataList, for
 * clients that only need metadata (client-go's metadata informers, controller-runtime's
 * metadata-only watches): the list keeps its own metadata (resourceVersion, continue), each item
 * only its metadata, bookmarks too. Error Status objects go out as they are.
 */
record MetadataView(ResourceType type) implements ResponseView {
    private static final String META_V1 = "meta.k8s.io/v1";

    @Override
    public ListForm listForm() {
        ObjectNode head = JsonNodeFactory.instance.objectNode();
        head.put("kind", "PartialObjectMetadataList");
        head.put("apiVersion", META_V1);
        return new ListForm(head, "items", TableConverter::partialMetadata);
    }

    @Override
    public ObjectNode ofObject(ObjectNode object) {
        if (!object.path("kind").asText().equals(type.kind())) {
            return object;
        }
        return TableConverter.partialMetadata(object);
    }
}
