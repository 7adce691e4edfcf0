package io.drover.api.http;

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

/**
 * Hands Jetty's requests to the {@link ApiRouter} in blocking style: each request runs on its own
 * (virtual) thread, reads its body through an InputStream and writes through an OutputStream, which
 * keeps the API code free of Jetty's callback model.
 */
public final class JettyAdapter extends Handler.Abstract {
    private final ApiRouter router;

    public JettyAdapter(ApiRouter router) {
        this.router = router;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        try {
            router.handle(toApiRequest(request), new JettyResponse(request, response));
            callback.succeeded();
        } catch (Throwable t) {
            callback.failed(t);
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

    private record JettyResponse(Request request, Response response) implements ApiResponse {
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
