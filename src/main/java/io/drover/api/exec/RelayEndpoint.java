package io.drover.api.exec;

import java.nio.ByteBuffer;
import java.time.Duration;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.StatusCode;

/**
 * One side of a WebSocket relay: every message it receives is sent on the other side's session,
 * and it asks for the next one only once that send completed, so a slow reader slows the writer
 * instead of filling the API server's memory. A close is passed on with its code and reason; a
 * side that vanished without a close handshake (1006) is passed on as 1001 going-away, which is
 * what the node agent sees when kubectl is killed, and which makes it kill the command.
 *
 * <p>Public only because Jetty invokes its listener methods reflectively.
 */
public final class RelayEndpoint implements Session.Listener {
    /** The kubelet's default streamingConnectionIdleTimeout. */
    static final Duration IDLE_TIMEOUT = Duration.ofHours(4);

    private final String side;
    private RelayEndpoint peer;
    private volatile Session session;
    private volatile boolean peerOpen;

    private RelayEndpoint(String side) {
        this.side = side;
    }

    /** Two linked endpoints: {@code [0]} faces the client, {@code [1]} the node. */
    static RelayEndpoint[] pair() {
        RelayEndpoint client = new RelayEndpoint("client");
        RelayEndpoint node = new RelayEndpoint("node");
        client.peer = node;
        node.peer = client;
        return new RelayEndpoint[] {client, node};
    }

    /** The negotiated subprotocol, once open. */
    String acceptedSubProtocol() {
        return session.getUpgradeResponse().getAcceptedSubProtocol();
    }

    @Override
    public void onWebSocketOpen(Session session) {
        this.session = session;
        session.setIdleTimeout(IDLE_TIMEOUT);
        // The node side opens first; neither reads until both are open.
        peer.peerOpen = true;
        if (peerOpen) {
            session.demand();
            peer.session.demand();
        }
    }

    @Override
    public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
        peer.session.sendBinary(payload, forward(callback));
    }

    @Override
    public void onWebSocketText(String message) {
        peer.session.sendText(message, Callback.from(session::demand, this::fail));
    }

    private Callback forward(Callback received) {
        return Callback.from(() -> {
            received.succeed();
            session.demand();
        }, failure -> {
            received.fail(failure);
            fail(failure);
        });
    }

    private void fail(Throwable failure) {
        session.close(StatusCode.SERVER_ERROR, side + " relay failed: " + failure.getMessage(), Callback.NOOP);
    }

    @Override
    public void onWebSocketClose(int statusCode, String reason) {
        Session other = peer.session;
        if (other != null && other.isOpen()) {
            if (StatusCode.isTransmittable(statusCode)) {
                other.close(statusCode, reason, Callback.NOOP);
            } else {
                other.close(StatusCode.SHUTDOWN, side + " went away", Callback.NOOP);
            }
        }
    }

    @Override
    public void onWebSocketError(Throwable cause) {
        Session other = peer.session;
        if (other != null && other.isOpen()) {
            other.close(StatusCode.SHUTDOWN, side + " failed", Callback.NOOP);
        }
    }
}
