package io.drover.api.apply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.patch.PatchSchema;
import java.util.List;

/** How server-side apply treats a list, from the {@link PatchSchema} of the object that holds it. */
enum ListKind {
    /** Replaced and owned as a whole ({@code +listType=atomic}, and every list the schema does not name). */
    ATOMIC,
    /** Elements identified by a key field, merged and owned one by one ({@code +listType=map}). */
    ASSOCIATIVE,
    /** Scalar elements identified by their value ({@code +listType=set}). */
    SET;

    static ListKind of(PatchSchema parent, String field) {
        if (!parent.listKeys(field).isEmpty()) {
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
        List<String> keys = parent.listKeys(field);
        if (keys.isEmpty()) {
            return new PathElement.Value(item);
        }
        ObjectNode fields = JsonNodeFactory.instance.objectNode();
        for (String key : keys) {
            JsonNode value = item.isObject() ? item.get(key) : null;
            if (value == null || value.isNull()) {
                value = parent.keyDefault(field, key).orElseThrow(() -> new InvalidApplyException(list + ": element "
                        + index + ": associative list with keys has an element that omits key field \"" + key
                        + "\" (and doesn't have default value)"));
            }
            fields.set(key, value);
        }
        return new PathElement.Key(fields);
    }
}
