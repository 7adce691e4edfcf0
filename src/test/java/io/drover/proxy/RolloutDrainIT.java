package io.drover.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.drover.testing.TestCluster;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue #6's zero failed requests, end to end: a real server whose node agent runs {@code drover
 * demo-app} replicas (no preStop hook) and whose service proxy serves the Service's ClusterIP; a
 * rolling update under a continuous request loop through the ClusterIP fails no request, because the
 * agent stops a replaced pod only once the proxy has acknowledged that it no longer sends it new
 * connections.
 */
class RolloutDrainIT {
    private static final String CIDR = ServiceProxy.Settings.DEFAULT_SERVICE_CIDR;
    private static final Duration WAIT = Duration.ofSeconds(180);
    private static TestCluster cluster;
    private static KubernetesClient client;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = TestCluster.start();
        client = cluster.client();
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
            // Every demo-app JVM runs the launcher the agent wrote into the data dir.
            String dataDir = cluster.dataDir().toString();
            assertThat(ProcessHandle.allProcesses().filter(p -> p.info().commandLine()
                    .map(c -> c.contains(dataDir)).orElse(false))).as("processes left").isEmpty();
        }
    }

    @AfterEach
    void deleteEverything() {
        client.apps().deployments().inNamespace("default").delete();
        client.services().inNamespace("default").withName("web").delete();
        client.pods().inNamespace("default").withGracePeriod(0).delete();
        await().atMost(WAIT).until(() -> client.pods().inNamespace("default").list().getItems().isEmpty());
    }

    @Test
    void aRollingUpdateOfFourReplicasUnderLoadFailsNoRequest() throws Exception {
        client.services().inNamespace("default").resource(new ServiceBuilder().withNewMetadata().withName("web")
                .endMetadata().withNewSpec().addToSelector("app", "web").addNewPort().withName("http").withPort(8080)
                .withTargetPort(new IntOrString("http")).endPort().endSpec().build()).create();
        client.apps().deployments().inNamespace("default").resource(deployment()).create();
        String clusterIp = client.services().inNamespace("default").withName("web").get().getSpec().getClusterIP();
        // Rootless (no route could be added) the proxy serves the ClusterIP's 127.x twin.
        InetSocketAddress service = new InetSocketAddress(ServiceAddresses.routeExists(CIDR) ? clusterIp
                : "127" + clusterIp.substring(clusterIp.indexOf('.')), 8080);
        await().atMost(WAIT).ignoreExceptions().until(() -> readyPods().size() == 4
                && get(service).contains("(version 1)"));
        assertThat(proxyLease().getMetadata().getAnnotations().get(AppliedRevisionLease.ANNOTATION))
                .as("the proxy publishes what it applied").matches("[0-9]+");

        try (Load load = new Load(service)) {
            await().atMost(WAIT).until(() -> load.ok() >= 20);
            client.apps().deployments().inNamespace("default").withName("web").patch(
                    PatchContext.of(PatchType.STRATEGIC_MERGE), "{\"spec\":{\"template\":{\"spec\":{\"containers\":"
                            + "[{\"name\":\"web\",\"env\":[{\"name\":\"VERSION\",\"value\":\"2\"}]}]}}}}");
            await().atMost(WAIT).until(() -> rolledOut() && load.answered("(version 2)"));
            int atRollout = load.ok();
            await().atMost(WAIT).until(() -> load.ok() >= atRollout + 20);
            load.stop();
            assertThat(load.failures).as("failed requests (of %s)", load.ok()).isEmpty();
            assertThat(load.keepAliveOk.get()).as("keep-alive requests").isPositive();
        }
    }

    @Test
    void aPodBehindNoServiceIsStoppedAtOnce() {
        client.pods().inNamespace("default").resource(new PodBuilder().withNewMetadata().withName("plain")
                .addToLabels("app", "plain").endMetadata().withNewSpec().withTerminationGracePeriodSeconds(30L)
                .addNewContainer().withName("main").withCommand("sleep", "1000").endContainer().endSpec().build())
                .create();
        await().atMost(WAIT).until(() -> running(client.pods().inNamespace("default").withName("plain").get()));

        Instant deleted = Instant.now();
        client.pods().inNamespace("default").withName("plain").delete();
        await().atMost(WAIT).until(() -> client.pods().inNamespace("default").withName("plain").get() == null);
        // sleep ends at SIGTERM; a drain would have held it EndpointDrain.MAX_WAIT (5 s).
        assertThat(Duration.between(deleted, Instant.now())).isLessThan(Duration.ofSeconds(4));
    }

    private static Deployment deployment() {
        return new DeploymentBuilder().withNewMetadata().withName("web").endMetadata()
                .withNewSpec().withReplicas(4).withNewSelector().addToMatchLabels("app", "web").endSelector()
                .withNewTemplate().withNewMetadata().addToLabels("app", "web").endMetadata()
                .withNewSpec().withTerminationGracePeriodSeconds(10L)
                .addNewContainer().withName("web").withCommand("drover", "demo-app")
                .addNewEnv().withName("VERSION").withValue("1").endEnv()
                .addNewPort().withName("http").withContainerPort(8080).endPort()
                .withNewReadinessProbe().withNewHttpGet().withPath("/healthz").withPort(new IntOrString("http"))
                .endHttpGet().withPeriodSeconds(1).endReadinessProbe()
                .endContainer().endSpec().endTemplate().endSpec().build();
    }

    private static List<Pod> readyPods() {
        return client.pods().inNamespace("default").withLabel("app", "web").list().getItems().stream()
                .filter(p -> p.getMetadata().getDeletionTimestamp() == null && p.getStatus().getConditions() != null
                        && p.getStatus().getConditions().stream().anyMatch(
                                c -> c.getType().equals("Ready") && c.getStatus().equals("True")))
                .toList();
    }

    private static boolean rolledOut() {
        Deployment d = client.apps().deployments().inNamespace("default").withName("web").get();
        var status = d.getStatus();
        return status != null && d.getMetadata().getGeneration().equals(status.getObservedGeneration())
                && Integer.valueOf(4).equals(status.getUpdatedReplicas())
                && Integer.valueOf(4).equals(status.getReplicas())
                && Integer.valueOf(4).equals(status.getAvailableReplicas())
                && client.pods().inNamespace("default").withLabel("app", "web").list().getItems().size() == 4;
    }

    private static boolean running(Pod pod) {
        return pod != null && pod.getStatus().getContainerStatuses() != null
                && pod.getStatus().getContainerStatuses().stream().allMatch(s -> s.getState().getRunning() != null);
    }

    private static Lease proxyLease() {
        return client.resources(Lease.class).inNamespace(AppliedRevisionLease.NAMESPACE)
                .withName(AppliedRevisionLease.name(cluster.server().nodeName())).get();
    }

    /** GET / on a connection of its own: every request is a new proxied connection. */
    private static String get(InetSocketAddress address) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(address, 5000);
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: web\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            try (InputStream in = socket.getInputStream()) {
                return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            }
        }
    }

    /**
     * Client threads in a loop: four with a fresh connection per request, one on the JDK client's
     * keep-alive connections. Any request without a 200 "Hello from" answer is a failure.
     */
    private static final class Load implements AutoCloseable {
        final AtomicInteger freshOk = new AtomicInteger();
        final AtomicInteger keepAliveOk = new AtomicInteger();
        final Queue<String> failures = new ConcurrentLinkedQueue<>();
        private final Queue<String> recent = new ConcurrentLinkedQueue<>();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final List<Thread> threads = new ArrayList<>();
        private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();

        Load(InetSocketAddress service) {
            for (int i = 0; i < 4; i++) {
                threads.add(Thread.ofPlatform().name("load-" + i).start(() -> loop(() -> get(service), freshOk)));
            }
            URI uri = URI.create("http://" + service.getHostString() + ":" + service.getPort() + "/");
            threads.add(Thread.ofPlatform().name("load-keepalive").start(() -> loop(() -> {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                        .build(), HttpResponse.BodyHandlers.ofString());
                return "HTTP/1.1 " + r.statusCode() + " \r\n\r\n" + r.body();
            }, keepAliveOk)));
        }

        private interface Request {
            String send() throws Exception;
        }

        private void loop(Request request, AtomicInteger counter) {
            while (running.get()) {
                try {
                    String answer = request.send();
                    if (answer.startsWith("HTTP/1.1 200 ") && answer.contains("Hello from")) {
                        counter.incrementAndGet();
                        recent.add(answer.substring(answer.indexOf("Hello from")).trim());
                        if (recent.size() > 50) {
                            recent.poll();
                        }
                    } else {
                        failures.add(Thread.currentThread().getName() + ": " + answer);
                    }
                } catch (Exception e) {
                    failures.add(Thread.currentThread().getName() + ": " + e);
                }
            }
        }

        int ok() {
            return freshOk.get() + keepAliveOk.get();
        }

        /** Whether a recent answer contains {@code text}. */
        boolean answered(String text) {
            return recent.stream().anyMatch(a -> a.contains(text));
        }

        void stop() throws InterruptedException {
            running.set(false);
            for (Thread t : threads) {
                t.join();
            }
        }

        @Override
        public void close() throws InterruptedException {
            stop();
            http.close();
        }
    }
}
