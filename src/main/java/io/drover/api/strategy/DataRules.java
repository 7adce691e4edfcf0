package io.drover.api.strategy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.ApiException.Cause;
import java.util.ArrayList;
import java.util.List;

/**
 * What ConfigMaps and Secrets share: valid data keys, a 1 MiB total, and no change to the data once
 * {@code immutable: true} (ValidateConfigMap, ValidateSecret and their updates).
 */
final class DataRules {
    static final int MAX_SIZE = 1024 * 1024;
    static final String IMMUTABLE = "field is immutable when `immutable` is set";

    private DataRules() {}

    static List<Cause> keys(JsonNode data, String field) {
        List<Cause> causes = new ArrayList<>();
        if (data == null || !data.isObject()) {
            return causes;
        }
        for (var entry : data.properties()) {
            String key = entry.getKey();
            for (String msg : NameRules.configMapKey(key)) {
                causes.add(Causes.invalid(field + "[" + key + "]", GoValues.quote(key), msg));
            }
        }
        return causes;
    }

    /** The fields that may no longer change when the old object was immutable. */
    static List<Cause> immutable(ObjectNode oldObject, ObjectNode newObject, List<String> fields) {
        List<Cause> causes = new ArrayList<>();
        if (!Nodes.isTrue(oldObject, "immutable")) {
            return causes;
        }
        if (!Nodes.isTrue(newObject, "immutable")) {
            causes.add(Causes.forbidden("immutable", IMMUTABLE));
        }
        for (String field : fields) {
            if (!sameMap(oldObject.get(field), newObject.get(field))) {
                causes.add(Causes.forbidden(field, IMMUTABLE));
            }
        }
        return causes;
    }

    /** Go's reflect.DeepEqual on maps after JSON decoding: absent and empty maps are both nil. */
    private static boolean sameMap(JsonNode a, JsonNode b) {
        boolean aEmpty = a == null || a.isNull() || a.isEmpty();
        boolean bEmpty = b == null || b.isNull() || b.isEmpty();
        return aEmpty && bEmpty || a != null && a.equals(b);
    }
}
