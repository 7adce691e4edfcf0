package io.drover.api.security;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * A bearer token carried as a WebSocket subprotocol, {@code base64url.bearer.authorization.k8s.io.<token>}, as
 * kube-apiserver's websocket ProtocolAuthenticator reads it: a browser cannot set an Authorization header on a
 * WebSocket, only subprotocols. The token is base64url without padding; the client must offer at least one other
 * subprotocol, since the token's is never echoed (nor passed on to a node).
 */
public final class WebSocketTokenProtocol {
    private static final String PREFIX = "base64url.bearer.authorization.k8s.io.";

    private WebSocketTokenProtocol() {}

    /**
     * The token the offered subprotocols carry. Empty when none carries one, and when kube-apiserver would fail the
     * authentication: two tokens, a token that is not base64url or not UTF-8, or no other subprotocol.
     *
     * @param header the Sec-WebSocket-Protocol header's values joined by commas, or null
     */
    public static Optional<String> token(String header) {
        List<String> protocols = protocols(header);
        List<String> tokens = protocols.stream().filter(p -> p.startsWith(PREFIX)).toList();
        if (tokens.size() != 1 || tokens.size() == protocols.size()) {
            return Optional.empty();
        }
        String encoded = tokens.get(0).substring(PREFIX.length());
        if (encoded.indexOf('=') >= 0) {
            return Optional.empty(); // Go's RawURLEncoding: no padding
        }
        try {
            byte[] decoded = Base64.getUrlDecoder().decode(encoded);
            String token = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(decoded)).toString();
            return token.isEmpty() ? Optional.empty() : Optional.of(token);
        } catch (IllegalArgumentException | CharacterCodingException e) {
            return Optional.empty();
        }
    }

    /** The offered subprotocols without a token's: what may be accepted, or offered to a node in the client's name. */
    public static List<String> withoutToken(List<String> protocols) {
        List<String> kept = new ArrayList<>();
        for (String protocol : protocols) {
            if (!protocol.startsWith(PREFIX)) {
                kept.add(protocol);
            }
        }
        return kept;
    }

    /** The subprotocols of a Sec-WebSocket-Protocol header (values joined by commas), in order. */
    public static List<String> protocols(String header) {
        if (header == null) {
            return List.of();
        }
        return Arrays.stream(header.split(",")).map(String::trim).filter(p -> !p.isEmpty()).toList();
    }
}
