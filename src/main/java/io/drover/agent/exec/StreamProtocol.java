package io.drover.agent.exec;

import java.util.List;
import java.util.Optional;

/**
 * The WebSocket subprotocols of Kubernetes' remote command streams that drover speaks. Both put the
 * channel number in the first byte of every binary message and report the end of the command as a
 * {@code metav1.Status} on the error channel; v5 adds the close signal ({@link Channels#CLOSE}) that
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

    /** The names drover accepts, for error messages. */
    public static List<String> supported() {
        return List.of(V5.id, V4.id);
    }
}
