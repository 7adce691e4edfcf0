package io.drover.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.drover.agent.server.KubeletServer;
import io.drover.api.security.ClusterCredentials;
import io.drover.controller.ApiClients;
import io.drover.testing.SharedCluster;
import io.drover.testing.TempDirs;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.LogWatch;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.ByteBuffer;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Flow;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** pods/log through the API server and the agent's kubelet endpoint, with real processes. */
class PodLogsIT {
    @RegisterExtension
    static final SharedCluster CLUSTER = new SharedCluster();

    @AfterEach
    void deletePods() {
        for (Pod pod : CLUSTER.client().pods().inNamespace("default").list().getItems()) {
            CLUSTER.client().pods().inNamespace("default").withName(pod.getMetadata().getName()).withGracePeriod(0).delete();
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> CLUSTER.client().pods().inNamespace("default").list()
                .getItems().isEmpty());
    }

    @Test
    void servesStdoutAndStderrWithTailTimestampsAndLimit() {
        create(pod("printer", "Never", "sh", "-c", "echo one; echo two >&2; echo three; sleep 1000"));
        var logs = CLUSTER.client().pods().inNamespace("default").withName("printer");
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> logsOf("printer").lines().count() == 3);
        assertThat(logs.getLog()).contains("one\n", "two\n", "three\n");
        assertThat(logs.tailingLines(1).getLog()).hasLineCount(1);
        assertThat(logs.limitBytes(2).getLog()).hasSize(2);
        String stamped = logs.usingTimestamps().getLog();
        assertThat(stamped.lines()).hasSize(3).allSatisfy(line -> {
            String[] parts = line.split(" ", 2);
            assertThat(Instant.parse(parts[0])).isBetween(Instant.now().minusSeconds(60), Instant.now());
            assertThat(parts[0]).hasSize(30);
        });
        assertThat(logs.sinceTime(Instant.now().plusSeconds(3600).toString()).getLog()).isEmpty();
    }

    @Test
    void aPodWithSeveralContainersNeedsAContainerName() throws Exception {
        CLUSTER.client().pods().inNamespace("default").resource(new PodBuilder().withNewMetadata().withName("two").endMetadata()
                .withNewSpec().withRuntimeClassName("process")
                .addNewContainer().withName("a").withCommand("sh", "-c", "echo from a; sleep 1000").endContainer()
                .addNewContainer().withName("b").withCommand("sh", "-c", "echo from b; sleep 1000").endContainer()
                .endSpec().build()).create();
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> CLUSTER.client().pods().inNamespace("default")
                .withName("two").inContainer("b").getLog().equals("from b\n"));
        assertThat(CLUSTER.client().pods().inNamespace("default").withName("two").inContainer("a").getLog()).isEqualTo("from a\n");

        HttpResponse<String> none = raw("/api/v1/namespaces/default/pods/two/log");
        assertThat(none.statusCode()).isEqualTo(400);
        assertThat(none.body()).contains("\"reason\":\"BadRequest\"",
                "a container name must be specified for pod two, choose one of: [a b]");
        HttpResponse<String> unknown = raw("/api/v1/namespaces/default/pods/two/log?container=c");
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(unknown.body()).contains("container c is not valid for pod two");
        HttpResponse<String> invalid = raw("/api/v1/namespaces/default/pods/two/log?container=a&tailLines=-1");
        assertThat(invalid.statusCode()).isEqualTo(422);
        assertThat(invalid.body()).contains("PodLogOptions \\\"two\\\" is invalid: tailLines: Invalid value: -1: "
                + "must be greater than or equal to 0");
        assertThat(raw("/api/v1/namespaces/default/pods/nope/log").statusCode()).isEqualTo(404);
    }

    @Test
    void theKubeletEndpointIsAdvertisedOnTheNodeAndWantsTheToken() throws Exception {
        var node = CLUSTER.client().nodes().withName(CLUSTER.cluster().server().nodeName()).get();
        int port = node.getStatus().getDaemonEndpoints().getKubeletEndpoint().getPort();
        String address = node.getStatus().getAddresses().stream().filter(a -> a.getType().equals("InternalIP"))
                .findFirst().orElseThrow().getAddress();
        URI uri = URI.create("https://" + address + ":" + port + "/containerLogs/default/nope/main");
        HttpResponse<String> anonymous = CLUSTER.cluster().httpClient().send(HttpRequest.newBuilder(uri).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(anonymous.statusCode()).isEqualTo(401);
        HttpResponse<String> wrong = CLUSTER.cluster().httpClient().send(HttpRequest.newBuilder(uri)
                .header("Authorization", "Bearer not-the-token").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(wrong.statusCode()).isEqualTo(401);
        HttpResponse<String> admitted = CLUSTER.cluster().httpClient().send(HttpRequest.newBuilder(uri)
                .header("Authorization", "Bearer " + CLUSTER.cluster().token()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(admitted.statusCode()).isEqualTo(404);
        assertThat(admitted.body()).contains("pod \"nope\" does not exist");
    }

    @Test
    void anUnscheduledPodHasNoHost() {
        create(new PodBuilder(pod("nowhere", "Never", "sleep", "1000")).editSpec()
                .withNodeSelector(java.util.Map.of("no-such", "node")).endSpec().build());
        assertThatThrownBy(() -> CLUSTER.client().pods().inNamespace("default").withName("nowhere").getLog())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(400);
                    assertThat(e.getMessage()).contains("pod nowhere does not have a host assigned");
                });
    }

    @Test
    void previousIsTheRunBeforeARestart() throws Exception {
        create(pod("restarts", "Always", "sh", "-c", "echo pid $$$$; sleep 1000"));
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> logsOf("restarts").startsWith("pid "));
        String first = logsOf("restarts");
        assertThatThrownBy(() -> CLUSTER.client().pods().inNamespace("default").withName("restarts").terminated().getLog())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(400);
                    assertThat(e.getMessage())
                            .contains("previous terminated container \"main\" in pod \"restarts\" not found");
                });
        long pid = Long.parseLong(first.trim().substring(4));
        new ProcessBuilder("kill", "-9", Long.toString(pid)).start().waitFor();
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
            ContainerStatus s = status("restarts");
            return s != null && s.getRestartCount() == 1 && s.getState().getRunning() != null
                    && logsOf("restarts").startsWith("pid ") && !logsOf("restarts").equals(first);
        });
        assertThat(CLUSTER.client().pods().inNamespace("default").withName("restarts").terminated().getLog()).isEqualTo(first);
    }

    @Test
    void followStreamsNewLinesAndEndsWithTheContainer() throws Exception {
        create(pod("ticker", "Never", "sh", "-c", "for i in 1 2 3 4 5; do echo tick $i; sleep 0.3; done"));
        await().atMost(Duration.ofSeconds(20)).until(() -> status("ticker") != null
                && status("ticker").getState().getRunning() != null);
        List<String> lines = new ArrayList<>();
        try (LogWatch watch = CLUSTER.client().pods().inNamespace("default").withName("ticker").watchLog();
                BufferedReader in = new BufferedReader(new InputStreamReader(watch.getOutput(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) { // ends when the container ends
                lines.add(line);
            }
        }
        assertThat(lines).containsExactly("tick 1", "tick 2", "tick 3", "tick 4", "tick 5");
    }

    @Test
    void aLargeLogComesInLargeBlocks() throws Exception {
        create(pod("counter", "Never", "sh", "-c", "seq 1 100000"));
        await().atMost(Duration.ofSeconds(30)).until(() -> status("counter") != null
                && status("counter").getState().getTerminated() != null);
        HttpRequest request = HttpRequest.newBuilder(URI.create(CLUSTER.cluster().server().url()
                        + "/api/v1/namespaces/default/pods/counter/log"))
                .header("Authorization", "Bearer " + CLUSTER.cluster().token()).timeout(Duration.ofSeconds(60)).build();
        BlockCounter counter = new BlockCounter();

        HttpResponse<byte[]> answer = CLUSTER.cluster().httpClient().send(request,
                HttpResponse.BodyHandlers.fromSubscriber(counter, BlockCounter::body));

        String expected = IntStream.rangeClosed(1, 100_000).mapToObj(i -> i + "\n").collect(Collectors.joining());
        assertThat(new String(answer.body(), StandardCharsets.UTF_8)).isEqualTo(expected);
        // A record or two per block (the kubelet's writes as they were, each flushed on) made it take seconds.
        assertThat(counter.blocks).isLessThan(expected.length() / 4096);
    }

    @Test
    void followSeesEachLineWhileTheContainerWaits() throws Exception {
        create(pod("slow", "Never", "sh", "-c", "echo first; sleep 2; echo second; sleep 1000"));
        await().atMost(Duration.ofSeconds(20)).until(() -> status("slow") != null
                && status("slow").getState().getRunning() != null);
        try (LogWatch watch = CLUSTER.client().pods().inNamespace("default").withName("slow").watchLog();
                BufferedReader in = new BufferedReader(new InputStreamReader(watch.getOutput(), StandardCharsets.UTF_8))) {
            var first = java.util.concurrent.CompletableFuture.supplyAsync(() -> readLine(in));
            assertThat(first.get(5, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("first");
            var second = java.util.concurrent.CompletableFuture.supplyAsync(() -> readLine(in));
            // Printed two seconds later, then the container waits: the line is not held back in a buffer.
            assertThat(second.get(5, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("second");
        }
    }

    private static String readLine(BufferedReader in) {
        try {
            return in.readLine();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Counts the blocks a response body arrives in. */
    private static final class BlockCounter implements Flow.Subscriber<List<ByteBuffer>> {
        private final java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        volatile int blocks;

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> item) {
            blocks++;
            for (ByteBuffer buffer : item) {
                byte[] b = new byte[buffer.remaining()];
                buffer.get(b);
                bytes.write(b, 0, b.length);
            }
        }

        @Override
        public void onError(Throwable throwable) {}

        @Override
        public void onComplete() {}

        byte[] body() {
            return bytes.toByteArray();
        }
    }

    @Test
    void abandonedFollowsDoNotStopTheServerAnswering() throws Exception {
        create(pod("chatty", "Never", "sh", "-c", "while true; do echo tick; sleep 0.1; done"));
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> logsOf("chatty").contains("tick"));
        for (int i = 0; i < 3; i++) {
            try (LogWatch watch = CLUSTER.client().pods().inNamespace("default").withName("chatty").watchLog()) {
                BufferedReader in = new BufferedReader(new InputStreamReader(watch.getOutput(), StandardCharsets.UTF_8));
                assertThat(in.readLine()).isEqualTo("tick");
            }
        }
        // The server still answers: abandoned streams did not use it up.
        assertThat(logsOf("chatty")).startsWith("tick\n");
    }

    @Test
    void logsContinueInTheSameRunAcrossAnAgentRestart() throws Exception {
        String node = "logs-restart-node";
        Path dataDir = TempDirs.create("drover-agent");
        NodeAgent agent = agent(node, dataDir);
        try {
            create(new PodBuilder(pod("counter", "Always", "sh", "-c",
                    "i=0; while true; do echo line $i; i=$((i+1)); sleep 0.1; done")).editSpec()
                    .withNodeName(node).endSpec().build());
            await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> logsOf("counter").lines().count() >= 5);
            agent.close();
            long seen = logsSoFar(dataDir);
            // The task keeps writing while no agent copies its output.
            await().atMost(Duration.ofSeconds(10)).until(() -> rawBytes(dataDir) > 0 && logsSoFar(dataDir) == seen);
            agent = agent(node, dataDir);
            await().atMost(Duration.ofSeconds(20)).ignoreExceptions()
                    .until(() -> logsOf("counter").lines().count() > seen + 5);
            List<String> lines = logsOf("counter").lines().toList();
            assertThat(lines).isEqualTo(IntStream.range(0, lines.size()).mapToObj(i -> "line " + i).toList());
            assertThat(status("counter").getRestartCount()).isZero();
            assertThat(Files.list(containerDir(dataDir)).map(p -> p.getFileName().toString()))
                    .filteredOn(n -> n.endsWith(".log")).containsExactly("0.log");
        } finally {
            // A graceful delete: the agent stops the task before the pod disappears.
            long pid = taskPid(dataDir);
            CLUSTER.client().pods().inNamespace("default").withName("counter").withGracePeriod(1).delete();
            try {
                await().atMost(Duration.ofSeconds(30)).until(() -> CLUSTER.client().pods().inNamespace("default")
                        .withName("counter").get() == null);
            } finally {
                agent.close();
                if (pid > 0 && ProcessHandle.of(pid).isPresent()) {
                    ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly); // the test failed midway
                }
                CLUSTER.client().pods().inNamespace("default").withName("counter").withGracePeriod(0).delete();
                CLUSTER.client().nodes().withName(node).delete();
                TempDirs.delete(dataDir);
            }
        }
    }

    private static long taskPid(Path dataDir) {
        try {
            return io.drover.agent.runtime.TaskHandle.fromJson(Files.readString(containerDir(dataDir)
                    .resolve("handle.json"))).pid();
        } catch (Exception | AssertionError e) {
            return -1;
        }
    }

    private static long logsSoFar(Path dataDir) throws Exception {
        return Files.readAllLines(containerDir(dataDir).resolve("0.log")).size();
    }

    private static long rawBytes(Path dataDir) throws Exception {
        Path raw = containerDir(dataDir).resolve("stdout.raw");
        String offsets = Files.readString(containerDir(dataDir).resolve("raw.offsets")).trim();
        return Files.size(raw) - Long.parseLong(offsets.split(" ")[0]);
    }

    private static Path containerDir(Path dataDir) throws Exception {
        try (var dirs = Files.list(dataDir.resolve("pods"))) {
            return dirs.filter(d -> d.getFileName().toString().startsWith("default_counter_")).findFirst()
                    .orElseThrow().resolve("main");
        }
    }

    private static NodeAgent agent(String node, Path dataDir) throws Exception {
        String ca = new String(Base64.getDecoder().decode(CLUSTER.client().getConfiguration().getCaCertData()),
                StandardCharsets.UTF_8);
        ClusterCredentials credentials = ClusterCredentials.loadOrCreate(CLUSTER.cluster().dataDir());
        return NodeAgent.start(ApiClients.connect(CLUSTER.cluster().server().url(), ca, CLUSTER.cluster().token(),
                io.drover.controller.ApiClients.Component.NODE_AGENT),
                CLUSTER.cluster().server().url(), new NodeAgent.Settings(node, dataDir, io.drover.agent.ports.PortRange.DEFAULT,
                        RestartBackoffPolicy.DEFAULT, new KubeletServer.Config(0, credentials.serverKeyStore(),
                        credentials.keyStorePassword(), credentials::isAdminToken), false));
    }

    private static String logsOf(String pod) {
        return CLUSTER.client().pods().inNamespace("default").withName(pod).getLog();
    }

    private static HttpResponse<String> raw(String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(CLUSTER.cluster().server().url() + path))
                .header("Authorization", "Bearer " + CLUSTER.cluster().token()).timeout(Duration.ofSeconds(20)).build();
        return CLUSTER.cluster().httpClient().send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static ContainerStatus status(String pod) {
        Pod p = CLUSTER.client().pods().inNamespace("default").withName(pod).get();
        if (p == null || p.getStatus() == null || p.getStatus().getContainerStatuses() == null
                || p.getStatus().getContainerStatuses().isEmpty()) {
            return null;
        }
        return p.getStatus().getContainerStatuses().get(0);
    }

    private static void create(Pod pod) {
        CLUSTER.client().pods().inNamespace("default").resource(pod).create();
    }

    private static Pod pod(String name, String restartPolicy, String... command) {
        return new PodBuilder().withNewMetadata().withName(name).endMetadata()
                .withNewSpec().withRuntimeClassName("process").withRestartPolicy(restartPolicy)
                .addNewContainer().withName("main").withCommand(command).endContainer().endSpec().build();
    }
}
