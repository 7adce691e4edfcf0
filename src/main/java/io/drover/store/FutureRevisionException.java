package io.drover.store;

/** A read or compaction named a revision the store has not reached yet. */
public final class FutureRevisionException extends StoreException {
    private final long requestedRevision;
    private final long currentRevision;

    public FutureRevisionException(long requestedRevision, long currentRevision) {
        super("required revision " + requestedRevision + " is a future revision (current revision "
                + currentRevision + ")");
        this.requestedRevision = requestedRevision;
        this.currentRevision = currentRevision;
    }

    public long requestedRevision() {
        return requestedRevision;
    }

    public long currentRevision() {
        return currentRevision;
    }
}
