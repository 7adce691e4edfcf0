package io.drover.testing;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;


import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.client.ClientUpgradeRequest;
import org.eclipse.jetty.websocket.client.WebSocketClient;

/**
 * A test client of the exec channel protocol over a real WebSocket: collects what arrives on each
 * channel and how the connection closed, and sends stdin, the v5 close signal and resizes.
 */
public final class ChannelStreams implements Session.Listener.AutoDemanding, AutoCloseable {
    private final WebSocketClient client;
    private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    private final ByteArrayOutputStream error = new ByteArrayOutputStream();
    private volatile Session session;
    private volatile Integer closeCode;
    private volatile long connected;
    private volatile long firstMessage;

    private ChannelStreams(WebSocketClient client) {
        this.client = client;
    }

    /** Connects to {@code uri} (ws: or wss: trusting any certificate) offering {@code protocols}. */
    public static ChannelStreams connect(URI uri, Map<String, String> headers, String... protocols)
            throws Exception {
        SslContextFactory.Client ssl = new SslContextFactory.Client(true);
        ClientConnector connector = new ClientConnector();
        connector.setSslContextFactory(ssl);
        WebSocketClient client = new WebSocketClient(new HttpClient(new HttpClientTransportOverHTTP(connector)));
        client.start();
        ChannelStreams streams = new ChannelStreams(client);
        try {
            ClientUpgradeRequest request = new ClientUpgradeRequest();
            request.setSubProtocols(protocols);
            headers.forEach(request::setHeader);
            streams.session = client.connect(streams, uri, request).get(10, TimeUnit.SECONDS);
            streams.connected = System.nanoTime();
            return streams;
        } catch (Exception e) {
            client.stop();
            throw e;
        }
    }

    /** From the upgrade's answer to the first message (negative when it came first), or null before one arrived. */
    public Duration firstMessageAfterUpgrade() {
        return firstMessage == 0 ? null : Duration.ofNanos(firstMessage - connected);
    }

    public String protocol() {
        return session.getUpgradeResponse().getAcceptedSubProtocol();
    }

    @Override
    public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
        if (firstMessage == 0) {
            firstMessage = System.nanoTime();
        }
        int channel = Byte.toUnsignedInt(payload.get());
        byte[] data = new byte[payload.remaining()];
        payload.get(data);
        ByteArrayOutputStream target = switch (channel) {
            case 1 -> stdout;
            case 2 -> stderr;
            case 3 -> error;
            default -> null;
        };
        if (target != null) {
            synchronized (target) {
                target.writeBytes(data);
            }
        }
        callback.succeed();
    }

    @Override
    public void onWebSocketClose(int statusCode, String reason) {
        closeCode = statusCode;
    }

    public void send(int channel, byte[] data) throws Exception {
        ByteBuffer frame = ByteBuffer.allocate(data.length + 1).put((byte) channel).put(data).flip();
        Callback.Completable sent = new Callback.Completable();
        session.sendBinary(frame, sent);
        sent.get(10, TimeUnit.SECONDS);
    }

    public void stdin(String text) throws Exception {
        send(0, text.getBytes(StandardCharsets.UTF_8));
    }

    /** v5: stdin ended. */
    public void closeStdin() throws Exception {
        send(255, new byte[] {0});
    }

    public void resize(int width, int height) throws Exception {
        send(4, ("{\"Width\":" + width + ",\"Height\":" + height + "}").getBytes(StandardCharsets.UTF_8));
    }

    public String stdout() {
        return text(stdout);
    }

    public String stderr() {
        return text(stderr);
    }

    /** What arrived on the error channel: the final Status. */
    public String status() {
        return text(error);
    }

    /** The close code, or null while open. */
    public Integer closeCode() {
        return closeCode;
    }

    /** Drops the connection without a close handshake, as a killed client does. */
    public void disconnect() {
        session.disconnect();
    }

    private static String text(ByteArrayOutputStream stream) {
        synchronized (stream) {
            return stream.toString(StandardCharsets.UTF_8);
        }
    }

    @Override
    public void close() throws Exception {
        if (session != null && session.isOpen()) {
            session.close();
        }
        client.stop();
    }

}
