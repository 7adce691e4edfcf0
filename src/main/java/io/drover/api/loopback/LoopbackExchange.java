package io.drover.api.loopback;

import io.drover.api.http.ApiResponse;
import io.drover.api.http.ApiRouter;
import io.fabric8.kubernetes.client.http.AsyncBody;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.http.StandardHttpRequest;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request of a {@link LoopbackHttpClient}: runs it through the router on the calling thread
 * and is the router's {@link ApiResponse}. The response future completes when the router sends its
 * answer or starts a stream; the body then flows through a {@link LoopbackBody}.
 */
final class LoopbackExchange implements ApiResponse {
    private static final Logger log = LoggerFactory.getLogger(LoopbackExchange.class);

    private final StandardHttpRequest request;
    private final CompletableFuture<HttpResponse<AsyncBody>> response = new CompletableFuture<>();
    private final LoopbackBody body;
    private final Map<String, List<String>> headers = new LinkedHashMap<>();
    private volatile Thread handler;
    private volatile boolean streaming;

    LoopbackExchange(StandardHttpRequest request, AsyncBody.Consumer<List<ByteBuffer>> consumer) {
        this.request = request;
        this.body = new LoopbackBody(consumer, this::stopStreaming);
    }

    CompletableFuture<HttpResponse<AsyncBody>> response() {
        return response;
    }

    LoopbackBody body() {
        return body;
    }

    /** Serves the request; returns when the router is done with it (a watch: when it ends). */
    void run(ApiRouter router) {
        handler = Thread.currentThread();
        try {
            router.handle(LoopbackRequests.toApiRequest(request), this);
            if (!response.isDone()) {
                throw new IOException("the API server sent no response");
            }
            body.end();
        } catch (Throwable t) {
            if (!(t instanceof IOException) || !body.done().isDone()) {
                log.debug("{} {}: {}", request.method(), request.uri(), t.toString());
            }
            response.completeExceptionally(t instanceof IOException ? t : new IOException(t));
            body.fail(t);
        } finally {
            handler = null;
        }
    }

    @Override
    public void addHeader(String name, String value) {
        synchronized (headers) {
            headers.computeIfAbsent(name.toLowerCase(), k -> new ArrayList<>()).add(value);
        }
    }

    @Override
    public void send(int status, String contentType, byte[] bytes) throws IOException {
        startResponse(contentType);
        if (bytes.length > 0 && !request.method().equals("HEAD")) {
            body.offer(ByteBuffer.wrap(bytes));
        }
        body.end();
        complete(status);
    }

    @Override
    public OutputStream stream(int status, String contentType) throws IOException {
        startResponse(contentType);
        streaming = true;
        if (body.done().isDone()) {
            // Cancelled before the stream began: the interrupt that ends a waiting writer came too early.
            throw new IOException("the API client closed the response");
        }
        complete(status);
        return new BufferedOutputStream(new ChunkSink(), STREAM_BUFFER);
    }

    private void startResponse(String contentType) {
        if (response.isDone()) {
            throw new IllegalStateException("response already started: " + request.method() + " " + request.uri());
        }
        addHeader("Content-Type", contentType);
    }

    private void complete(int status) {
        Map<String, List<String>> copy;
        synchronized (headers) {
            copy = Map.copyOf(headers);
        }
        response.complete(new LoopbackResponse(status, copy, body, request));
    }

    /**
     * The client cancelled: a stream's writer may be waiting for the next event (a watch waits up
     * to a second at a time) and would notice only at its next write, so its thread is interrupted.
     * A request that is not streaming is left to finish; its answer is dropped.
     */
    private void stopStreaming() {
        Thread thread = handler;
        if (streaming && thread != null) {
            thread.interrupt();
        }
    }

    /**
     * A streamed body's sink: each write that reaches it (a flush of the buffer in front of it, or
     * a write larger than that buffer) is one chunk for the client; closing it ends the body.
     */
    private final class ChunkSink extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            body.offer(ByteBuffer.wrap(Arrays.copyOfRange(bytes, offset, offset + length)));
        }

        @Override
        public void close() {
            body.end();
        }
    }
}
