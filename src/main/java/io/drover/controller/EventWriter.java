package io.drover.controller;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a recorder's Events to the API off the recording thread, one at a time in the order recorded, as
 * client-go's event broadcaster does: a component never waits for an Event (the service proxy's sync had waited
 * the store's 10 s timeout on one while etcd was away). At most {@link #MAX_QUEUED} wait; more are dropped, as
 * the broadcaster's DropIfChannelFull drops them. The writing thread exists only while there is something to write.
 */
final class EventWriter {
    private static final Logger log = LoggerFactory.getLogger(EventWriter.class);
    /** client-go's maxQueuedEvents. */
    static final int MAX_QUEUED = 1000;

    private final ThreadPoolExecutor writes;

    EventWriter(String component) {
        this.writes = new ThreadPoolExecutor(0, 1, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(MAX_QUEUED),
                Thread.ofVirtual().name(component + "-events").factory(),
                (write, pool) -> log.warn("{}: {} events wait to be written; one more is dropped", component,
                        MAX_QUEUED));
    }

    /** Queues one write; it handles its own failures. */
    void write(Runnable write) {
        writes.execute(write);
    }
}
