package io.drover.agent.portforward;

import io.drover.agent.streaming.Channels;
import io.drover.agent.streaming.MessageSender;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.StatusCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Port-forward over the WebSocket channel protocol ({@value #PROTOCOL}, or no subprotocol), as the
 * kubelet serves it (pkg/kubelet/cri/streaming/portforward/websocket.go) and the fabric8 client
 * speaks it: the ports are in the request, one connection to each is opened with the WebSocket,
 * port {@code i} has data channel {@code 2i} and error channel {@code 2i+1}, and each channel's
 * first message is the port number (two bytes, little-endian). A failure is written on the error
 * channel; the WebSocket closes once every connection has ended.
 *
 * <p>Public only because Jetty invokes its listener methods reflectively; created by {@link PortForwardHandler}.
 */
public final class ChannelPortForwardSession implements Session.Listener {
    static final String PROTOCOL = "v4.channel.k8s.io";
    private static final Logger log = LoggerFactory.getLogger(ChannelPortForwardSession.class);
    /** The kubelet's default streamingConnectionIdleTimeout. */
    private static final Duration IDLE_TIMEOUT = Duration.ofHours(4);

    private final PortForwardTarget target;
    private final List<Integer> ports;
    private final List<CompletableFuture<ForwardedConnection>> connections = new ArrayList<>();
    private final AtomicInteger forwarding;
    private final MessageSender sender;
    private volatile Session session;
    private volatile boolean closed;

    ChannelPortForwardSession(PortForwardTarget target, List<Integer> ports) {
        this.target = target;
        this.ports = List.copyOf(ports);
        this.forwarding = new AtomicInteger(ports.size());
        this.sender = new MessageSender("port-forward " + target.name(), IDLE_TIMEOUT);
        ports.forEach(p -> connections.add(new CompletableFuture<>()));
    }

    @Override
    public void onWebSocketOpen(Session session) {
        this.session = session;
        sender.open(session);
        session.setIdleTimeout(IDLE_TIMEOUT);
        // Sends and connects block, which the thread delivering this event must not do.
        Thread.ofVirtual().name("port-forward-" + target.name()).start(() -> {
            for (int i = 0; i < ports.size(); i++) {
                ByteBuffer port = ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN)
                        .putShort(0, (short) ports.get(i).intValue());
                send(2 * i, port.duplicate());
                send(2 * i + 1, port.duplicate());
            }
            for (int i = 0; i < ports.size(); i++) {
                connect(i);
            }
            session.demand();
        });
    }

    private void connect(int index) {
        int data = 2 * index;
        try {
            ForwardedConnection connection = ForwardedConnection.open(target, ports.get(index),
                    new ForwardedConnection.Output() {
                        @Override
                        public boolean data(ByteBuffer bytes) {
                            return send(data, bytes);
                        }

                        @Override
                        public void end(String error) {
                            ended(index, error);
                        }
                    });
            connections.get(index).complete(connection);
            if (closed) {
                connection.close();
            }
        } catch (IOException e) {
            log.info("port-forward {}: {}", target.name(), e.getMessage());
            connections.get(index).complete(null);
            ended(index, e.getMessage());
        }
    }

    private void ended(int index, String error) {
        if (error != null) {
            send(2 * index + 1, ByteBuffer.wrap(error.getBytes(StandardCharsets.UTF_8)));
        }
        if (forwarding.decrementAndGet() == 0) {
            session.close(StatusCode.NORMAL, null, Callback.NOOP);
        }
    }

    @Override
    public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
        Channels.Message message = Channels.Message.parse(payload);
        int channel = message == null ? -1 : message.channel();
        ForwardedConnection connection = channel >= 0 && channel % 2 == 0 && channel / 2 < ports.size()
                ? connections.get(channel / 2).getNow(null) : null;
        if (connection == null) {
            // Error channels carry nothing from the client; unknown channels are dropped, as wsstream does.
            callback.succeed();
            session.demand();
            return;
        }
        ByteBuffer bytes = ByteBuffer.allocate(message.payload().remaining()).put(message.payload()).flip();
        callback.succeed();
        // A write to the pod may block; the next message is asked for once it is done.
        Thread.ofVirtual().name("port-forward-" + target.name()).start(() -> {
            connection.write(bytes);
            session.demand();
        });
    }

    /** Sends one message on {@code channel} and waits until it is written; false when the connection is gone. */
    private boolean send(int channel, ByteBuffer bytes) {
        return sender.send(ByteBuffer.allocate(1 + bytes.remaining()).put((byte) channel).put(bytes).flip());
    }

    @Override
    public void onWebSocketClose(int statusCode, String reason) {
        closeAll();
    }

    @Override
    public void onWebSocketError(Throwable cause) {
        log.debug("port-forward {}: connection failed: {}", target.name(), cause.toString());
        closeAll();
    }

    private void closeAll() {
        closed = true;
        for (CompletableFuture<ForwardedConnection> c : connections) {
            ForwardedConnection connection = c.getNow(null);
            if (connection != null) {
                connection.close();
            }
        }
    }
}
