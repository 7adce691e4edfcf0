package io.drover.api.strategy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.ApiException.Cause;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** v1 ConfigMaps: valid keys in data and binaryData, no key in both, at most 1 MiB, immutable when asked. */
final class ConfigMapStrategy extends KindStrategy {

    @Override
    public List<Cause> validateCreate(ObjectNode configMap) {
        JsonNode data = configMap.get("data");
        JsonNode binary = configMap.get("binaryData");
        List<Cause> causes = new ArrayList<>(DataRules.keys(data, "data"));
        long total = 0;
        if (data != null && data.isObject()) {
            for (var e : data.properties()) {
                if (binary != null && binary.has(e.getKey())) {
                    causes.add(Causes.invalid("data[" + e.getKey() + "]", GoValues.quote(e.getKey()),
                            "duplicate of key present in binaryData"));
                }
                total += e.getValue().asText().getBytes(StandardCharsets.UTF_8).length;
            }
        }
        causes.addAll(DataRules.keys(binary, "binaryData"));
        if (binary != null && binary.isObject()) {
            // ValidateConfigMap checks a key in both bags once, from data's side (above).
            for (var e : binary.properties()) {
                total += decodedLength(e.getValue().asText());
            }
        }
        if (total > DataRules.MAX_SIZE) {
            // field.NewPath(""): the whole object, which Go's Path prints as "[]".
            causes.add(Causes.tooLong("[]", DataRules.MAX_SIZE));
        }
        return causes;
    }

    private static long decodedLength(String base64) {
        try {
            return Base64.getMimeDecoder().decode(base64).length;
        } catch (IllegalArgumentException e) {
            return base64.length();
        }
    }

    @Override
    List<Cause> validateImmutable(ObjectNode oldObject, ObjectNode newObject) {
        return DataRules.immutable(oldObject, newObject, List.of("data", "binaryData"));
    }
}
