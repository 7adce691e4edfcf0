package io.drover.store;

import java.util.List;

/**
 * The keys a range found.
 *
 * @param kvs the key-values, in key order
 * @param revision the revision they were read at
 * @param continueToken where the next page starts, or null when this page is the last
 * @param remaining how many more keys after this page exist at that revision (0 on the last page,
 *     and possibly when the range was read without {@link RangeOptions#countRemaining()})
 */
public record RangeResult(List<KeyValue> kvs, long revision, String continueToken, long remaining) {

    public RangeResult {
        kvs = List.copyOf(kvs);
    }

    public boolean hasMore() {
        return continueToken != null;
    }
}
