package io.drover.api.apply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.patch.PatchSchema;

/** How server-side apply treats a list, from the {@link PatchSchema} of the object that holds it. */
enum ListKind {
    /** Replaced and owned as a whole ({@code +listType=atomic}, and every list the schema does not name). */
    ATOMIC,
    /** Elements identified by a key field, merged and owned one by one ({@code +listType=map}). */
    ASSOCIATIVE,
    /** Scalar elements identified by their value ({@code +listType=set}). */
    SET;

    static ListKind of(PatchSchema parent, String field) {
        if (parent.listKey(field).isPresent()) {
            return ASSOCIATIVE;
        }
        return parent.isValueSet(field) ? SET : ATOMIC;
    }

    /**
     * The path element naming {@code item} in the list held by {@code field} (not for atomic lists).
     *
     * @throws InvalidApplyException when an associative element lacks its key
     */
    static PathElement elementOf(PatchSchema parent, String field, JsonNode item, FieldPath list, int index) {
        var key = parent.listKey(field);
        if (key.isEmpty()) {
            return new PathElement.Value(item);
        }
        JsonNode value = item.isObject() ? item.get(key.get()) : null;
        if (value == null || value.isNull()) {
            throw new InvalidApplyException(list + ": element " + index
                    + ": associative list with keys has an element that omits key field \"" + key.get() + "\"");
        }
        ObjectNode fields = JsonNodeFactory.instance.objectNode();
        fields.set(key.get(), value);
        return new PathElement.Key(fields);
    }
}
