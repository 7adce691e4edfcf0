package io.drover.store;

/** A create found the key already there. */
public final class KeyExistsException extends StoreException {
    private final String key;
    private final long modRevision;

    public KeyExistsException(String key, long modRevision) {
        super("key " + key + " already exists (modRevision " + modRevision + ")");
        this.key = key;
        this.modRevision = modRevision;
    }

    public String key() {
        return key;
    }

    /** The modification revision of the existing key. */
    public long modRevision() {
        return modRevision;
    }
}
