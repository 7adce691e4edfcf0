package io.drover.store;

import java.util.List;

/**
 * Receives the changes of one watch. Calls for one watch never overlap and come in revision order.
 */
public interface WatchListener {

    /** A batch of changes, in revision order; never empty. */
    void onEvents(List<WatchEvent> events);

    /**
     * Every change under the watch's prefix up to {@code revision} has been delivered, though none may have been
     * (the store moved on under other keys): what a bookmark may tell the watch's client. Comes in order with
     * {@link #onEvents}; a revision is never below one delivered or told before.
     */
    default void onProgress(long revision) {
    }

    /**
     * The watch ended: {@code cause} is null when it was closed by its owner or the store closed,
     * otherwise why it failed (a {@link CompactedException} when its history is gone). No call
     * follows this one.
     */
    void onClose(StoreException cause);
}
