package io.drover.api.storage;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * A watch over API objects, pulled by the connection that streams it: each call to {@link #next}
 * waits for the next events. Closing it stops the underlying store watch.
 */
public interface ObjectWatch extends AutoCloseable {

    /** One event as the watch API sends it. */
    record Event(String type, ObjectNode object) {
        public static final String ADDED = "ADDED";
        public static final String MODIFIED = "MODIFIED";
        public static final String DELETED = "DELETED";
        public static final String BOOKMARK = "BOOKMARK";
        public static final String ERROR = "ERROR";
        /**
         * Not sent as such: the initial events a watch asked for (sendInitialEvents=true) are all
         * sent. Its object carries the snapshot's resourceVersion; a watch that allows bookmarks
         * sends a BOOKMARK annotated {@code k8s.io/initial-events-end}.
         */
        public static final String INITIAL_EVENTS_END = "INITIAL_EVENTS_END";
    }

    /**
     * The next events, waiting at most {@code timeoutMillis}; empty when none came in time. After an
     * ERROR event or when the watch ended, returns null.
     */
    List<Event> next(long timeoutMillis) throws InterruptedException;

    /**
     * The revision up to which the events {@link #next} handed out are complete (the store may have moved on under
     * other keys since the last of them), for bookmarks.
     */
    long lastRevision();

    /** Asks the store to confirm this watch's progress soon, so that {@link #lastRevision} catches up. */
    default void requestProgress() {
    }

    @Override
    void close();
}
