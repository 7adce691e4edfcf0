package io.drover.store;

import java.util.Arrays;
import java.util.Objects;

/**
 * One version of a key.
 *
 * @param key the key
 * @param value the value's bytes; never modified by the store after it was handed out
 * @param createRevision the revision that created this incarnation of the key
 * @param modRevision the revision of this version
 * @param version 1 for the creating write, incremented by each update
 */
public record KeyValue(String key, byte[] value, long createRevision, long modRevision, long version) {

    public KeyValue {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof KeyValue kv
                && key.equals(kv.key)
                && Arrays.equals(value, kv.value)
                && createRevision == kv.createRevision
                && modRevision == kv.modRevision
                && version == kv.version;
    }

    @Override
    public int hashCode() {
        return Objects.hash(key, Arrays.hashCode(value), createRevision, modRevision, version);
    }

    @Override
    public String toString() {
        return "KeyValue[key=" + key + ", " + value.length + " bytes, createRevision=" + createRevision
                + ", modRevision=" + modRevision + ", version=" + version + "]";
    }
}
