package io.drover.api.loopback;

import io.fabric8.kubernetes.client.http.AsyncBody;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.http.StandardHttpClient;
import io.fabric8.kubernetes.client.http.StandardHttpRequest;
import io.fabric8.kubernetes.client.http.StandardWebSocketBuilder;
import io.fabric8.kubernetes.client.http.WebSocket;
import io.fabric8.kubernetes.client.http.WebSocketResponse;
import java.io.IOException;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A fabric8 HTTP client that hands each request to the {@link io.drover.api.http.ApiRouter} on a
 * virtual thread of its own, as Jetty runs each request; the answer comes back as the bytes the
 * router wrote. Retries, the token and the response handling are fabric8's own
 * ({@link StandardHttpClient}).
 */
public final class LoopbackHttpClient
        extends StandardHttpClient<LoopbackHttpClient, LoopbackHttpClientFactory, LoopbackHttpClientBuilder> {
    private static final ThreadFactory REQUESTS = Thread.ofVirtual().name("api-loopback-", 0).factory();
    /** Request timeouts: one daemon thread; a timer is removed when its response comes, as most do at once. */
    private static final ScheduledThreadPoolExecutor TIMEOUTS = timeouts();

    private final Set<LoopbackExchange> open;

    LoopbackHttpClient(LoopbackHttpClientBuilder builder, AtomicBoolean closed, Set<LoopbackExchange> open) {
        super(builder, closed);
        this.open = open;
    }

    @Override
    public CompletableFuture<HttpResponse<AsyncBody>> consumeBytesDirect(StandardHttpRequest request,
            AsyncBody.Consumer<List<ByteBuffer>> consumer) {
        if (isClosed()) {
            return CompletableFuture.failedFuture(new IOException("the API client is closed"));
        }
        LoopbackExchange exchange = new LoopbackExchange(request, consumer);
        open.add(exchange);
        timeOut(exchange, request.getTimeout());
        REQUESTS.newThread(() -> {
            try {
                exchange.run(factory().router());
            } finally {
                open.remove(exchange);
            }
        }).start();
        return exchange.response();
    }

    /**
     * The JDK client's request timeout: a response whose headers have not come by then fails with
     * {@link HttpTimeoutException}, an IOException that fabric8 retries; the body may take longer.
     */
    private static void timeOut(LoopbackExchange exchange, Duration timeout) {
        if (timeout == null || timeout.isZero() || timeout.isNegative()) {
            return;
        }
        ScheduledFuture<?> timer = TIMEOUTS.schedule(() -> {
            if (exchange.response().completeExceptionally(new HttpTimeoutException("request timed out"))) {
                exchange.body().cancel();
            }
        }, timeout.toMillis(), TimeUnit.MILLISECONDS);
        exchange.response().whenComplete((response, error) -> timer.cancel(false));
    }

    private static ScheduledThreadPoolExecutor timeouts() {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "api-loopback-timeouts");
            t.setDaemon(true);
            return t;
        });
        executor.setRemoveOnCancelPolicy(true);
        return executor;
    }

    /** The server's own components open no WebSockets (exec and port-forward are for outside clients). */
    @Override
    public CompletableFuture<WebSocketResponse> buildWebSocketDirect(StandardWebSocketBuilder builder,
            WebSocket.Listener listener) {
        return CompletableFuture.failedFuture(
                new UnsupportedOperationException("the in-process API transport carries no WebSockets"));
    }

    /** Ends every request and stream the router still serves for this client and those derived from it. */
    @Override
    protected void doClose() {
        open.forEach(exchange -> exchange.body().cancel());
    }

    /** Where this client's requests go; a client for other answers of the same server is built on it. */
    public LoopbackHttpClientFactory factory() {
        return builder.getClientFactory();
    }

    /** The requests the router still serves (a watch until its loop ends), this client's and its derived ones'. */
    Set<LoopbackExchange> openExchanges() {
        return open;
    }
}
