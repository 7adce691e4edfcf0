package io.drover.api.http;

import java.io.IOException;
import java.io.OutputStream;

/** Where the API layer writes its answer, independent of the HTTP server. */
public interface ApiResponse {
    /**
     * What a streamed response holds until its writer flushes; larger writes go straight out. A
     * watch writes each event and its newline, and one flush then sends all the events it had ready
     * as one piece (one chunk, one TLS record over HTTP).
     */
    int STREAM_BUFFER = 16 * 1024;

    /** Adds a header to the response that is sent next (e.g. a Warning). */
    void addHeader(String name, String value);

    /** Sends a complete response. */
    void send(int status, String contentType, byte[] body) throws IOException;

    /**
     * Starts a streamed response (a watch): the headers go out now, the body is written and flushed
     * piece by piece through the returned stream, and ends when it is closed.
     */
    OutputStream stream(int status, String contentType) throws IOException;

    /**
     * Serves a watch and closes {@code events} when it ends. Here, as a streamed response with one
     * JSON line per event, on the calling thread; a transport that can answer the request's WebSocket
     * upgrade serves it there instead, one message per event, and may return before the watch ends.
     * A wrapper passes the watch on to the response it wraps, so that the transport decides.
     */
    default void watch(WatchStream events) throws IOException {
        try (events; OutputStream out = stream(200, WatchStream.CONTENT_TYPE)) {
            events.run(WatchSink.lines(out));
        } catch (InterruptedException e) {
            // The client went away (the in-process transport interrupts the watch when it is cancelled).
            Thread.currentThread().interrupt();
        }
    }
}
