package io.drover.store;

/**
 * How much of a prefix to read, and as of which revision.
 *
 * @param limit at most this many keys; 0 for no limit
 * @param revision read as of this revision; 0 for the current one
 * @param continueToken continue a previous range from where it stopped, at its revision; null to
 *     start from the beginning
 */
public record RangeOptions(int limit, long revision, String continueToken) {

    public RangeOptions {
        if (limit < 0) {
            throw new IllegalArgumentException("limit: " + limit + " (expected: >= 0)");
        }
        if (revision < 0) {
            throw new IllegalArgumentException("revision: " + revision + " (expected: >= 0)");
        }
    }

    /** Every key, at the current revision. */
    public static RangeOptions all() {
        return new RangeOptions(0, 0, null);
    }

    public static RangeOptions limit(int limit) {
        return new RangeOptions(limit, 0, null);
    }

    public RangeOptions atRevision(long revision) {
        return new RangeOptions(limit, revision, continueToken);
    }

    public RangeOptions continueFrom(String token) {
        return new RangeOptions(limit, revision, token);
    }
}
