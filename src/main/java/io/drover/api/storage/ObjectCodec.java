package io.drover.api.storage;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.ApiException;
import io.drover.store.KeyValue;
import java.io.IOException;

/**
 * Turns stored bytes into API objects and back. The stored JSON never holds a resourceVersion: it
 * is the key's modRevision, set on the way out, as Kubernetes does with etcd.
 */
final class ObjectCodec {
    private final ObjectMapper json;

    ObjectCodec(ObjectMapper json) {
        this.json = json;
    }

    ObjectNode decode(KeyValue kv) {
        return decode(kv.value(), kv.modRevision());
    }

    ObjectNode decode(byte[] value, long revision) {
        try {
            ObjectNode object = (ObjectNode) json.readTree(value);
            ((ObjectNode) object.path("metadata")).put("resourceVersion", Long.toString(revision));
            return object;
        } catch (IOException | ClassCastException e) {
            throw ApiException.internal("stored object is not valid JSON: " + e.getMessage());
        }
    }

    ObjectNode newObject() {
        return json.createObjectNode();
    }

    byte[] encode(ObjectNode object) {
        ObjectNode copy = object.deepCopy();
        ((ObjectNode) copy.path("metadata")).remove("resourceVersion");
        try {
            return json.writeValueAsBytes(copy);
        } catch (JsonProcessingException e) {
            throw ApiException.internal("cannot encode object: " + e.getMessage());
        }
    }
}
