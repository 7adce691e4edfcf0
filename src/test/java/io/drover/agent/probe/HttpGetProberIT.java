package io.drover.agent.probe;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.HTTPGetActionBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The httpGet handler against a real HTTP server on loopback. */
class HttpGetProberIT {
    private HttpServer server;
    private int port;
    private final Map<String, String> seen = new ConcurrentHashMap<>();
    private final CountDownLatch release = new CountDownLatch(1);
    private final Pod pod = new PodBuilder().withNewMetadata().withName("p").withNamespace("default").withUid("u")
            .endMetadata().build();

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        server.createContext("/ok", e -> {
            seen.put("User-Agent", String.valueOf(e.getRequestHeaders().getFirst("User-Agent")));
            seen.put("Accept", String.valueOf(e.getRequestHeaders().getFirst("Accept")));
            seen.put("Host", String.valueOf(e.getRequestHeaders().getFirst("Host")));
            seen.put("X-Custom", String.valueOf(e.getRequestHeaders().getFirst("X-Custom")));
            respond(e, 200, "fine");
        });
        server.createContext("/broken", e -> respond(e, 503, "secret details"));
        server.createContext("/here", e -> redirect(e, "/ok"));
        server.createContext("/elsewhere", e -> redirect(e, "http://other.invalid:1/ok"));
        server.createContext("/loop", e -> redirect(e, "/loop"));
        server.createContext("/slow", e -> {
            try {
                release.await();
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
            respond(e, 200, "late");
        });
        server.start();
        port = server.getAddress().getPort();
    }

    @AfterEach
    void stopServer() {
        release.countDown();
        server.stop(0);
    }

    private static void respond(HttpExchange e, int code, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        e.sendResponseHeaders(code, bytes.length);
        try (OutputStream out = e.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static void redirect(HttpExchange e, String location) throws IOException {
        e.getResponseHeaders().add("Location", location);
        respond(e, 302, "moved");
    }

    private ProbeResult probe(HTTPGetAction action, Duration timeout) {
        Container c = new ContainerBuilder().withName("main").addNewPort().withName("web").withContainerPort(port)
                .endPort().build();
        ProbeTarget target = new ProbeTarget(pod, c, new ContainerInstance("i", Instant.now(), new io.drover.agent.runtime.TaskHandle("process", "t", 1, 1, Map.of())),
                "127.0.0.1");
        return new HttpGetProber(ProbePorts.containerPorts()).probe(target, action, timeout);
    }

    private HTTPGetAction get(String path) {
        return new HTTPGetActionBuilder().withPath(path).withPort(new IntOrString("web")).build();
    }

    @Test
    void passesOn2xxWithKubeletsHeadersAndThePortByName() {
        ProbeResult result = probe(new HTTPGetActionBuilder(get("/ok")).addNewHttpHeader().withName("X-Custom")
                .withValue("1").endHttpHeader().build(), Duration.ofSeconds(5));
        assertThat(result).isEqualTo(ProbeResult.success("fine"));
        assertThat(seen).containsEntry("User-Agent", "kube-probe/1.32").containsEntry("Accept", "*/*")
                .containsEntry("Host", "127.0.0.1:" + port).containsEntry("X-Custom", "1");
    }

    @Test
    void theProbesHostHeaderWins() {
        probe(new HTTPGetActionBuilder(get("/ok")).addNewHttpHeader().withName("Host").withValue("example.com")
                .endHttpHeader().build(), Duration.ofSeconds(5));
        assertThat(seen).containsEntry("Host", "example.com");
    }

    @Test
    void failsOnAnErrorStatusWithoutTheBody() {
        assertThat(probe(get("/broken"), Duration.ofSeconds(5)))
                .isEqualTo(ProbeResult.failure("HTTP probe failed with statuscode: 503"));
    }

    @Test
    void followsRedirectsOnTheSameHostOnly() {
        assertThat(probe(get("/here"), Duration.ofSeconds(5))).isEqualTo(ProbeResult.success("fine"));
        assertThat(probe(get("/elsewhere"), Duration.ofSeconds(5)))
                .isEqualTo(ProbeResult.warning("Probe terminated redirects, Response body: moved"));
        assertThat(probe(get("/loop"), Duration.ofSeconds(5)).output()).endsWith("stopped after 10 redirects");
    }

    @Test
    void failsWhenTheAnswerIsLate() {
        assertThat(probe(get("/slow"), Duration.ofMillis(300)))
                .isEqualTo(ProbeResult.failure("Get \"http://127.0.0.1:" + port + "/slow\": context deadline exceeded"
                        + " (Client.Timeout exceeded while awaiting headers)"));
    }

    @Test
    void failsWhenNothingListens() throws IOException {
        int closed;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort();
        }
        HTTPGetAction action = new HTTPGetActionBuilder().withPath("/ok").withPort(new IntOrString(closed)).build();
        assertThat(probe(action, Duration.ofSeconds(5))).isEqualTo(ProbeResult.failure("Get \"http://127.0.0.1:"
                + closed + "/ok\": dial tcp 127.0.0.1:" + closed + ": connect: connection refused"));
    }

    @Test
    void anHttpsProbeOfAPlainHttpServerFailsWithGosMessage() throws Exception {
        try (java.net.ServerSocket plain = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            // What a plain HTTP server answers a TLS ClientHello with.
            Thread server = Thread.ofVirtual().start(() -> {
                try (java.net.Socket s = plain.accept()) {
                    s.getInputStream().read(new byte[512]);
                    s.getOutputStream().write("HTTP/1.0 400 Bad Request\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                } catch (IOException e) {
                    // the probe went away
                }
            });
            HTTPGetAction action = new HTTPGetActionBuilder().withScheme("HTTPS").withPath("/ok")
                    .withPort(new IntOrString(plain.getLocalPort())).build();

            assertThat(probe(action, Duration.ofSeconds(5))).isEqualTo(ProbeResult.failure("Get \"https://127.0.0.1:"
                    + plain.getLocalPort() + "/ok\": http: server gave HTTP response to HTTPS client"));
            server.join();
        }
    }

    @Test
    void anUnknownPortNameIsAnErrorNotAFailure() {
        ProbeResult result = probe(new HTTPGetActionBuilder(get("/ok")).withPort(new IntOrString("nope")).build(),
                Duration.ofSeconds(1));
        assertThat(result.outcome()).isEqualTo(ProbeResult.Outcome.ERROR);
        assertThat(result.output()).isEqualTo("couldn't find port: nope in container main");
    }
}
