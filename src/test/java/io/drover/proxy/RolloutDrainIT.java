package io.drover.proxy;

import io.drover.api.service.ServiceCidr;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.drover.testing.TempDirs;
import io.drover.server.ServerOptions;
import io.drover.testing.TestCluster;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Issue #6's zero failed requests, end to end: a real server whose node agent runs {@code drover
 * demo-app} replicas (no preStop hook) and whose service proxy serves the Service's ClusterIP; a
 * rolling update under a continuous request loop through the ClusterIP fails no request, because the
 * agent stops a replaced pod only once the proxy has acknowledged that it no longer sends it new
 * connections.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
@TestInstance(TestInstance.Lifecycle.PER_CLASS) // one cluster per class, options chosen by the class
class RolloutDrainIT {
    private static final String CIDR = ServiceCidr.DEFAULT.toString();
    private static final Duration WAIT = Duration.ofSeconds(180);
    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final Path STRICT_APP = Path.of("bench/rollout-app.py").toAbsolutePath();
    private TestCluster cluster;
    private KubernetesClient client;

    @BeforeAll
    void startCluster() throws Exception {
        cluster = TestCluster.start(this::serverOptions);
        client = cluster.client();
    }

    /** The server's options for this class's cluster; a subclass runs the same tests on other ones. */
    ServerOptions serverOptions(ServerOptions defaults) {
        return defaults;
    }

    @AfterAll
    void stopCluster() {
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

    /** The demo app stops gracefully; one client thread also uses keep-alive connections. */
    @Test
    void aRollingUpdateOfFourReplicasUnderLoadFailsNoRequest() throws Exception {
        Deployment demo = deployment(new ContainerBuilder().withName("web").withCommand("drover", "demo-app")
                .addNewEnv().withName("VERSION").withValue("1").endEnv(), "/healthz");
        rollOutUnderLoad(demo, "{\"spec\":{\"template\":{\"spec\":{\"containers\":"
                + "[{\"name\":\"web\",\"env\":[{\"name\":\"VERSION\",\"value\":\"2\"}]}]}}}}", true);
    }

    /**
     * The strict app: it stops the way Tomcat does ({@code bench/rollout-app.py}: at SIGTERM it stops
     * accepting but keeps its socket open while it finishes, then exits), so a connection the proxy
     * gives an old pod after its SIGTERM is never answered, and the proxy's failover (which covers
     * refused connections) cannot save it. On one node the proxy in the server's JVM usually applies
     * a slice before the agent's SIGTERM even without the drain; {@link
     * #aPodGetsSigtermOnlyOnceEveryLiveProxyAppliedItsRemoval} pins the ordering down.
     */
    @Test
    void oldPodsGetNoConnectionAfterTheirSigterm() throws Exception {
        rollOutUnderLoad(strictApp("version 1"), "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":"
                + "\"web\",\"command\":" + strictAppCommand("version 2") + "}]}}}}", false);
    }

    /**
     * Every pod of the Service deleted at once (the replacements come from the ReplicaSet): while
     * the first old pods drain, the others are still listed ready, and a moment later none is.
     * Pods already signalled must not be where the proxy falls back to then: each stops serving
     * (not ready) before its SIGTERM, and the last one serves until a replacement is ready.
     */
    @Test
    void deletingEveryPodAtOnceFailsNoRequest() throws Exception {
        InetSocketAddress service = serve(strictApp("version 1"));
        for (int round = 0; round < 2; round++) {
            try (Load load = new Load(service, "version ", false)) {
                await().atMost(WAIT).until(() -> load.ok() >= 20);
                List<String> old = client.pods().inNamespace("default").withLabel("app", "web").list().getItems()
                        .stream().map(p -> p.getMetadata().getUid()).toList();
                client.pods().inNamespace("default").withLabel("app", "web").delete();
                await().atMost(WAIT).until(() -> readyPods().size() == 4
                        && readyPods().stream().noneMatch(p -> old.contains(p.getMetadata().getUid()))
                        && client.pods().inNamespace("default").withLabel("app", "web").list().getItems().size() == 4);
                int replaced = load.ok();
                await().atMost(WAIT).until(() -> load.ok() >= replaced + 20);
                load.stop();
                assertThat(unexplained(List.copyOf(load.failures), load.ok())).as("failed requests (of %s)", load.ok())
                        .isEmpty();
            }
        }
    }

    /**
     * The Deployment of the strict app ({@code bench/rollout-app.py}, which stops accepting at
     * SIGTERM but keeps its socket), answering {@code body}; the test is skipped without python3.
     */
    private static Deployment strictApp(String body) {
        Assumptions.assumeTrue(Files.isExecutable(PYTHON), "needs " + PYTHON);
        return deployment(new ContainerBuilder().withName("web").withCommand(PYTHON.toString(), STRICT_APP.toString(),
                "$(PORT)", body), "/");
    }

    /** The strict app's command answering {@code body}, as a JSON array. */
    private static String strictAppCommand(String body) {
        return "[\"" + PYTHON + "\",\"" + STRICT_APP + "\",\"$(PORT)\",\"" + body + "\"]";
    }

    /** Creates the Service and {@code deployment}; the Service's address once its 4 pods answer "version 1". */
    private InetSocketAddress serve(Deployment deployment) throws Exception {
        client.services().inNamespace("default").resource(new ServiceBuilder().withNewMetadata().withName("web")
                .endMetadata().withNewSpec().addToSelector("app", "web").addNewPort().withName("http").withPort(8080)
                .withTargetPort(new IntOrString("http")).endPort().endSpec().build()).create();
        client.apps().deployments().inNamespace("default").resource(deployment).create();
        String clusterIp = client.services().inNamespace("default").withName("web").get().getSpec().getClusterIP();
        // Rootless (no route could be added) the proxy serves the ClusterIP's 127.x twin.
        InetSocketAddress service = new InetSocketAddress(ServiceAddresses.routeExists(CIDR) ? clusterIp
                : "127" + clusterIp.substring(clusterIp.indexOf('.')), 8080);
        await().atMost(WAIT).ignoreExceptions().until(() -> readyPods().size() == 4
                && get(service).contains("version 1"));
        checkForwarding(clusterIp);
        return service;
    }

    /** Rolls {@code deployment}, whose pods answer "version 1", to {@code patch}, whose pods answer "version 2". */
    private void rollOutUnderLoad(Deployment deployment, String patch, boolean keepAlive) throws Exception {
        InetSocketAddress service = serve(deployment);
        assertThat(proxyLease().getMetadata().getAnnotations().get(AppliedRevisionLease.ANNOTATION))
                .as("the proxy publishes what it applied").matches("[0-9]+");

        try (Load load = new Load(service, "version ", keepAlive)) {
            await().atMost(WAIT).until(() -> load.ok() >= 20);
            client.apps().deployments().inNamespace("default").withName("web").patch(
                    PatchContext.of(PatchType.STRATEGIC_MERGE), patch);
            await().atMost(WAIT).until(() -> rolledOut() && load.answered("version 2"));
            int atRollout = load.ok();
            await().atMost(WAIT).until(() -> load.ok() >= atRollout + 20);
            load.stop();
            assertThat(unexplained(List.copyOf(load.failures), load.ok())).as("failed requests (of %s)", load.ok()).isEmpty();
            if (keepAlive) {
                assertThat(load.keepAliveOk.get()).as("keep-alive requests").isPositive();
            }
        }
    }

    /**
     * The failed requests of a rollout that this proxy mode has no excuse for: every one, with the
     * relay, which tries the next endpoint when a connect is refused.
     */
    List<String> unexplained(List<String> failures, int ok) {
        return failures;
    }

    /** What a subclass checks of how the proxy serves this ClusterIP (nothing here: the userspace relay). */
    void checkForwarding(String clusterIp) throws Exception {}

    /**
     * A second node's proxy that lags (its Lease written by the test) holds the SIGTERM of a deleted
     * pod until it acknowledges the revision that took the pod out of the Service, and a proxy that
     * never does holds it for {@link io.drover.agent.EndpointDrain}'s 5 s at most.
     */
    @Test
    void aPodGetsSigtermOnlyOnceEveryLiveProxyAppliedItsRemoval() throws Exception {
        Path dir = TempDirs.create("drover-drain");
        var leases = client.resources(Lease.class).inNamespace(AppliedRevisionLease.NAMESPACE);
        try {
            client.services().inNamespace("default").resource(new ServiceBuilder().withNewMetadata().withName("web")
                    .endMetadata().withNewSpec().addToSelector("app", "web").addNewPort().withName("http")
                    .withPort(8080).withTargetPort(new IntOrString("http")).endPort().endSpec().build()).create();
            // "stays" keeps the Service a ready endpoint, so only the lagging proxy holds the others.
            for (String name : List.of("acked", "never-acked", "stays")) {
                client.pods().inNamespace("default").resource(new PodBuilder().withNewMetadata().withName(name)
                        .addToLabels("app", "web").endMetadata().withNewSpec().withTerminationGracePeriodSeconds(30L)
                        .addNewContainer().withName("main").withCommand("sh", "-c", "trap 'echo > " + dir.resolve(name)
                                + "; exit 0' TERM; while true; do sleep 0.05; done")
                        .addNewPort().withName("http").withContainerPort(8080).endPort().endContainer().endSpec()
                        .build()).create();
            }
            await().atMost(WAIT).until(() -> client.discovery().v1().endpointSlices().inNamespace("default")
                    .withLabel("kubernetes.io/service-name", "web").list().getItems().stream()
                    .filter(s -> s.getEndpoints() != null).mapToLong(s -> s.getEndpoints().size()).sum() == 3);
            leases.resource(lagging(0)).create();

            client.pods().inNamespace("default").withName("acked").delete();
            await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3))
                    .until(() -> !Files.exists(dir.resolve("acked")));
            leases.withName("lagging-proxy").edit(l -> lagging(Long.MAX_VALUE / 2));
            await().atMost(Duration.ofSeconds(3)).until(() -> Files.exists(dir.resolve("acked")));

            leases.withName("lagging-proxy").edit(l -> lagging(0));
            Instant deleted = Instant.now();
            client.pods().inNamespace("default").withName("never-acked").delete();
            await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(dir.resolve("never-acked")));
            assertThat(Duration.between(deleted, Instant.now())).isBetween(Duration.ofSeconds(4),
                    Duration.ofSeconds(10));
        } finally {
            leases.withName("lagging-proxy").delete();
            TempDirs.delete(dir);
        }
    }

    /** The Lease of another node's proxy that has applied slices up to {@code revision}, renewed now. */
    private static Lease lagging(long revision) {
        return new LeaseBuilder().withNewMetadata().withName("lagging-proxy")
                .withNamespace(AppliedRevisionLease.NAMESPACE).addToLabels(AppliedRevisionLease.LABEL, "lagging")
                .addToAnnotations(AppliedRevisionLease.ANNOTATION, Long.toString(revision)).endMetadata()
                .withNewSpec().withHolderIdentity("lagging").withLeaseDurationSeconds(40)
                .withRenewTime(ZonedDateTime.now(ZoneOffset.UTC)).endSpec().build();
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

    /** Four replicas of {@code container} on containerPort http with a readiness probe; no preStop hook. */
    private static Deployment deployment(ContainerBuilder container, String readinessPath) {
        return new DeploymentBuilder().withNewMetadata().withName("web").endMetadata()
                .withNewSpec().withReplicas(4).withNewSelector().addToMatchLabels("app", "web").endSelector()
                .withNewTemplate().withNewMetadata().addToLabels("app", "web").endMetadata()
                .withNewSpec().withTerminationGracePeriodSeconds(10L)
                .addToContainers(container
                .addNewPort().withName("http").withContainerPort(8080).endPort()
                .withNewReadinessProbe().withNewHttpGet().withPath(readinessPath).withPort(new IntOrString("http"))
                .endHttpGet().withPeriodSeconds(1).endReadinessProbe().build())
                .endSpec().endTemplate().endSpec().build();
    }

    private List<Pod> readyPods() {
        return client.pods().inNamespace("default").withLabel("app", "web").list().getItems().stream()
                .filter(p -> p.getMetadata().getDeletionTimestamp() == null && p.getStatus().getConditions() != null
                        && p.getStatus().getConditions().stream().anyMatch(
                                c -> c.getType().equals("Ready") && c.getStatus().equals("True")))
                .toList();
    }

    private boolean rolledOut() {
        Deployment d = client.apps().deployments().inNamespace("default").withName("web").get();
        var status = d.getStatus();
        return status != null && d.getMetadata().getGeneration().equals(status.getObservedGeneration())
                && Integer.valueOf(4).equals(status.getUpdatedReplicas())
                && Integer.valueOf(4).equals(status.getReplicas())
                && Integer.valueOf(4).equals(status.getAvailableReplicas())
                && client.pods().inNamespace("default").withLabel("app", "web").list().getItems().size() == 4;
    }

    private static boolean running(Pod pod) {
        return pod != null && pod.getStatus() != null && pod.getStatus().getContainerStatuses() != null
                && pod.getStatus().getContainerStatuses().stream().allMatch(s -> s.getState().getRunning() != null);
    }

    private Lease proxyLease() {
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
     * Client threads in a loop: four with a fresh connection per request, and optionally one on the
     * JDK client's keep-alive connections. Any request without a 200 answer that contains {@code
     * marker} is a failure.
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

        private final String marker;

        Load(InetSocketAddress service, String marker, boolean keepAlive) {
            this.marker = marker;
            for (int i = 0; i < 4; i++) {
                threads.add(Thread.ofPlatform().name("load-" + i).start(() -> loop(() -> get(service), freshOk)));
            }
            if (!keepAlive) {
                return;
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
                    if (answer.matches("(?s)HTTP/1\\.[01] 200 .*") && answer.contains(marker)) {
                        counter.incrementAndGet();
                        recent.add(answer.substring(answer.indexOf(marker)).trim());
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
