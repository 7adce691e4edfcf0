package io.drover.agent.exec;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.agent.streaming.Channels;
import io.drover.agent.streaming.MessageSender;
import io.drover.json.Mappers;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.StatusCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code kubectl exec} on the node: the WebSocket endpoint that runs the command and relays its
 * streams over the channel protocol.
 *
 * <p>Lifecycle: when the connection opens the command starts, and an empty message on the lowest
 * output channel tells the client the streams are ready (as the kubelet does). Output is pumped by
 * one virtual thread per stream, each message sent before the next read (so a slow client slows the
 * command through its pipe, not the agent's memory). When the command exits and its output is
 * drained, the exit status goes out on {@link Channels#ERROR} and the connection closes normally,
 * which client-go reads as the end of every stream. If the client goes away first, the command's
 * whole process tree is killed.
 *
 * <p>Input: stdin messages are written to the command's pipe on the receiving thread; WebSocket
 * demand is given only after that write, so a command that does not read stdin applies
 * back-pressure to the client. v5's close signal for stdin closes the pipe: the command sees EOF.
 *
 * <p>Public only because Jetty invokes its listener methods reflectively; it is created by {@link ExecHandler}.
 */
public final class ExecSession implements Session.Listener {
    private static final Logger log = LoggerFactory.getLogger(ExecSession.class);
    private static final ObjectMapper JSON = Mappers.json();
    /** The kubelet's default streamingConnectionIdleTimeout. */
    static final Duration IDLE_TIMEOUT = Duration.ofHours(4);
    /**
     * How long to wait for output after the command exited: a background child that inherited the
     * pipes would otherwise hold the exec open until it ends.
     */
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(2);
    private static final int CHUNK = 32 * 1024;

    private final ExecTarget target;
    private final ExecOptions options;
    private final StreamProtocol protocol;
    private final String name;
    private final MessageSender sender;
    private volatile Session session;
    private volatile ExecProcess process;
    private volatile boolean finished;

    ExecSession(ExecTarget target, ExecOptions options, StreamProtocol protocol, String name) {
        this.target = target;
        this.options = options;
        this.protocol = protocol;
        this.name = name;
        this.sender = new MessageSender("exec " + name, IDLE_TIMEOUT);
    }

    @Override
    public void onWebSocketOpen(Session session) {
        this.session = session;
        sender.open(session);
        session.setIdleTimeout(IDLE_TIMEOUT);
        try {
            process = ExecProcess.start(target, options);
        } catch (IOException e) {
            log.info("exec {}: cannot start {}: {}", name, options.command(), e.getMessage());
            Thread.ofVirtual().name("exec-" + name).start(
                    () -> finish(ExecStatus.failure("failed to exec in container: " + e.getMessage())));
            return;
        }
        log.debug("exec {}: started {} as pid {} ({})", name, options.command(), process.pid(), protocol.id());
        // Sends block until written, which the thread delivering this event must not do.
        Thread.ofVirtual().name("exec-" + name).start(this::relayOutput);
        session.demand();
    }

    private void relayOutput() {
        int ready = options.stdout() ? Channels.STDOUT
                : options.stderr() ? Channels.STDERR : Channels.ERROR;
        send(Channels.frame(ready, new byte[0]));
        Thread stdout = options.stdout()
                ? pump(process.stdout(), Channels.STDOUT, "stdout") : null;
        Thread stderr = options.stderr() ? pump(process.stderr(), Channels.STDERR, "stderr") : null;
        awaitExit(stdout, stderr);
    }

    private Thread pump(InputStream from, int channel, String stream) {
        return Thread.ofVirtual().name("exec-" + stream + "-" + name).start(() -> {
            byte[] buffer = new byte[CHUNK];
            try (from) {
                int n;
                while ((n = from.read(buffer)) >= 0) {
                    if (n > 0 && !send(Channels.frame(channel, buffer, 0, n))) {
                        return;
                    }
                }
            } catch (IOException e) {
                log.debug("exec {}: {} ended: {}", name, stream, e.getMessage());
            }
        });
    }

    private void awaitExit(Thread stdout, Thread stderr) {
        try {
            int code = process.waitFor();
            long drainEnd = System.nanoTime() + DRAIN_TIMEOUT.toNanos();
            for (Thread pump : new Thread[] {stdout, stderr}) {
                if (pump != null) {
                    pump.join(Duration.ofNanos(Math.max(1, drainEnd - System.nanoTime())));
                }
            }
            log.debug("exec {}: {} exited with {}", name, options.command(), code);
            finish(code == 0 ? ExecStatus.success() : ExecStatus.exitCode(options.command(), code));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The status message, then a normal close: client-go reads the error stream to its end. */
    private void finish(ObjectNode status) {
        finished = true;
        try {
            send(Channels.frame(Channels.ERROR, JSON.writeValueAsBytes(status)));
        } catch (IOException e) {
            log.debug("exec {}: cannot encode status: {}", name, e.getMessage());
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
            if (message != null && process != null) {
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
                TerminalSize size = TerminalSize.parse(message.bytes());
                if (size != null) {
                    Thread.ofVirtual().name("exec-resize-" + name).start(() -> resize(size));
                }
            }
            case Channels.CLOSE -> {
                if (protocol == StreamProtocol.V5 && message.payload().remaining() == 1
                        && message.payload().get(0) == Channels.STDIN) {
                    closeStdin();
                }
            }
            default -> log.debug("exec {}: message for channel {} ignored", name, message.channel());
        }
    }

    private void writeStdin(byte[] data) {
        if (!options.stdin() || data.length == 0) {
            return;
        }
        try {
            OutputStream stdin = process.stdin();
            stdin.write(data);
            stdin.flush();
        } catch (IOException e) {
            // The command closed its stdin or exited: further input has nowhere to go, as in a pipe.
            log.debug("exec {}: stdin write failed: {}", name, e.getMessage());
        }
    }

    private void closeStdin() {
        try {
            process.stdin().close();
        } catch (IOException e) {
            log.debug("exec {}: stdin close failed: {}", name, e.getMessage());
        }
    }

    private void resize(TerminalSize size) {
        try {
            process.resize(size);
        } catch (IOException e) {
            log.debug("exec {}: resize failed: {}", name, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void onWebSocketText(String message) {
        // The channel protocols are binary only; client-go sends no text.
        log.debug("exec {}: text message ignored", name);
    }

    @Override
    public void onWebSocketClose(int statusCode, String reason) {
        stopIfRunning("connection closed (" + statusCode + ")");
    }

    @Override
    public void onWebSocketError(Throwable cause) {
        stopIfRunning("connection failed: " + cause.getMessage());
    }

    private void stopIfRunning(String why) {
        ExecProcess running = process;
        if (running != null && !finished && running.isAlive()) {
            log.info("exec {}: {}; killing {}", name, why, options.command());
            running.killTree();
        }
    }
}
