package io.drover.api.http;

import io.drover.api.security.WebSocketTokenProtocol;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Blocker;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.websocket.server.ServerWebSocketContainer;

/**
 * Hands Jetty's requests to the {@link ApiRouter} in blocking style: each request runs on its own
 * (virtual) thread, reads its body through an InputStream and writes through an OutputStream, which
 * keeps the API code free of Jetty's callback model. A watch that asks for a WebSocket is the one
 * exception: the upgrade hands the exchange to Jetty, and the watch goes on in a {@link WatchSocket}.
 */
public final class JettyAdapter extends Handler.Abstract {
    private final ApiRouter router;
    private ServerWebSocketContainer websockets;

    public JettyAdapter(ApiRouter router) {
        this.router = router;
    }

    @Override
    protected void doStart() throws Exception {
        websockets = ServerWebSocketContainer.ensure(getServer());
        super.doStart();
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        JettyResponse answer = new JettyResponse(request, response, callback, websockets);
        try {
            router.handle(toApiRequest(request), answer);
            if (!answer.upgraded) {
                callback.succeeded();
            }
        } catch (Throwable t) {
            if (!answer.upgraded) {
                callback.failed(t);
            }
        }
        return true;
    }

    private static ApiRequest toApiRequest(Request request) {
        Map<String, List<String>> query = new LinkedHashMap<>();
        Fields fields = Request.extractQueryParameters(request);
        for (Fields.Field f : fields) {
            query.put(f.getName(), f.getValues());
        }
        Map<String, String> headers = new HashMap<>();
        for (HttpField f : request.getHeaders()) {
            headers.merge(f.getLowerCaseName(), f.getValue(), (a, b) -> a + "," + b);
        }
        String path = request.getHttpURI().getDecodedPath();
        return new ApiRequest(request.getMethod(), path == null ? "/" : path, query, headers,
                () -> Bodies.readBounded(Content.Source.asInputStream(request), request.getLength()));
    }

    private static final class JettyResponse implements ApiResponse {
        private final Request request;
        private final Response response;
        private final Callback callback;
        private final ServerWebSocketContainer websockets;
        /** Whether a WebSocket upgrade took over the exchange (and its callback). */
        private boolean upgraded;

        JettyResponse(Request request, Response response, Callback callback, ServerWebSocketContainer websockets) {
            this.request = request;
            this.response = response;
            this.callback = callback;
            this.websockets = websockets;
        }

        /**
         * A watch whose request asks for a WebSocket is served over it ({@link WatchSocket}), as
         * kube-apiserver's serveWatchHandler does when wsstream.IsWebSocketRequest; the upgrade answer
         * names the events' content type, as there, and echoes the client's first subprotocol (never
         * the one carrying its token). Any other request streams.
         */
        @Override
        public void watch(WatchStream events) throws IOException {
            if (websockets == null || !isWebSocketUpgrade()) {
                ApiResponse.super.watch(events);
                return;
            }
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, WatchStream.CONTENT_TYPE);
            // If the handshake fails nothing opens the socket: the store watch is closed here.
            Callback handshake = Callback.from(callback::succeeded, failure -> {
                events.close();
                callback.failed(failure);
            });
            upgraded = websockets.upgrade((upgradeRequest, upgradeResponse, upgradeCallback) -> {
                WebSocketTokenProtocol.withoutToken(upgradeRequest.getSubProtocols()).stream().findFirst()
                        .ifPresent(upgradeResponse::setAcceptedSubProtocol);
                return new WatchSocket(events);
            }, request, response, handshake);
            if (!upgraded) {
                // Not a handshake Jetty can answer after all (a WebSocket version it does not speak): stream.
                ApiResponse.super.watch(events);
            }
        }

        private boolean isWebSocketUpgrade() {
            String upgrade = request.getHeaders().get(HttpHeader.UPGRADE);
            return upgrade != null && upgrade.trim().equalsIgnoreCase("websocket");
        }
        @Override
        public void addHeader(String name, String value) {
            response.getHeaders().add(name, value);
        }

        @Override
        public void send(int status, String contentType, byte[] body) throws IOException {
            response.setStatus(status);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
            try (OutputStream out = Content.Sink.asOutputStream(response)) {
                if (!request.getMethod().equals("HEAD")) {
                    out.write(body);
                }
            }
        }

        @Override
        public OutputStream stream(int status, String contentType) throws IOException {
            response.setStatus(status);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
            // Commit the headers now with an empty chunk, so the client knows the watch started
            // before the first event.
            try (Blocker.Callback committed = Blocker.callback()) {
                response.write(false, BufferUtil.EMPTY_BUFFER, committed);
                committed.block();
            }
            // Buffered until the caller flushes: a watch writes each event and its newline, and
            // unbuffered every write was a chunk of its own (two TLS records and two socket writes
            // per event); now one flush sends all the events the watch had ready.
            return new BufferedOutputStream(Content.Sink.asOutputStream(response), STREAM_BUFFER);
        }
    }
}
