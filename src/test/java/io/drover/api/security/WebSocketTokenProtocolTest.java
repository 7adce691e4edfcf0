package io.drover.api.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The token subprotocol read as kube-apiserver's websocket ProtocolAuthenticator reads it. */
class WebSocketTokenProtocolTest {
    private static final String PREFIX = "base64url.bearer.authorization.k8s.io.";

    private static String encoded(String token) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(token.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void readsTheTokenBesideAnotherProtocol() {
        assertThat(WebSocketTokenProtocol.token(PREFIX + encoded("s3cr3t?>") + ", v4.channel.k8s.io"))
                .contains("s3cr3t?>");
    }

    @Test
    void refusesWhatKubeApiserverRefuses() {
        String token = PREFIX + encoded("abc");
        assertThat(WebSocketTokenProtocol.token(token)).as("no other protocol").isEmpty();
        assertThat(WebSocketTokenProtocol.token(token + "," + token + ",x")).as("two tokens").isEmpty();
        assertThat(WebSocketTokenProtocol.token(PREFIX + "YWJj=,x")).as("padding").isEmpty();
        assertThat(WebSocketTokenProtocol.token(PREFIX + "a+b/,x")).as("not base64url").isEmpty();
        assertThat(WebSocketTokenProtocol.token(PREFIX + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(new byte[] {(byte) 0xff, (byte) 0xfe}) + ",x")).as("not UTF-8").isEmpty();
        assertThat(WebSocketTokenProtocol.token("x, y")).as("no token").isEmpty();
        assertThat(WebSocketTokenProtocol.token(null)).isEmpty();
    }

    @Test
    void theTokensProtocolIsLeftOutOfWhatIsAcceptedOrPassedOn() {
        assertThat(WebSocketTokenProtocol.withoutToken(List.of(PREFIX + encoded("abc"), "v5.channel.k8s.io",
                "v4.channel.k8s.io"))).containsExactly("v5.channel.k8s.io", "v4.channel.k8s.io");
    }
}
