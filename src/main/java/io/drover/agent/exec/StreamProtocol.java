package io.drover.agent.exec;

import static io.drover.agent.streaming.StreamingRequests.isWebSocketUpgrade;
import static io.drover.agent.streaming.StreamingRequests.refuse;

import java.util.List;
import java.util.Optional;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The WebSocket subprotocols of Kubernetes' remote command streams that drover speaks. Both put the
 * channel number in the first byte of every binary message and report the end of the command as a
 * {@code metav1.Status} on the error channel; v5 adds the close signal ({@link io.drover.agent.streaming.Channels#CLOSE}) that
 * lets a client say its stdin ended without closing the connection.
 */
public enum StreamProtocol {
    /** kubectl 1.30+ offers only this one over WebSockets. */
    V5("v5.channel.k8s.io"),
    /** The same framing without the close signal: stdin ends only with the connection. */
    V4("v4.channel.k8s.io");

    private final String id;

    StreamProtocol(String id) {
        this.id = id;
    }

    /** The {@code Sec-WebSocket-Protocol} value. */
    public String id() {
        return id;
    }

    /**
     * The first of the client's offered subprotocols (in the client's order, as Kubernetes' wsstream
     * handshake picks) that drover speaks.
     */
    public static Optional<StreamProtocol> negotiate(List<String> offered) {
        for (String name : offered) {
            for (StreamProtocol p : values()) {
                if (p.id.equals(name.trim())) {
                    return Optional.of(p);
                }
            }
        }
        return Optional.empty();
    }

    /**
     * The subprotocol a remote command request ({@code what}: exec or attach) is to be upgraded
     * to, or empty once it was refused with 400: not a WebSocket upgrade (SPDY is not served), or
     * none of the offered subprotocols is spoken.
     */
    static Optional<StreamProtocol> forUpgrade(Request request, Response response, Callback callback, String what) {
        List<String> offered = request.getHeaders().getCSV(HttpHeader.SEC_WEBSOCKET_SUBPROTOCOL, true);
        if (!isWebSocketUpgrade(request)) {
            refuse(response, callback, HttpStatus.BAD_REQUEST_400, "BadRequest", "Upgrade request required: " + what
                    + " is served over WebSocket (" + String.join(", ", supported()) + ") only");
            return Optional.empty();
        }
        Optional<StreamProtocol> protocol = negotiate(offered);
        if (protocol.isEmpty()) {
            refuse(response, callback, HttpStatus.BAD_REQUEST_400, "BadRequest",
                    "requested protocol(s) are not supported: " + offered + "; supports " + supported());
        }
        return protocol;
    }

    /** The names drover accepts, for error messages. */
    public static List<String> supported() {
        return List.of(V5.id, V4.id);
    }
}
