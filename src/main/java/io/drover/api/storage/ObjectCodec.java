package io.drover.api.storage;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
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

    /**
     * The bytes to store: the object without its resourceVersion. It is taken out for the write and
     * put back, not written from a copy of the whole object (a copy per write was a tenth of a
     * create's CPU).
     */
    byte[] encode(ObjectNode object) {
        ObjectNode metadata = (ObjectNode) object.path("metadata");
        JsonNode resourceVersion = metadata.remove("resourceVersion");
        try {
            return json.writeValueAsBytes(object);
        } catch (JsonProcessingException e) {
            throw ApiException.internal("cannot encode object: " + e.getMessage());
        } finally {
            if (resourceVersion != null) {
                metadata.set("resourceVersion", resourceVersion);
            }
        }
    }

    /**
     * The object just written from {@link #encode}, as the store now holds it: the same nodes with
     * the write's revision as resourceVersion, instead of the stored bytes parsed again.
     */
    ObjectNode written(ObjectNode object, KeyValue kv) {
        ((ObjectNode) object.path("metadata")).put("resourceVersion", Long.toString(kv.modRevision()));
        return object;
    }
}
