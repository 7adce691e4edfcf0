package io.drover.store;

/** A compare-and-swap write found the key at another modification revision than expected. */
public final class ConflictException extends StoreException {
    private final String key;
    private final long expectedModRevision;
    private final long currentModRevision;

    /**
     * @param currentModRevision the key's modification revision now, or 0 when it does not exist
     */
    public ConflictException(String key, long expectedModRevision, long currentModRevision) {
        super(currentModRevision == 0
                ? "key " + key + " does not exist (expected modRevision " + expectedModRevision + ")"
                : "key " + key + " is at modRevision " + currentModRevision + " (expected "
                        + expectedModRevision + ")");
        this.key = key;
        this.expectedModRevision = expectedModRevision;
        this.currentModRevision = currentModRevision;
    }

    public String key() {
        return key;
    }

    public long expectedModRevision() {
        return expectedModRevision;
    }

    /** The key's modification revision now; 0 when it does not exist. */
    public long currentModRevision() {
        return currentModRevision;
    }

    public boolean keyMissing() {
        return currentModRevision == 0;
    }
}
