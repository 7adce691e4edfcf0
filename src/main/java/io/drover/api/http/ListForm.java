package io.drover.api.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.resource.ResourceType;
import java.util.function.Function;

/**
 * How a list answer is written item by item ({@link ListWriter}): the fields that come before the
 * items, the name of the items' array, and what each item becomes in it.
 *
 * @param head the answer's fields other than its metadata and items (kind, apiVersion, and a
 *     Table's columnDefinitions)
 * @param itemsField "items", or "rows" for a Table
 * @param item each listed object's form in the array
 */
record ListForm(ObjectNode head, String itemsField, Function<ObjectNode, JsonNode> item) {

    /** The objects themselves, as an XList of the type. */
    static ListForm plain(ResourceType type) {
        ObjectNode head = JsonNodeFactory.instance.objectNode();
        head.put("apiVersion", type.apiVersion());
        head.put("kind", type.listKind());
        return new ListForm(head, "items", object -> object);
    }
}
