package io.drover.api.http;

import java.io.IOException;

/**
 * Where a {@link WatchStream} delivers its encoded events: the lines of a streamed HTTP response
 * ({@link #lines}), or the messages of a WebSocket ({@link WatchSocket}).
 */
public interface WatchSink {

    /**
     * Delivers one event, a JSON document ending in a newline; returns once the transport took it, so
     * a slow client slows the watch instead of filling the server's memory.
     */
    void send(byte[] event) throws IOException, InterruptedException;

    /** The events sent so far are all the watch has ready: a transport that batches sends them now. */
    void flush() throws IOException;

    /**
     * Events as the lines of a streamed response ({@code out}), which holds them until flushed, so the
     * events a watch had ready go out as one chunk (one TLS record), not one per event.
     */
    static WatchSink lines(java.io.OutputStream out) {
        return new WatchSink() {
            @Override
            public void send(byte[] event) throws IOException {
                out.write(event);
            }

            @Override
            public void flush() throws IOException {
                out.flush();
            }
        };
    }
}
