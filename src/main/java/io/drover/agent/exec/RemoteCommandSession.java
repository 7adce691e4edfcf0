package io.drover.agent.exec;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.agent.streaming.Channels;
import io.drover.agent.streaming.MessageSender;
import io.drover.json.Mappers;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.StatusCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One remote command stream on the node, {@code kubectl exec} or {@code kubectl attach}: the
 * WebSocket endpoint that relays a command's or a task's streams ({@link RemoteStreams}) over the
 * channel protocol.
 *
 * <p>Lifecycle: when the connection opens the streams are opened (exec starts the command), and
 * an empty message on the lowest output channel tells the client the streams are ready (as the
 * kubelet does). Output is pumped by one virtual thread per stream, each message sent before the
 * next read (so a slow client slows the command through its pipe, not the agent's memory). When
 * the streams end (the command exits, the task ends or the attachment detaches) and the output is
 * drained, the status goes out on {@link Channels#ERROR} and the connection closes normally, which
 * client-go reads as the end of every stream. If the client goes away first, the streams are
 * {@link RemoteStreams#abandon() abandoned} (an exec'd command's input ends and it runs on, as in
 * Kubernetes), and the pumps go on reading the output to its end and drop it, so that a command
 * still writing is not stopped by a full pipe.
 *
 * <p>Input: stdin messages are written on the receiving thread; WebSocket demand is given only
 * after that write, so a command that does not read stdin applies back-pressure to the client.
 * v5's close signal for stdin is {@link RemoteStreams#endStdin()}.
 *
 * <p>Public only because Jetty invokes its listener methods reflectively.
 */
public final class RemoteCommandSession implements Session.Listener {
    private static final Logger log = LoggerFactory.getLogger(RemoteCommandSession.class);
    private static final ObjectMapper JSON = Mappers.json();
    /** The kubelet's default streamingConnectionIdleTimeout. */
    static final Duration IDLE_TIMEOUT = Duration.ofHours(4);
    /**
     * How long to wait for output after the end: a background child that inherited an exec'd
     * command's pipes would otherwise hold the exec open until it ends.
     */
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(2);
    /** How long a client's close waits for a stdin write under way before closing the command's stdin. */
    private static final Duration STDIN_WRITE_WAIT = Duration.ofSeconds(5);
    private static final int CHUNK = 32 * 1024;
    /**
     * How long after the connection opens the first message waits. client-go before 1.33 (kubectl
     * 1.32) starts reading the connection before it has created its streams, and drops a message
     * that arrives first ("Unknown stream id 3, discarding message"): a command that fails at once
     * lost its error, and kubectl printed "closed all streams" instead. The kubelet's own answer
     * comes after a container runtime round trip, which hides the race there.
     */
    static final Duration CLIENT_STREAMS_GRACE = Duration.ofMillis(100);

    /** Opens the streams once the connection is up. */
    @FunctionalInterface
    interface Opener {
        /** @throws IOException reported to the client with {@code failurePrefix} */
        RemoteStreams open() throws IOException;
    }

    private final String kind;
    private final Opener opener;
    private final String failurePrefix;
    private final boolean stdout;
    private final boolean stderr;
    private final StreamProtocol protocol;
    private final String name;
    private final MessageSender sender;
    private volatile Session session;
    private volatile long openedAt;
    private volatile RemoteStreams streams;
    private volatile boolean finished;
    /** Held while stdin is written, so that abandoning the streams comes after a write under way. */
    private final ReentrantLock stdinLock = new ReentrantLock();

    /**
     * @param kind {@code exec} or {@code attach}, for logs and thread names
     * @param failurePrefix what the status message says before the reason the streams did not open
     */
    RemoteCommandSession(String kind, Opener opener, String failurePrefix, boolean stdout, boolean stderr,
            StreamProtocol protocol, String name) {
        this.kind = kind;
        this.opener = opener;
        this.failurePrefix = failurePrefix;
        this.stdout = stdout;
        this.stderr = stderr;
        this.protocol = protocol;
        this.name = kind + " " + name;
        this.sender = new MessageSender(this.name, IDLE_TIMEOUT);
    }

    @Override
    public void onWebSocketOpen(Session session) {
        this.session = session;
        openedAt = System.nanoTime();
        sender.open(session);
        session.setIdleTimeout(IDLE_TIMEOUT);
        try {
            streams = opener.open();
        } catch (IOException e) {
            log.info("{}: cannot open: {}", name, e.getMessage());
            Thread.ofVirtual().name(kind + "-" + name).start(() -> {
                awaitClientStreams();
                finish(ExecStatus.internalError(failurePrefix + e.getMessage()));
            });
            return;
        }
        log.debug("{}: open ({})", name, protocol.id());
        // Sends block until written, which the thread delivering this event must not do.
        Thread.ofVirtual().name(kind + "-" + name).start(this::relayOutput);
        session.demand();
    }

    private void relayOutput() {
        awaitClientStreams();
        int ready = stdout ? Channels.STDOUT : stderr ? Channels.STDERR : Channels.ERROR;
        send(Channels.frame(ready, new byte[0]));
        Thread out = stdout ? pump(streams.stdout(), Channels.STDOUT, "stdout") : null;
        Thread err = stderr ? pump(streams.stderr(), Channels.STDERR, "stderr") : null;
        awaitEnd(out, err);
    }

    private void awaitClientStreams() {
        long wait = openedAt + CLIENT_STREAMS_GRACE.toNanos() - System.nanoTime();
        if (wait > 0) {
            try {
                Thread.sleep(Duration.ofNanos(wait));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private Thread pump(InputStream from, int channel, String stream) {
        return Thread.ofVirtual().name(kind + "-" + stream + "-" + name).start(() -> {
            byte[] buffer = new byte[CHUNK];
            boolean connected = true;
            try (from) {
                int n;
                while ((n = from.read(buffer)) >= 0) {
                    if (n > 0 && connected) {
                        connected = send(Channels.frame(channel, buffer, 0, n));
                    }
                }
            } catch (IOException e) {
                log.debug("{}: {} ended: {}", name, stream, e.getMessage());
            }
        });
    }

    private void awaitEnd(Thread out, Thread err) {
        try {
            ObjectNode status = streams.awaitEnd();
            long drainEnd = System.nanoTime() + DRAIN_TIMEOUT.toNanos();
            for (Thread pump : new Thread[] {out, err}) {
                if (pump != null) {
                    pump.join(Duration.ofNanos(Math.max(1, drainEnd - System.nanoTime())));
                }
            }
            log.debug("{}: ended with {}", name, status);
            finish(status);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            streams.release();
        }
    }

    /** The status message, then a normal close: client-go reads the error stream to its end. */
    private void finish(ObjectNode status) {
        finished = true;
        try {
            send(Channels.frame(Channels.ERROR, JSON.writeValueAsBytes(status)));
        } catch (IOException e) {
            log.debug("{}: cannot encode status: {}", name, e.getMessage());
        }
        session.close(StatusCode.NORMAL, null, Callback.NOOP);
    }

    /** Sends one message and waits until it is written; false when the connection is gone. */
    private boolean send(ByteBuffer frame) {
        return sender.send(frame);
    }

    @Override
    public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
        try {
            Channels.Message message = Channels.Message.parse(payload);
            if (message != null && streams != null) {
                receive(message);
            }
            callback.succeed();
        } catch (RuntimeException e) {
            callback.fail(e);
            return;
        }
        session.demand();
    }

    private void receive(Channels.Message message) {
        switch (message.channel()) {
            case Channels.STDIN -> writeStdin(message.bytes());
            case Channels.RESIZE -> {
                // On the receiving thread, so sizes apply in the order sent: kubectl attach sends
                // the size plus one, then the size, to make the program redraw.
                TerminalSize size = TerminalSize.parse(message.bytes());
                if (size != null) {
                    resize(size);
                }
            }
            case Channels.CLOSE -> {
                if (protocol == StreamProtocol.V5 && message.payload().remaining() == 1
                        && message.payload().get(0) == Channels.STDIN) {
                    endStdin();
                }
            }
            default -> log.debug("{}: message for channel {} ignored", name, message.channel());
        }
    }

    private void writeStdin(byte[] data) {
        if (data.length == 0) {
            return;
        }
        try {
            stdinLock.lock();
            try {
                streams.writeStdin(data);
            } finally {
                stdinLock.unlock();
            }
        } catch (IOException e) {
            // The command closed its stdin or exited: further input has nowhere to go, as in a pipe.
            log.debug("{}: stdin write failed: {}", name, e.getMessage());
        }
    }

    private void endStdin() {
        try {
            streams.endStdin();
        } catch (IOException e) {
            log.debug("{}: stdin close failed: {}", name, e.getMessage());
        }
    }

    private void resize(TerminalSize size) {
        try {
            streams.resize(size);
        } catch (IOException e) {
            log.debug("{}: resize failed: {}", name, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void onWebSocketText(String message) {
        // The channel protocols are binary only; client-go sends no text.
        log.debug("{}: text message ignored", name);
    }

    @Override
    public void onWebSocketClose(int statusCode, String reason) {
        abandonUnlessFinished("connection closed (" + statusCode + ")");
    }

    @Override
    public void onWebSocketError(Throwable cause) {
        abandonUnlessFinished("connection failed: " + cause.getMessage());
    }

    private void abandonUnlessFinished(String why) {
        RemoteStreams open = streams;
        if (open != null && !finished) {
            log.info("{}: {} before the end; its streams are abandoned", name, why);
            // After a stdin write still under way (its message came before the close): closing the pipe under it
            // lost the rest of its data. A write that blocks (a command that stops reading) is closed under after
            // STDIN_WRITE_WAIT, which ends it.
            boolean locked = false;
            try {
                locked = stdinLock.tryLock(STDIN_WRITE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            try {
                open.abandon();
                open.release();
            } finally {
                if (locked) {
                    stdinLock.unlock();
                }
            }
        }
    }
}
