package io.drover.agent.portforward;

import io.drover.agent.streaming.MessageSender;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.spdy.DefaultSpdyDataFrame;
import io.netty.handler.codec.spdy.DefaultSpdyPingFrame;
import io.netty.handler.codec.spdy.DefaultSpdyRstStreamFrame;
import io.netty.handler.codec.spdy.DefaultSpdySynReplyFrame;
import io.netty.handler.codec.spdy.SpdyDataFrame;
import io.netty.handler.codec.spdy.SpdyFrame;
import io.netty.handler.codec.spdy.SpdyGoAwayFrame;
import io.netty.handler.codec.spdy.SpdyPingFrame;
import io.netty.handler.codec.spdy.SpdyRstStreamFrame;
import io.netty.handler.codec.spdy.SpdyStreamStatus;
import io.netty.handler.codec.spdy.SpdySynReplyFrame;
import io.netty.handler.codec.spdy.SpdySynStreamFrame;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.ReferenceCounted;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.StatusCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code kubectl port-forward} on the node: the SPDY/3.1 connection client-go tunnels through
 * a WebSocket (subprotocol {@value #PROTOCOL}), served as the kubelet serves its SPDY port-forward
 * (pkg/kubelet/cri/streaming/portforward/httpstream.go).
 *
 * <p>Every forwarded connection is two streams the client opens with the same {@code requestID}
 * header: an error stream, then a data stream naming the {@code port}. Each stream is answered with
 * a SYN_REPLY; once both are there the pod's port is dialled and bytes flow on the data stream. When
 * the pod closes the connection, both streams are ended (FIN); a failure is first written on the
 * error stream, which kubectl prints. A stream the client ends with FIN half-closes the pod's socket;
 * a reset closes it.
 *
 * <p>No flow control: client-go's spdystream neither sends WINDOW_UPDATE frames nor waits for them,
 * so neither does this; back-pressure comes from the WebSocket instead (the next message is asked
 * for only once the last one's bytes are written to the pod, and the pod's bytes are read only once
 * the previous chunk is sent). PINGs are answered, as client-go sends them to keep the tunnel alive.
 *
 * <p>Public only because Jetty invokes its listener methods reflectively; created by {@link PortForwardHandler}.
 */
public final class SpdyPortForwardSession implements Session.Listener {
    static final String PROTOCOL = "SPDY/3.1+portforward.k8s.io";
    private static final Logger log = LoggerFactory.getLogger(SpdyPortForwardSession.class);
    /** The kubelet's default streamingConnectionIdleTimeout. */
    private static final Duration IDLE_TIMEOUT = Duration.ofHours(4);
    /** How long the kubelet waits for the second stream of a pair. */
    private static final Duration PAIR_TIMEOUT = Duration.ofSeconds(30);

    private final PortForwardTarget target;
    private final SpdyFrames frames = new SpdyFrames();
    private final MessageSender sender;
    private final Map<Integer, StreamPair> byStream = new ConcurrentHashMap<>();
    private final Map<String, StreamPair> byRequest = new ConcurrentHashMap<>();
    private volatile Session session;
    private volatile boolean closed;

    SpdyPortForwardSession(PortForwardTarget target) {
        this.target = target;
        this.sender = new MessageSender("port-forward " + target.name(), IDLE_TIMEOUT);
    }

    @Override
    public void onWebSocketOpen(Session session) {
        this.session = session;
        sender.open(session);
        session.setIdleTimeout(IDLE_TIMEOUT);
        session.demand();
    }

    @Override
    public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
        List<SpdyFrame> received;
        try {
            received = frames.decode(payload);
        } catch (RuntimeException e) {
            callback.fail(e);
            log.info("port-forward {}: not SPDY/3.1: {}", target.name(), e.toString());
            session.close(StatusCode.PROTOCOL, "invalid SPDY/3.1 frame: " + e.getMessage(), Callback.NOOP);
            return;
        }
        callback.succeed();
        // Handling blocks (writes to the pod, replies), which the thread delivering this event must
        // not do; the next message is asked for only once these frames are handled, so in order.
        Thread.ofVirtual().name("port-forward-" + target.name()).start(() -> {
            for (SpdyFrame frame : received) {
                try {
                    handle(frame);
                } catch (RuntimeException e) {
                    log.warn("port-forward {}: handling {} failed", target.name(), frame, e);
                } finally {
                    ReferenceCountUtil.release(frame);
                }
            }
            session.demand();
        });
    }

    private void handle(SpdyFrame frame) {
        switch (frame) {
            case SpdySynStreamFrame syn -> open(syn);
            case SpdyDataFrame data -> receive(data);
            case SpdyRstStreamFrame reset -> forget(byStream.get(reset.streamId()));
            case SpdyPingFrame ping -> send(new DefaultSpdyPingFrame(ping.id()));
            case SpdyGoAwayFrame goAway -> session.close(StatusCode.NORMAL, null, Callback.NOOP);
            // SETTINGS and WINDOW_UPDATE: nothing to do without flow control.
            default -> log.debug("port-forward {}: {} ignored", target.name(), frame);
        }
    }

    private void open(SpdySynStreamFrame syn) {
        int id = syn.streamId();
        String type = syn.headers().getAsString("streamtype");
        if (!StreamPair.DATA.equals(type) && !StreamPair.ERROR.equals(type)) {
            // The kubelet's stream handler refuses it, and spdystream resets a refused stream.
            log.info("port-forward {}: stream {} refused: streamtype {}", target.name(), id, type);
            send(new DefaultSpdyRstStreamFrame(id, SpdyStreamStatus.CANCEL));
            return;
        }
        String requestId = syn.headers().getAsString("requestid");
        if (requestId == null || requestId.isEmpty()) {
            // Clients older than the header: the kubelet pairs consecutive streams.
            requestId = Integer.toString(type.equals(StreamPair.ERROR) ? id : id - 2);
        }
        StreamPair created = new StreamPair(requestId);
        StreamPair pair = byRequest.computeIfAbsent(requestId, key -> created);
        byStream.put(id, pair);
        send(reply(id, type));
        String problem = pair.add(type, id, syn.headers().getAsString("port"));
        if (problem != null) {
            endWith(pair, "error processing stream for request " + requestId + ": " + problem);
        } else if (pair.complete()) {
            forward(pair);
        } else if (pair == created) {
            Thread.ofVirtual().name("port-forward-pair-" + requestId).start(() -> expire(pair));
        }
    }

    /**
     * The SYN_REPLY accepting a stream. The kubelet's has no headers, but Netty encodes an empty
     * header block as no bytes at all, which client-go's framer cannot read (it expects the
     * compressed header count); so the reply echoes the stream's type, which spdystream ignores.
     */
    private static SpdySynReplyFrame reply(int streamId, String type) {
        SpdySynReplyFrame reply = new DefaultSpdySynReplyFrame(streamId);
        reply.headers().set("streamtype", type);
        return reply;
    }

    private void expire(StreamPair pair) {
        try {
            if (!pair.awaitComplete(PAIR_TIMEOUT)) {
                endWith(pair, "(request=" + pair.requestId() + ") timed out waiting for streams");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void forward(StreamPair pair) {
        int port = pair.port();
        if (port < 1) {
            endWith(pair, target.failure(String.valueOf(pair.portHeader()), "invalid port (expected: 1-65535)"));
            return;
        }
        try {
            pair.connected(ForwardedConnection.open(target, port, new ForwardedConnection.Output() {
                @Override
                public boolean data(ByteBuffer bytes) {
                    return send(new DefaultSpdyDataFrame(pair.dataStream(), Unpooled.wrappedBuffer(bytes)));
                }

                @Override
                public void end(String error) {
                    endWith(pair, error);
                }
            }));
        } catch (IOException e) {
            log.info("port-forward {}: {}", target.name(), e.getMessage());
            endWith(pair, e.getMessage());
        }
    }

    private void receive(SpdyDataFrame data) {
        StreamPair pair = byStream.get(data.streamId());
        // The client writes nothing on the error stream but its end.
        if (pair == null || data.streamId() != pair.dataStream()) {
            return;
        }
        ForwardedConnection connection = pair.connection();
        if (connection != null) {
            if (data.content().isReadable()) {
                connection.write(data.content().nioBuffer());
            }
            if (data.isLast()) {
                connection.shutdownInput();
            }
        }
    }

    /** The end of a forward: the error (if any) on the error stream, then both streams ended, as the kubelet's defers do. */
    private void endWith(StreamPair pair, String error) {
        if (!pair.finish()) {
            return;
        }
        if (pair.errorStream() != 0) {
            if (error != null) {
                send(new DefaultSpdyDataFrame(pair.errorStream(),
                        Unpooled.wrappedBuffer(error.getBytes(StandardCharsets.UTF_8))));
            }
            send(new DefaultSpdyDataFrame(pair.errorStream()).setLast(true));
        }
        if (pair.dataStream() != 0) {
            send(new DefaultSpdyDataFrame(pair.dataStream()).setLast(true));
        }
        forget(pair);
    }

    private void forget(StreamPair pair) {
        if (pair == null) {
            return;
        }
        pair.close();
        byRequest.remove(pair.requestId(), pair);
        byStream.values().removeIf(p -> p == pair);
    }

    /** Sends one frame and waits until it is written; false when the connection is gone. */
    private boolean send(SpdyFrame frame) {
        // Encoded in the order sent: the header blocks share one compression stream.
        boolean sent = sender.send(() -> closed ? null : frames.encode(frame));
        if (!sent && frame instanceof ReferenceCounted counted && counted.refCnt() > 0) {
            counted.release();
        }
        return sent;
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
        byRequest.values().forEach(StreamPair::close);
        byRequest.clear();
        byStream.clear();
        sender.whileIdle(() -> {
            if (!closed) {
                closed = true;
                frames.close();
            }
        });
    }
}
