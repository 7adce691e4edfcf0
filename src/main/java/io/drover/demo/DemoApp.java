package io.drover.demo;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The demo workload of the quick start: a small HTTP server that says which replica answered.
 *
 * <ul>
 *   <li>{@code GET /}: {@code Hello from <name>\n}, with {@code (version V)} before the newline
 *       when a version is set, so a rolling update shows which replicas run the new template.
 *   <li>{@code GET /healthz}: 200 {@code ok}, for readiness and liveness probes.
 *   <li>{@code GET /sleep?ms=N}: answers after N ms (at most {@link #MAX_SLEEP}): a request that
 *       is still in flight when the pod is stopped, to see graceful shutdown at work.
 * </ul>
 *
 * <p>The JDK's HTTP server on virtual threads keeps it free of dependencies and light enough to
 * run a hundred replicas on a laptop. {@link #stop} is graceful: it stops accepting at once and
 * waits for the requests in flight, which is what a pod owes the kubelet's SIGTERM.
 */
public final class DemoApp {
    static final Duration MAX_SLEEP = Duration.ofMinutes(1);
    /** How long a stopping app keeps answering on kept-alive connections, each answer closing its own. */
    static final Duration KEEP_ALIVE_LINGER = Duration.ofSeconds(1);

    private final HttpServer server;
    private final ExecutorService handlers;
    /** Set at stop: every answer from then on closes its connection. */
    private final AtomicBoolean closing;

    private DemoApp(HttpServer server, ExecutorService handlers, AtomicBoolean closing) {
        this.server = server;
        this.handlers = handlers;
        this.closing = closing;
    }

    /** Serves on {@code port} of every address (0: a free one) as replica {@code name}. */
    public static DemoApp start(int port, String name, String version) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(port), 128);
        ExecutorService handlers = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(handlers);
        String hello = "Hello from " + name + (version == null || version.isEmpty() ? "" : " (version " + version + ")")
                + "\n";
        AtomicBoolean closing = new AtomicBoolean();
        server.createContext("/", exchange -> {
            if (closing.get()) {
                exchange.getResponseHeaders().set("Connection", "close");
            }
            handle(exchange, hello);
        });
        server.start();
        return new DemoApp(server, handlers, closing);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /**
     * Stops: for {@link #KEEP_ALIVE_LINGER} (at most {@code drain}) it still answers, each answer
     * with "Connection: close", so a keep-alive client's next request gets an answer and its next
     * connection goes to another replica (the pod is out of its Services by now); the JDK server
     * alone would close idle connections at once, under a request the client may be sending. Then
     * it stops accepting and waits up to {@code drain} for the requests in flight to be answered;
     * connections still open after that are closed.
     */
    public void stop(Duration drain) {
        closing.set(true);
        try {
            Thread.sleep(drain.compareTo(KEEP_ALIVE_LINGER) < 0 ? drain : KEEP_ALIVE_LINGER);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        server.stop((int) Math.max(1, drain.toSeconds()));
        handlers.close();
    }

    private static void handle(HttpExchange exchange, String hello) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            if (!method.equals("GET") && !method.equals("HEAD")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                send(exchange, 405, "method not allowed\n");
                return;
            }
            switch (exchange.getRequestURI().getPath()) {
                case "/" -> send(exchange, 200, hello);
                case "/healthz" -> send(exchange, 200, "ok\n");
                case "/sleep" -> sleep(exchange);
                default -> send(exchange, 404, "not found\n");
            }
        }
    }

    private static void sleep(HttpExchange exchange) throws IOException {
        String query = exchange.getRequestURI().getQuery();
        long ms;
        try {
            ms = query != null && query.startsWith("ms=") ? Long.parseLong(query.substring(3)) : -1;
        } catch (NumberFormatException e) {
            ms = -1;
        }
        if (ms < 0 || ms > MAX_SLEEP.toMillis()) {
            send(exchange, 400, "expected ?ms=N with 0 <= N <= " + MAX_SLEEP.toMillis() + "\n");
            return;
        }
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            send(exchange, 503, "interrupted\n");
            return;
        }
        send(exchange, 200, "slept " + ms + " ms\n");
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }
}
