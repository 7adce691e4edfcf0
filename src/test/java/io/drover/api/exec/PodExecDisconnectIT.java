package io.drover.api.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.drover.testing.TempDirs;
import io.drover.testing.TestCluster;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.ExecWatch;
import io.fabric8.kubernetes.client.dsl.PodResource;
import io.fabric8.kubernetes.client.readiness.Readiness;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A client that closes its exec connection before the command ends, end to end (fabric8, the API
 * server's relay, the node agent, a process pod): the command's input ends and it runs on, as
 * under containerd, until it ends or its container stops. fabric8's uploads rely on it (fuzz
 * round 20: they failed at random while a disconnect killed the command).
 */
class PodExecDisconnectIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String NS = "default";

    private static TestCluster cluster;
    private static KubernetesClient client;
    private static Path dir;

    @BeforeAll
    static void start() throws Exception {
        dir = TempDirs.create("drover-exec-disconnect");
        cluster = TestCluster.start();
        client = cluster.client();
        createPod("target");
    }

    private static void createPod(String name) {
        Pod pod = new PodBuilder().withNewMetadata().withName(name).endMetadata()
                .withNewSpec().withTerminationGracePeriodSeconds(1L).addNewContainer().withName("app")
                .withImage("process").withCommand("sleep", "3600").endContainer().endSpec().build();
        client.pods().inNamespace(NS).resource(pod).create();
        await().atMost(WAIT).until(() -> Readiness.isPodReady(client.pods().inNamespace(NS).withName(name).get()));
    }

    @AfterAll
    static void stop() {
        try {
            if (cluster != null) {
                client.pods().inNamespace(NS).withGracePeriod(0).delete();
                await().atMost(WAIT).until(() -> client.pods().inNamespace(NS).list().getItems().isEmpty());
                cluster.close();
            }
        } finally {
            TempDirs.delete(dir);
        }
    }

    private static PodResource pod(String name) {
        return client.pods().inNamespace(NS).withName(name);
    }

    @Test
    void aCommandWhoseClientClosedAfterWritingItsInputRunsToItsEnd() throws Exception {
        Path received = dir.resolve("received");
        Path after = dir.resolve("after");
        try (ExecWatch watch = pod("target").redirectingInput()
                .exec("sh", "-c", "cat > " + received + "; echo done > " + after)) {
            watch.getInput().write("the input".getBytes(StandardCharsets.UTF_8));
            watch.getInput().flush();
            await().atMost(WAIT).until(() -> Files.exists(received) && Files.readString(received).equals("the input"));
        } // closed without ending stdin: the close is the end of the input
        await().atMost(WAIT).until(() -> Files.exists(after));
        assertThat(Files.readString(after)).isEqualTo("done\n");
    }

    /**
     * Every byte a client sent before its close reaches the command, through the relay and the node. A raw JDK
     * WebSocket client (v4, no stdin-close signal) writes 200 kB in 8 kB messages, each after the last one was
     * written, and closes at once. fabric8's uploads end the same way, but are not used here: its JDK transport
     * sends a message while the last is still pending, which the JDK refuses ("Send pending"), so they fail in the
     * client whenever the socket's buffer fills.
     */
    @Test
    void everyByteWrittenBeforeTheClientsCloseReachesTheCommand() throws Exception {
        byte[] content = new byte[200_000];
        for (int i = 0; i < content.length; i++) {
            content[i] = (byte) (i * 31);
        }
        HttpClient http = cluster.httpClient();
        for (int i = 0; i < 5; i++) {
            Path received = dir.resolve("upload-" + i);
            Path after = dir.resolve("upload-done-" + i);
            WebSocket socket = http.newWebSocketBuilder().header("Authorization", "Bearer " + cluster.token())
                    .subprotocols("v4.channel.k8s.io")
                    .buildAsync(execUri("target", "cat > " + received + "; echo done > " + after),
                            new WebSocket.Listener() { })
                    .get(30, TimeUnit.SECONDS);
            for (int offset = 0; offset < content.length; offset += 8192) {
                int length = Math.min(8192, content.length - offset);
                ByteBuffer message = ByteBuffer.allocate(length + 1).put((byte) 0).put(content, offset, length).flip();
                socket.sendBinary(message, true).get(30, TimeUnit.SECONDS);
            }
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "").get(30, TimeUnit.SECONDS);
            await().atMost(WAIT).until(() -> Files.exists(after));
            assertThat(Files.readAllBytes(received)).as("upload %d", i).isEqualTo(content);
        }
    }

    private static URI execUri(String pod, String script) {
        return URI.create(cluster.server().url().toString().replaceFirst("^https", "wss") + "/api/v1/namespaces/" + NS
                + "/pods/" + pod + "/exec?command=sh&command=-c&command="
                + URLEncoder.encode(script, StandardCharsets.UTF_8) + "&stdin=true&stdout=true&stderr=true");
    }

    @Test
    void aCommandLeftRunningByItsClientIsKilledWithItsPod() throws Exception {
        createPod("doomed");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long sleeper;
        try (ExecWatch watch = pod("doomed").writingOutput(out).exec("sh", "-c", "echo $$; exec sleep 3599")) {
            await().atMost(WAIT).until(() -> out.toString(StandardCharsets.UTF_8).endsWith("\n"));
            sleeper = Long.parseLong(out.toString(StandardCharsets.UTF_8).trim());
        }
        // as kubectl exec -- sleep interrupted under containerd: it runs on, in the container
        await().during(Duration.ofSeconds(1)).atMost(WAIT).until(() -> !gone(sleeper));

        pod("doomed").delete();

        await().atMost(WAIT).until(() -> gone(sleeper));
        await().atMost(WAIT).until(() -> pod("doomed").get() == null);
    }

    /** Gone, or a zombie waiting for its reaper (it holds nothing and runs nothing). */
    private static boolean gone(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
        } catch (IOException e) {
            return true;
        }
    }
}
