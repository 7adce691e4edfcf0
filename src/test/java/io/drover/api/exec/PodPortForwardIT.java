package io.drover.api.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.drover.testing.Kubectl;
import io.drover.testing.Requirements;
import io.drover.testing.TempDirs;
import io.drover.testing.TestCluster;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.LocalPortForward;
import io.fabric8.kubernetes.client.readiness.Readiness;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * pods/portforward end to end: the API server relays to the node agent's endpoint, which connects
 * to a real pod (a JDK echo server on the host port its containerPort was given), driven by the
 * fabric8 client (WebSocket channel protocol) and by kubectl (SPDY tunnelled in a WebSocket).
 */
class PodPortForwardIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int CONTAINER_PORT = 7000;
    /** Echoes every connection's bytes back and half-closes once the client has. */
    private static final String ECHO = """
            import java.io.IOException;
            import java.net.ServerSocket;
            import java.net.Socket;

            public class Echo {
                public static void main(String[] args) throws Exception {
                    try (ServerSocket server = new ServerSocket(Integer.parseInt(System.getenv("PORT")))) {
                        while (true) {
                            Socket s = server.accept();
                            Thread.ofVirtual().start(() -> {
                                try (s) {
                                    s.getInputStream().transferTo(s.getOutputStream());
                                    s.shutdownOutput();
                                } catch (IOException e) {
                                    // the client went away
                                }
                            });
                        }
                    }
                }
            }
            """;

    /** Each socket end blocks, so each gets a thread of its own (the common pool may have only one). */
    private static final ExecutorService THREADS = Executors.newVirtualThreadPerTaskExecutor();

    private static TestCluster cluster;
    private static KubernetesClient client;
    private static Path dir;

    @BeforeAll
    static void start() throws Exception {
        dir = TempDirs.create("drover-port-forward");
        Files.writeString(dir.resolve("Echo.java"), ECHO);
        cluster = TestCluster.start();
        client = cluster.client();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Pod echo = new PodBuilder().withNewMetadata().withName("echo").endMetadata()
                .withNewSpec().withTerminationGracePeriodSeconds(1L).addNewContainer().withName("app")
                .withImage("process")
                .withCommand(java, "-Xmx32m", "-XX:TieredStopAtLevel=1", dir.resolve("Echo.java").toString())
                .addNewPort().withName("echo").withContainerPort(CONTAINER_PORT).endPort()
                .withNewReadinessProbe().withNewTcpSocket().withPort(new IntOrString("echo")).endTcpSocket()
                .withPeriodSeconds(1).endReadinessProbe()
                .endContainer().endSpec().build();
        client.pods().inNamespace("default").resource(echo).create();
        client.pods().inNamespace("default").resource(new PodBuilder().withNewMetadata().withName("unscheduled")
                .endMetadata().withNewSpec().addToNodeSelector("no-such-label", "x").addNewContainer().withName("app")
                .withImage("process").withCommand("sleep", "1").endContainer().endSpec().build()).create();
        await().atMost(WAIT).until(() -> Readiness.isPodReady(client.pods().inNamespace("default").withName("echo").get()));
    }

    @AfterAll
    static void stop() {
        try {
            if (cluster != null) {
                client.pods().inNamespace("default").withGracePeriod(0).delete();
                await().atMost(WAIT).until(() -> client.pods().inNamespace("default").list().getItems().isEmpty());
                cluster.close();
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> ProcessHandle.allProcesses().noneMatch(p -> p.info()
                    .commandLine().map(c -> c.contains(dir.toString())).orElse(false)));
        } finally {
            TempDirs.delete(dir);
        }
    }

    @Test
    void fabric8ForwardsConnectionsToTheContainerPort() throws Exception {
        try (LocalPortForward forward = client.pods().inNamespace("default").withName("echo").portForward(CONTAINER_PORT)) {
            for (int i = 0; i < 2; i++) {
                byte[] data = randomBytes(256 * 1024, i);
                try (Socket socket = new Socket("127.0.0.1", forward.getLocalPort())) {
                    socket.setSoTimeout(30_000);
                    CompletableFuture<Void> written = CompletableFuture.runAsync(() -> write(socket, data, false), THREADS);
                    assertThat(socket.getInputStream().readNBytes(data.length)).isEqualTo(data);
                    written.get(30, TimeUnit.SECONDS);
                }
            }
            assertThat(forward.errorOccurred()).as("%s", forward.getServerThrowables()).isFalse();
        }
    }

    @Test
    void kubectlForwardsConcurrentConnectionsAndTheirEnds() throws Exception {
        Kubectl kubectl = kubectl();
        Process forward = kubectl.start("port-forward", "pod/echo", ":" + CONTAINER_PORT);
        try {
            int localPort = forwardedPort(forward);
            List<CompletableFuture<byte[]>> echoes = new ArrayList<>();
            List<byte[]> sent = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                byte[] data = randomBytes(1024 * 1024 + i, i);
                sent.add(data);
                echoes.add(CompletableFuture.supplyAsync(() -> echoUntilClosed(localPort, data), THREADS));
            }
            for (int i = 0; i < 3; i++) {
                assertThat(echoes.get(i).get(60, TimeUnit.SECONDS)).isEqualTo(sent.get(i));
            }
            assertThat(forward.isAlive()).isTrue();
        } finally {
            forward.destroy();
            forward.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void kubectlReportsAPortNothingListensOn() throws Exception {
        Process forward = kubectl().start("port-forward", "pod/echo", ":7999");
        try {
            int localPort = forwardedPort(forward, 7999);
            try (Socket socket = new Socket("127.0.0.1", localPort)) {
                socket.setSoTimeout(30_000);
                assertThat(socket.getInputStream().read()).isEqualTo(-1);
            }
            // kubectl 1.32 prints the node's error and gives up on the connection to the pod.
            assertThat(forward.waitFor(30, TimeUnit.SECONDS)).isTrue();
            String stderr = new String(forward.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(stderr).contains("an error occurred forwarding " + localPort + " -> 7999: error forwarding port "
                    + "7999 to pod default/echo").contains("failed to connect to localhost:7999");
        } finally {
            forward.destroy();
            forward.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void kubectlForcedOntoSpdyGetsAClearError() throws Exception {
        ProcessBuilder spdy = new ProcessBuilder(Requirements.kubectl().toString(), "--kubeconfig",
                cluster.server().kubeconfig().toString(), "port-forward", "pod/echo", ":" + CONTAINER_PORT)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        spdy.environment().put("KUBECTL_PORT_FORWARD_WEBSOCKETS", "false");
        Process kubectl = spdy.start();
        try {
            String stderr = new String(kubectl.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(kubectl.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(kubectl.exitValue()).isEqualTo(1);
            assertThat(stderr).contains("SPDY/3.1 is not supported; drover serves port-forward over WebSocket");
        } finally {
            kubectl.destroyForcibly();
        }
    }

    @Test
    void refusesAsKubeApiserverAndTheKubeletDo() throws Exception {
        HttpResponse<String> unscheduled = get("/api/v1/namespaces/default/pods/unscheduled/portforward?ports=80");
        assertThat(unscheduled.statusCode()).isEqualTo(400);
        assertThat(unscheduled.body()).contains("pod unscheduled does not have a host assigned");

        HttpResponse<String> missing = get("/api/v1/namespaces/default/pods/nosuch/portforward?ports=80");
        assertThat(missing.statusCode()).isEqualTo(404);

        HttpResponse<String> malformed = get("/api/v1/namespaces/default/pods/echo/portforward?ports=http");
        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(malformed.body()).contains("parsing \\\"http\\\": invalid syntax");

        HttpResponse<String> zero = get("/api/v1/namespaces/default/pods/echo/portforward?ports=0");
        assertThat(zero.statusCode()).isEqualTo(400);
        assertThat(zero.body()).contains("port \\\"0\\\" must be > 0");

        HttpResponse<String> plain = get("/api/v1/namespaces/default/pods/echo/portforward?ports=7000");
        assertThat(plain.statusCode()).isEqualTo(400);
        assertThat(plain.body()).contains("Upgrade request required");

        HttpResponse<String> anonymous = cluster.httpClient().send(HttpRequest.newBuilder(
                cluster.server().url().resolve("/api/v1/namespaces/default/pods/echo/portforward")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(anonymous.statusCode()).isEqualTo(401);
    }

    private static Kubectl kubectl() throws IOException {
        return new Kubectl(Requirements.kubectl(), cluster.server().kubeconfig(),
                Files.createDirectories(dir.resolve("kubectl-cache")));
    }

    private static int forwardedPort(Process kubectl) throws IOException {
        return forwardedPort(kubectl, CONTAINER_PORT);
    }

    /** The local port from kubectl's first line, {@code Forwarding from 127.0.0.1:<port> -> <remote>}. */
    private static int forwardedPort(Process kubectl, int remote) throws IOException {
        BufferedReader out = new BufferedReader(new InputStreamReader(kubectl.getInputStream(), StandardCharsets.UTF_8));
        String line = CompletableFuture.supplyAsync(() -> {
            try {
                return out.readLine();
            } catch (IOException e) {
                return null;
            }
        }, THREADS).completeOnTimeout(null, 60, TimeUnit.SECONDS).join();
        Matcher m = Pattern.compile("Forwarding from 127\\.0\\.0\\.1:(\\d+) -> " + remote).matcher(String.valueOf(line));
        assertThat(m.find()).as("kubectl printed: %s", line).isTrue();
        return Integer.parseInt(m.group(1));
    }

    /** Sends {@code data}, half-closes, and reads until the other side closes. */
    private static byte[] echoUntilClosed(int port, byte[] data) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(30_000);
            CompletableFuture<Void> written = CompletableFuture.runAsync(() -> write(socket, data, true), THREADS);
            byte[] back = socket.getInputStream().readAllBytes();
            written.get(30, TimeUnit.SECONDS);
            return back;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static void write(Socket socket, byte[] data, boolean halfClose) {
        try {
            socket.getOutputStream().write(data);
            socket.getOutputStream().flush();
            if (halfClose) {
                socket.shutdownOutput();
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static byte[] randomBytes(int size, long seed) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return data;
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return cluster.httpClient().send(HttpRequest.newBuilder(cluster.server().url().resolve(path))
                .header("Authorization", "Bearer " + cluster.token()).build(), HttpResponse.BodyHandlers.ofString());
    }
}
