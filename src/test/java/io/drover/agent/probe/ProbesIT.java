package io.drover.agent.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.drover.testing.HealthServer;
import io.drover.testing.TempDirs;
import io.drover.testing.SharedCluster;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Probes run by the node agent of a real server against real processes. */
class ProbesIT {
    /** Generous: the test machine may be loaded, and a probe that times out fails. */
    private static final int PROBE_TIMEOUT = 5;
    @RegisterExtension
    static final SharedCluster CLUSTER = new SharedCluster();
    private Path dir;

    @BeforeEach
    void createDir() {
        dir = TempDirs.create("drover-probes");
    }

    @AfterEach
    void deletePods() {
        CLUSTER.deletePods("default");
        // Every process a pod of this test ran names this test's directory on its command line.
        await().atMost(Duration.ofSeconds(30)).until(() -> ProcessHandle.allProcesses().noneMatch(p -> p.info()
                .commandLine().map(c -> c.contains(dir.toString())).orElse(false)));
        TempDirs.delete(dir);
    }

    @Test
    void aFailingLivenessProbeRestartsTheContainer() throws Exception {
        Path healthy = Files.createFile(dir.resolve("healthy"));
        // The probe names the port; the agent resolves it to the host port allocated to it, which the
        // server learns from $(PORT_HTTP).
        Probe http = new ProbeBuilder().withNewHttpGet().withPath("/healthz").withPort(new IntOrString("http"))
                .endHttpGet().withPeriodSeconds(1).withTimeoutSeconds(PROBE_TIMEOUT).withFailureThreshold(2).build();
        Pod pod = create(new PodBuilder(pod("liveness", HealthServer.command("$(PORT_HTTP)", healthy)))
                .editSpec().editFirstContainer().addNewPort().withName("http").withContainerPort(8080).endPort()
                .withLivenessProbe(http)
                // The JVM takes a moment to listen: a startup probe holds liveness back until it does.
                .withStartupProbe(new ProbeBuilder(http).withFailureThreshold(60).build())
                .endContainer().endSpec().build());
        awaitPod("liveness", p -> ready(p) && status(p).getStarted());

        Files.delete(healthy);

        Pod restarted = awaitPod("liveness", p -> status(p).getRestartCount() >= 1);
        ContainerStatus status = status(restarted);
        assertThat(status.getLastState().getTerminated()).isNotNull();
        assertThat(status.getLastState().getTerminated().getExitCode()).isEqualTo(143); // the JVM ends on SIGTERM
        // One event per failed probe, folded into one Event's count as kubelet's recorder folds them.
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(events(pod))
                .anyMatch(e -> e.getType().equals("Warning") && e.getReason().equals("Unhealthy")
                        && e.getMessage().equals("Liveness probe failed: HTTP probe failed with statuscode: 500")
                        && e.getCount() != null && e.getCount() >= 2)
                .anyMatch(e -> e.getType().equals("Normal") && e.getReason().equals("Killing")
                        && e.getMessage().equals("Container main failed liveness probe, will be restarted")));
    }

    @Test
    void anExecReadinessProbeTogglesReady() throws Exception {
        Path flag = dir.resolve("ready");
        create(new PodBuilder(pod("readiness", List.of("sleep", "1000"))).editSpec().editFirstContainer()
                .withReadinessProbe(new ProbeBuilder().withNewExec().withCommand("test", "-f", flag.toString())
                        .endExec().withPeriodSeconds(1).withTimeoutSeconds(PROBE_TIMEOUT).withFailureThreshold(1).build())
                .endContainer().endSpec().build());

        Pod unready = awaitPod("readiness", p -> status(p) != null && status(p).getState().getRunning() != null
                && status(p).getStarted());
        assertThat(status(unready).getReady()).isFalse();
        PodCondition ready = condition(unready, "Ready");
        assertThat(ready.getStatus()).isEqualTo("False");
        assertThat(ready.getReason()).isEqualTo("ContainersNotReady");
        assertThat(ready.getMessage()).isEqualTo("containers with unready status: [main]");
        assertThat(condition(unready, "ContainersReady").getMessage())
                .isEqualTo("containers with unready status: [main]");

        Files.createFile(flag);
        Pod nowReady = awaitPod("readiness", ProbesIT::ready);
        assertThat(condition(nowReady, "ContainersReady").getStatus()).isEqualTo("True");
        assertThat(condition(nowReady, "Ready").getMessage()).isNull();

        Files.delete(flag);
        awaitPod("readiness", p -> !ready(p) && !status(p).getReady());

        Files.createFile(flag);
        Pod again = awaitPod("readiness", ProbesIT::ready);
        assertThat(status(again).getRestartCount()).as("readiness never restarts").isZero();
        assertThat(events(again)).anyMatch(e -> e.getReason().equals("Unhealthy")
                && e.getMessage().startsWith("Readiness probe failed: "));
    }

    @Test
    void aTcpSocketReadinessProbePassesOnlyWhereSomethingListens() throws Exception {
        // The listening pod uses its allocated host port (outside the ephemeral range): a port picked
        // from the ephemeral range could be taken as the source port of some client connection
        // before the server binds it.
        int closed = HealthServer.freePort();
        Path healthy = Files.createFile(dir.resolve("healthy"));
        create(new PodBuilder(pod("tcp-open", HealthServer.command("$(PORT_TCP)", healthy))).editSpec()
                .editFirstContainer().addNewPort().withName("tcp").withContainerPort(9000).endPort()
                .withReadinessProbe(new ProbeBuilder().withNewTcpSocket().withPort(new IntOrString("tcp"))
                        .endTcpSocket().withPeriodSeconds(1).withTimeoutSeconds(PROBE_TIMEOUT).build())
                .endContainer().endSpec().build());
        create(new PodBuilder(pod("tcp-closed", List.of("sleep", "1000"))).editSpec()
                .editFirstContainer().withReadinessProbe(new ProbeBuilder().withNewTcpSocket()
                        .withPort(new IntOrString(closed)).endTcpSocket().withPeriodSeconds(1).withTimeoutSeconds(PROBE_TIMEOUT).withFailureThreshold(1)
                        .build())
                .endContainer().endSpec().build());

        awaitPod("tcp-open", ProbesIT::ready);
        Pod closedPod = awaitPod("tcp-closed", p -> status(p) != null && status(p).getState().getRunning() != null);
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(events(closedPod))
                .anyMatch(e -> e.getReason().equals("Unhealthy") && e.getMessage().startsWith(
                        "Readiness probe failed: dial tcp ") && e.getMessage().endsWith(
                        ":" + closed + ": connect: connection refused")));
        assertThat(ready(CLUSTER.client().pods().inNamespace("default").withName("tcp-closed").get())).isFalse();
    }

    /**
     * A probe of a declared port goes to the pod's host port from the first probe on, never to the bare
     * containerPort on the host, where another process may listen (fuzz rounds 22 and 24: the first probe ran
     * from a pod object older than the record of its ports, and a pod whose process never listened went Ready).
     */
    @Test
    void aProbeOfADeclaredPortNeverReachesTheBareContainerPortOnTheHost() throws Exception {
        AtomicInteger connections = new AtomicInteger();
        AtomicBoolean everReady = new AtomicBoolean();
        try (ServerSocket bystander = new ServerSocket(0);
                Watch watch = CLUSTER.client().pods().inNamespace("default").withName("bystander-port")
                        .watch(new Watcher<Pod>() {
                            @Override
                            public void eventReceived(Action action, Pod pod) {
                                if (ready(pod)) {
                                    everReady.set(true);
                                }
                            }

                            @Override
                            public void onClose(WatcherException cause) {
                            }
                        })) {
            Thread.ofVirtual().start(() -> {
                while (!bystander.isClosed()) {
                    try (Socket ignored = bystander.accept()) {
                        connections.incrementAndGet();
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            create(new PodBuilder(pod("bystander-port", List.of("sleep", "1000"))).editSpec().editFirstContainer()
                    .addNewPort().withName("svc").withContainerPort(bystander.getLocalPort()).endPort()
                    .withReadinessProbe(new ProbeBuilder().withNewTcpSocket().withPort(new IntOrString("svc"))
                            .endTcpSocket().withPeriodSeconds(1).withTimeoutSeconds(PROBE_TIMEOUT)
                            .withFailureThreshold(1).build())
                    .endContainer().endSpec().build());

            Pod running = awaitPod("bystander-port", p -> status(p) != null && status(p).getState().getRunning() != null);
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(events(running))
                    .anyMatch(e -> e.getReason().equals("Unhealthy") && e.getCount() != null && e.getCount() >= 3));

            assertThat(connections.get()).as("probes that reached the host's port %d", bystander.getLocalPort())
                    .isZero();
            assertThat(everReady.get()).as("the pod was Ready once").isFalse();
            assertThat(events(running)).noneMatch(e -> e.getMessage().contains(":" + bystander.getLocalPort() + ":"));
        }
    }

    @Test
    void aStartupProbeHoldsLivenessBackUntilItPasses() throws Exception {
        Path started = dir.resolve("started");
        create(new PodBuilder(pod("startup", List.of("sleep", "1000"))).editSpec().editFirstContainer()
                .withStartupProbe(new ProbeBuilder().withNewExec().withCommand("test", "-f", started.toString())
                        .endExec().withPeriodSeconds(1).withTimeoutSeconds(PROBE_TIMEOUT).withFailureThreshold(120).build())
                .withLivenessProbe(new ProbeBuilder().withNewExec().withCommand("false").endExec()
                        .withPeriodSeconds(1).withTimeoutSeconds(PROBE_TIMEOUT).withFailureThreshold(1).build())
                .endContainer().endSpec().build());

        awaitPod("startup", p -> status(p) != null && status(p).getState().getRunning() != null);
        // The liveness probe always fails, but does not run before the container has started.
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(30)).until(() -> {
            ContainerStatus s = status(CLUSTER.client().pods().inNamespace("default").withName("startup").get());
            return s.getRestartCount() == 0 && !s.getStarted() && !s.getReady();
        });

        Files.createFile(started);

        Pod restarted = awaitPod("startup", p -> status(p).getRestartCount() >= 1);
        assertThat(events(restarted)).anyMatch(e -> e.getReason().equals("Killing")
                && e.getMessage().equals("Container main failed liveness probe, will be restarted"));
    }

    private static Pod create(Pod pod) {
        return CLUSTER.client().pods().inNamespace("default").resource(pod).create();
    }

    private Pod pod(String name, List<String> command) {
        return new PodBuilder().withNewMetadata().withName(name).endMetadata()
                .withNewSpec().withRuntimeClassName("process").withTerminationGracePeriodSeconds(5L)
                .addNewContainer().withName("main").withCommand(command)
                // Names the test's directory, so the teardown can tell this pod's processes.
                .addNewEnv().withName("TEST_DIR").withValue(dir.toString()).endEnv()
                .endContainer().endSpec().build();
    }

    private static Pod awaitPod(String name, Predicate<Pod> condition) {
        Pod[] found = new Pod[1];
        try {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
                found[0] = CLUSTER.client().pods().inNamespace("default").withName(name).get();
                return found[0] != null && found[0].getStatus() != null && condition.test(found[0]);
            });
        } catch (ConditionTimeoutException e) {
            // Rare in a full run, never alone so far: say what the pod went through.
            throw new AssertionError("pod " + name + " never met the condition; last status: "
                    + (found[0] == null ? "none" : Serialization.asYaml(found[0].getStatus())) + "events: "
                    + (found[0] == null ? "none" : events(found[0]).stream()
                            .map(ev -> ev.getReason() + ": " + ev.getMessage()).toList()), e);
        }
        return found[0];
    }

    private static ContainerStatus status(Pod p) {
        return p.getStatus().getContainerStatuses() == null || p.getStatus().getContainerStatuses().isEmpty() ? null
                : p.getStatus().getContainerStatuses().get(0);
    }

    private static boolean ready(Pod p) {
        PodCondition ready = condition(p, "Ready");
        return ready != null && ready.getStatus().equals("True");
    }

    private static PodCondition condition(Pod p, String type) {
        return p.getStatus().getConditions() == null ? null : p.getStatus().getConditions().stream()
                .filter(c -> c.getType().equals(type)).findFirst().orElse(null);
    }

    private static List<Event> events(Pod pod) {
        return CLUSTER.client().v1().events().inNamespace("default").list().getItems().stream()
                .filter(e -> pod.getMetadata().getUid().equals(e.getInvolvedObject().getUid())).toList();
    }
}
