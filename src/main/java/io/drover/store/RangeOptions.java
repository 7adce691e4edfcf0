package io.drover.store;

/**
 * How much of a prefix to read, and as of which revision.
 *
 * @param limit at most this many keys; 0 for no limit
 * @param revision read as of this revision; 0 for the current one
 * @param continueToken continue a previous range from where it stopped, at its revision; null to
 *     start from the beginning
 * @param countRemaining whether a limited range counts the keys after its page
 *     ({@link RangeResult#remaining()}); a store where counting costs a scan of the rest of the
 *     range skips it when not asked (a list read page by page needs it on its last page only)
 */
public record RangeOptions(int limit, long revision, String continueToken, boolean countRemaining) {

    public RangeOptions {
        if (limit < 0) {
            throw new IllegalArgumentException("limit: " + limit + " (expected: >= 0)");
        }
        if (revision < 0) {
            throw new IllegalArgumentException("revision: " + revision + " (expected: >= 0)");
        }
    }

    /** A range that counts the keys after its page. */
    public RangeOptions(int limit, long revision, String continueToken) {
        this(limit, revision, continueToken, true);
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
