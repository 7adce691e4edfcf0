package io.drover.store;

/** A read or watch asked for history that compaction already removed. */
public final class CompactedException extends StoreException {
    private final long requestedRevision;
    private final long compactedRevision;

    public CompactedException(long requestedRevision, long compactedRevision) {
        super("required revision " + requestedRevision + " has been compacted (compacted revision "
                + compactedRevision + ")");
        this.requestedRevision = requestedRevision;
        this.compactedRevision = compactedRevision;
    }

    public long requestedRevision() {
        return requestedRevision;
    }

    /** The oldest revision still readable. */
    public long compactedRevision() {
        return compactedRevision;
    }
}
