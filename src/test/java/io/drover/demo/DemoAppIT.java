package io.drover.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code drover demo-app} as a real child process, the way a pod runs it. */
class DemoAppIT {
    private final List<Process> started = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @AfterEach
    void stopAll() throws InterruptedException {
        for (Process p : started) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void answersWithItsPodNameAndHealth() throws Exception {
        int port = freePort();
        start(Map.of("PORT", Integer.toString(port), "HOSTNAME", "hello-7d9f-x2x4q", "VERSION", "v2"));
        awaitListening(port);

        HttpResponse<String> hello = get(port, "/");
        assertThat(hello.statusCode()).isEqualTo(200);
        assertThat(hello.body()).isEqualTo("Hello from hello-7d9f-x2x4q (version v2)\n");
        assertThat(get(port, "/healthz").statusCode()).isEqualTo(200);
        assertThat(get(port, "/nothing").statusCode()).isEqualTo(404);
        assertThat(get(port, "/sleep?ms=x").statusCode()).isEqualTo(400);
        HttpResponse<String> post = http.send(HttpRequest.newBuilder(uri(port, "/"))
                .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(405);
    }

    @Test
    void podNameComesBeforeHostName() throws Exception {
        int port = freePort();
        start(Map.of("PORT", Integer.toString(port), "POD_NAME", "from-downward-api", "HOSTNAME", "host"));
        awaitListening(port);
        assertThat(get(port, "/").body()).isEqualTo("Hello from from-downward-api\n");
    }

    @Test
    void sigtermStopsAcceptingFinishesTheRequestInFlightAndExitsZero() throws Exception {
        int port = freePort();
        Process app = start(Map.of("PORT", Integer.toString(port), "HOSTNAME", "h"));
        awaitListening(port);
        try (Socket slow = new Socket("127.0.0.1", port)) {
            slow.getOutputStream().write(("GET /sleep?ms=3000 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            slow.getOutputStream().flush();
            // The server reads requests in arrival order on one dispatcher thread: once a request
            // sent later on another connection is answered, the slow one is being handled.
            assertThat(get(port, "/healthz").statusCode()).isEqualTo(200);

            app.destroy(); // SIGTERM
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> refused(port));
            assertThat(app.isAlive()).as("still serving the slow request after the listener closed").isTrue();

            slow.setSoTimeout(20_000);
            String answer = new String(slow.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(answer).startsWith("HTTP/1.1 200").endsWith("\r\n\r\nslept 3000 ms\n");
        }
        assertThat(app.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(app.exitValue()).isZero();
    }

    @Test
    void aKeptAliveConnectionGetsOneMoreAnswerThatClosesItAfterSigterm() throws Exception {
        int port = freePort();
        Process app = start(Map.of("PORT", Integer.toString(port), "HOSTNAME", "h"));
        awaitListening(port);
        try (Socket client = new Socket("127.0.0.1", port)) {
            client.setSoTimeout(10_000);
            var in = new java.io.BufferedInputStream(client.getInputStream());
            client.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(readResponse(in)).startsWith("HTTP/1.1 200").doesNotContainIgnoringCase("connection: close");

            app.destroy(); // SIGTERM, while the connection is idle
            Thread.sleep(200);
            client.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(readResponse(in)).startsWith("HTTP/1.1 200").containsIgnoringCase("connection: close")
                    .endsWith("Hello from h\n");
            assertThat(in.read()).as("closed after that answer").isEqualTo(-1);
        }
        assertThat(app.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(app.exitValue()).isZero();
    }

    /** One HTTP/1.1 response with a Content-Length body, read off a kept-alive connection. */
    private static String readResponse(java.io.InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new java.io.EOFException("connection closed after: " + head);
            }
            head.append((char) b);
        }
        int length = head.toString().lines().filter(l -> l.toLowerCase().startsWith("content-length:"))
                .map(l -> Integer.parseInt(l.substring(l.indexOf(':') + 1).trim())).findFirst().orElse(0);
        return head + new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }

    @Test
    void missingOrBadPortFailsWithAClearMessage() throws Exception {
        Process unset = start(Map.of());
        assertThat(unset.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(unset.exitValue()).isEqualTo(1);
        assertThat(output(unset)).contains("drover: demo-app: PORT is not set");

        Process bad = start(Map.of("PORT", "70000"));
        assertThat(bad.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(bad.exitValue()).isEqualTo(1);
        assertThat(output(bad)).contains("drover: demo-app: PORT: 70000 (expected: a port number 1-65535)");
    }

    private Process start(Map<String, String> env) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"),
                "-cp", System.getProperty("java.class.path"), "io.drover.cli.Main", "demo-app")
                .redirectErrorStream(true);
        pb.environment().keySet().removeAll(List.of("PORT", "POD_NAME", "HOSTNAME", "VERSION"));
        pb.environment().putAll(env);
        Process p = pb.start();
        started.add(p);
        return p;
    }

    private static String output(Process p) throws IOException {
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    private HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri(port, path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static URI uri(int port, String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private static void awaitListening(int port) {
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
                .until(() -> !refused(port));
    }

    private static boolean refused(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return false;
        } catch (ConnectException e) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
