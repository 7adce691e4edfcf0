package io.drover.api.http;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.resource.ResourceType;
import io.drover.api.table.TableConverter;

/**
 * Objects as meta.k8s.io PartialObjectMetadata (v1, or v1beta1 when asked for) and lists as PartialObjectMetadataList, for
 * clients that only need metadata (client-go's metadata informers, controller-runtime's
 * metadata-only watches): the list keeps its own metadata (resourceVersion, continue), each item
 * only its metadata, bookmarks too. Error Status objects go out as they are.
 */
record MetadataView(ResourceType type, String metaVersion) implements ResponseView {

    @Override
    public ListForm listForm() {
        ObjectNode head = JsonNodeFactory.instance.objectNode();
        head.put("kind", "PartialObjectMetadataList");
        head.put("apiVersion", "meta.k8s.io/" + metaVersion);
        return new ListForm(head, "items", item -> TableConverter.partialMetadata(item, metaVersion));
    }

    @Override
    public ObjectNode ofObject(ObjectNode object) {
        if (!object.path("kind").asText().equals(type.kind())) {
            return object;
        }
        return TableConverter.partialMetadata(object, metaVersion);
    }
}
