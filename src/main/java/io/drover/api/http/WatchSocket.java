package io.drover.api.http;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.StatusCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A watch served over a WebSocket, as kube-apiserver's WatchServer.HandleWS serves it: each event one
 * text message (the JSON document a streamed GET writes as a line), anything the client sends
 * ignored, and the connection closed normally (1000) when the watch ends: at its timeoutSeconds,
 * after an ERROR event such as 410 Gone, or when the server stops. The client closing ends the
 * watch at once.
 *
 * <p>Threads: the events are sent from a virtual thread of the socket's own, started when the
 * connection opens (Jetty's threads only deliver frames), which waits in the store watch while
 * nothing happens and so holds no platform thread. Each message is waited for until written, so a
 * client that reads slowly slows its watch (whose queue then ends it as too slow, as over HTTP)
 * instead of filling the server's memory.
 *
 * <p>Public only because Jetty invokes its listener methods reflectively.
 */
public final class WatchSocket implements Session.Listener.AutoDemanding, WatchSink {
    private static final Logger log = LoggerFactory.getLogger(WatchSocket.class);
    /**
     * Added to the watch's own time for Jetty's idle timeout, which would otherwise close a quiet
     * watch after 30 s: the watch's deadline ends it, this only catches a connection left hanging.
     */
    private static final Duration IDLE_MARGIN = Duration.ofSeconds(30);
    /** The least time a message may take to be written, even at the watch's deadline. */
    private static final long MIN_SEND_MILLIS = 5_000;

    private final WatchStream events;
    private volatile Session session;
    private volatile Thread sender;

    WatchSocket(WatchStream events) {
        this.events = events;
    }

    @Override
    public void onWebSocketOpen(Session session) {
        this.session = session;
        long left = Math.max(0, events.deadlineMillis() - System.currentTimeMillis());
        session.setIdleTimeout(Duration.ofMillis(left).plus(IDLE_MARGIN));
        // Sends wait until written, which the thread delivering this event must not do.
        sender = Thread.ofVirtual().name("api-watch-socket").start(this::serve);
    }

    private void serve() {
        try (events) {
            events.run(this);
        } catch (IOException e) {
            log.debug("watch over WebSocket ended: {}", e.toString());
        } catch (InterruptedException e) {
            // The client closed the connection.
        } finally {
            if (session.isOpen()) {
                session.close(StatusCode.NORMAL, null, Callback.NOOP);
            }
        }
    }

    @Override
    public void send(byte[] event) throws IOException, InterruptedException {
        Callback.Completable sent = new Callback.Completable();
        // The event is ASCII (WatchEvents escapes the rest), so its text is its bytes.
        session.sendText(new String(event, StandardCharsets.UTF_8), sent);
        long wait = Math.max(MIN_SEND_MILLIS, events.deadlineMillis() - System.currentTimeMillis());
        try {
            sent.get(wait, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IOException("send failed", e.getCause());
        } catch (TimeoutException e) {
            // A client that took nothing until the watch's end: drop it rather than wait on.
            session.disconnect();
            throw new IOException("client read nothing until the watch's deadline");
        }
    }

    @Override
    public void flush() {
        // Every event went out as a message of its own.
    }

    @Override
    public void onWebSocketText(String message) {
        // Ignored, as kube-apiserver ignores what a watch's client sends.
    }

    @Override
    public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
        callback.succeed();
    }

    @Override
    public void onWebSocketClose(int statusCode, String reason) {
        stopSending();
    }

    @Override
    public void onWebSocketError(Throwable cause) {
        log.debug("watch over WebSocket failed: {}", cause.toString());
        stopSending();
    }

    /** The client is gone: the sending thread stops waiting for events or for a send, and ends the watch. */
    private void stopSending() {
        Thread thread = sender;
        if (thread != null) {
            thread.interrupt();
        }
    }
}
