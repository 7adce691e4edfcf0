package io.drover.store;

/** A running watch; closing it stops delivery. Closing twice is harmless. */
public interface Watch extends AutoCloseable {
    /**
     * Asks the store to tell the watch's progress soon ({@link WatchListener#onProgress}), for a bookmark. A store
     * that tells it as it goes needs no asking.
     */
    default void requestProgress() {
    }

    @Override
    void close();
}
