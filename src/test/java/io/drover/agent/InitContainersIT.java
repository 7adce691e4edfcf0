package io.drover.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.drover.testing.TempDirs;
import io.drover.testing.SharedCluster;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Init containers and sidecars run by the node agent as the kubelet runs them, with real processes. */
class InitContainersIT {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @RegisterExtension
    static final SharedCluster CLUSTER = new SharedCluster();
    private Path dir;

    @BeforeEach
    void markers() {
        dir = TempDirs.create("drover-init");
    }

    @AfterEach
    void deletePods() {
        CLUSTER.deletePods("default");
        TempDirs.delete(dir);
    }

    @Test
    void initContainersRunOneAfterTheOtherToTheirEndBeforeTheContainers() {
        create(pod("ordered", "Always", List.of(
                        container("first", "echo first >> $DIR/log"),
                        container("second", "grep -q first $DIR/log && echo second >> $DIR/log")),
                "cat $DIR/log; sleep 1000"));

        Pod running = awaitPod("ordered", p -> "Running".equals(p.getStatus().getPhase()));
        assertThat(running.getStatus().getInitContainerStatuses()).extracting(ContainerStatus::getName)
                .containsExactly("first", "second");
        assertThat(running.getStatus().getInitContainerStatuses()).allSatisfy(s -> {
            assertThat(s.getState().getTerminated().getReason()).isEqualTo("Completed");
            assertThat(s.getReady()).isTrue();
            assertThat(s.getRestartCount()).isZero();
        });
        assertThat(condition(running, "Initialized").getStatus()).isEqualTo("True");
        await().atMost(WAIT).until(() -> CLUSTER.client().pods().inNamespace("default").withName("ordered").getLog()
                .equals("first\nsecond\n"));
        assertThat(CLUSTER.client().pods().inNamespace("default").withName("ordered").inContainer("second").getLog()).isEmpty();
    }

    @Test
    void eachStartFollowsThePodsStartTimeAndTheEndOfTheInitContainerBefore() {
        // Chained, so that a start shown up to a second early (as /proc's ticks from a whole-second boot time put it)
        // is all but sure to come before some end.
        create(pod("chained", "Always", List.of(container("one", "true"), container("two", "true"),
                container("three", "true")), "sleep 1000"));

        Pod running = awaitPod("chained", p -> "Running".equals(p.getStatus().getPhase()));
        Instant previous = Instant.parse(running.getStatus().getStartTime());
        for (ContainerStatus init : running.getStatus().getInitContainerStatuses()) {
            var terminated = init.getState().getTerminated();
            assertThat(Instant.parse(terminated.getStartedAt())).as("%s started", init.getName())
                    .isAfterOrEqualTo(previous);
            previous = Instant.parse(terminated.getFinishedAt());
        }
        assertThat(Instant.parse(running.getStatus().getContainerStatuses().get(0).getState().getRunning()
                .getStartedAt())).as("main started").isAfterOrEqualTo(previous);
    }

    @Test
    void whileAnInitContainerRunsThePodIsPendingAndItsContainersWait() {
        create(pod("slow", "Always", List.of(container("wait", "sleep 1000"), container("next", "true")), "sleep 1000"));

        Pod pending = awaitPod("slow", p -> p.getStatus().getInitContainerStatuses() != null
                && p.getStatus().getInitContainerStatuses().get(0).getState().getRunning() != null);
        assertThat(pending.getStatus().getPhase()).isEqualTo("Pending");
        PodCondition initialized = condition(pending, "Initialized");
        assertThat(initialized.getStatus()).isEqualTo("False");
        assertThat(initialized.getReason()).isEqualTo("ContainersNotInitialized");
        assertThat(initialized.getMessage()).isEqualTo("containers with incomplete status: [wait next]");
        assertThat(pending.getStatus().getInitContainerStatuses().get(1).getState().getWaiting().getReason())
                .isEqualTo("PodInitializing");
        assertThat(pending.getStatus().getContainerStatuses().get(0).getState().getWaiting().getReason())
                .isEqualTo("PodInitializing");
    }

    @Test
    void aFailedInitContainerFailsAPodThatIsNeverRestartedAndItsContainersNeverStart() {
        create(pod("broken", "Never", List.of(container("setup", "echo cannot set up >&2; exit 3")), "touch $DIR/ran"));

        Pod failed = awaitPod("broken", p -> "Failed".equals(p.getStatus().getPhase()));
        ContainerStatus setup = failed.getStatus().getInitContainerStatuses().get(0);
        assertThat(setup.getState().getTerminated().getExitCode()).isEqualTo(3);
        assertThat(setup.getState().getTerminated().getReason()).isEqualTo("Error");
        assertThat(failed.getStatus().getContainerStatuses().get(0).getState().getWaiting().getReason())
                .isEqualTo("PodInitializing");
        // Not initialized: kubectl shows the pod as Init:Error.
        assertThat(condition(failed, "Initialized").getStatus()).isEqualTo("False");
        assertThat(dir.resolve("ran")).doesNotExist();
    }

    @Test
    void aFailedInitContainerIsRestartedUntilItSucceedsThenTheContainersStart() {
        create(pod("retry", "Always",
                List.of(container("flaky", "if [ -e $DIR/tried ]; then exit 0; fi; touch $DIR/tried; exit 1")),
                "echo started; sleep 1000"));

        Pod running = awaitPod("retry", p -> "Running".equals(p.getStatus().getPhase()));
        ContainerStatus flaky = running.getStatus().getInitContainerStatuses().get(0);
        assertThat(flaky.getRestartCount()).isEqualTo(1);
        assertThat(flaky.getLastState().getTerminated().getExitCode()).isEqualTo(1);
        assertThat(flaky.getState().getTerminated().getExitCode()).isZero();
    }

    @Test
    void aSidecarStartsBeforeTheNextInitContainerRunsBesideTheContainersAndStopsWhenThePodCompletes() {
        Container sidecar = new ContainerBuilder(container("proxy", "echo up >> $DIR/log; exec sleep 1000"))
                .withRestartPolicy("Always").build();
        create(pod("with-sidecar", "Never", List.of(sidecar, container("after", "grep -q up $DIR/log")),
                "sleep 2; echo done"));

        Pod running = awaitPod("with-sidecar", p -> "Running".equals(p.getStatus().getPhase()));
        ContainerStatus proxy = running.getStatus().getInitContainerStatuses().get(0);
        assertThat(proxy.getState().getRunning()).isNotNull();
        assertThat(proxy.getStarted()).isTrue();
        assertThat(running.getStatus().getInitContainerStatuses().get(1).getState().getTerminated().getExitCode())
                .isZero();

        // The sidecar does not hold the pod: it completes when its container does, and the sidecar is stopped.
        Pod done = awaitPod("with-sidecar", p -> "Succeeded".equals(p.getStatus().getPhase())
                && p.getStatus().getInitContainerStatuses().get(0).getState().getTerminated() != null);
        assertThat(done.getStatus().getContainerStatuses().get(0).getState().getTerminated().getExitCode()).isZero();
    }

    @Test
    void aDeletedPodsSidecarsAreStoppedAfterItsContainersHaveEnded() throws Exception {
        Container sidecar = new ContainerBuilder(container("proxy", "trap 'echo proxy-stopped >> $DIR/log; exit 0' TERM; "
                + "echo proxy-up >> $DIR/log; while :; do sleep 0.1; done")).withRestartPolicy("Always").build();
        create(new PodBuilder(pod("graceful", "Always", List.of(sidecar), "trap 'sleep 1; echo app-stopped >> $DIR/log;"
                + " exit 0' TERM; echo app-up >> $DIR/log; while :; do sleep 0.1; done")).editSpec()
                .withTerminationGracePeriodSeconds(10L).endSpec().build());
        Path log = dir.resolve("log");
        await().atMost(WAIT).until(() -> Files.exists(log)
                && Files.readString(log).contains("app-up"));

        CLUSTER.client().pods().inNamespace("default").withName("graceful").withGracePeriod(10).delete();

        await().atMost(WAIT).until(() -> CLUSTER.client().pods().inNamespace("default").withName("graceful").get() == null);
        // The app's TERM handler takes a second; its proxy is asked to stop only once it has ended.
        List<String> lines = Files.readAllLines(log);
        assertThat(lines).containsExactlyInAnyOrder("proxy-up", "app-up", "app-stopped", "proxy-stopped");
        assertThat(lines.indexOf("app-stopped")).isLessThan(lines.indexOf("proxy-stopped"));
    }

    @Test
    void aSidecarsStartupProbeHoldsTheNextInitContainerUntilItPasses() throws Exception {
        Container sidecar = new ContainerBuilder(container("proxy", "exec sleep 1000")).withRestartPolicy("Always")
                .withNewStartupProbe().withNewExec().withCommand("test", "-e", dir.resolve("proxy-ready").toString())
                .endExec().withPeriodSeconds(1).withFailureThreshold(60).endStartupProbe().build();
        create(pod("gated", "Always", List.of(sidecar, container("after", "touch $DIR/after-ran")), "sleep 1000"));

        Pod waiting = awaitPod("gated", p -> p.getStatus().getInitContainerStatuses() != null
                && p.getStatus().getInitContainerStatuses().get(0).getState().getRunning() != null);
        await().during(Duration.ofMillis(2500)).atMost(WAIT).until(() -> !Files.exists(dir.resolve("after-ran")));
        Pod pending = CLUSTER.client().pods().inNamespace("default").withName("gated").get();
        assertThat(pending.getStatus().getInitContainerStatuses().get(0).getStarted()).isFalse();
        assertThat(pending.getStatus().getInitContainerStatuses().get(1).getState().getWaiting().getReason())
                .isEqualTo("PodInitializing");
        assertThat(condition(pending, "Initialized").getMessage())
                .isEqualTo("containers with incomplete status: [proxy after]");
        assertThat(waiting.getStatus().getPhase()).isEqualTo("Pending");

        Files.createFile(dir.resolve("proxy-ready"));

        Pod running = awaitPod("gated", p -> "Running".equals(p.getStatus().getPhase()));
        assertThat(running.getStatus().getInitContainerStatuses().get(0).getStarted()).isTrue();
        assertThat(dir.resolve("after-ran")).exists();
    }

    @Test
    void aSidecarsReadinessCountsTowardsThePodsAndAFailedLivenessProbeRestartsIt() throws Exception {
        Path ready = dir.resolve("proxy-ready");
        Container sidecar = new ContainerBuilder(container("proxy", "echo start >> $DIR/starts; exec sleep 1000"))
                .withRestartPolicy("Always")
                .withNewReadinessProbe().withNewExec().withCommand("test", "-e", ready.toString()).endExec()
                .withPeriodSeconds(1).endReadinessProbe()
                .withNewLivenessProbe().withNewExec() // fails once for each kill file
                .withCommand("sh", "-c", "if [ -e " + dir.resolve("kill") + " ]; then rm " + dir.resolve("kill") + "; exit 1; fi")
                .endExec().withPeriodSeconds(1).withFailureThreshold(1).endLivenessProbe().build();
        create(pod("probed", "Always", List.of(sidecar), "sleep 1000"));

        Pod notReady = awaitPod("probed", p -> "Running".equals(p.getStatus().getPhase())
                && Boolean.TRUE.equals(p.getStatus().getContainerStatuses().get(0).getReady()));
        assertThat(notReady.getStatus().getInitContainerStatuses().get(0).getReady()).isFalse();
        assertThat(condition(notReady, "Ready").getStatus()).isEqualTo("False");
        assertThat(condition(notReady, "ContainersReady").getMessage()).isEqualTo("containers with unready status: [proxy]");

        Files.createFile(ready);
        awaitPod("probed", p -> "True".equals(condition(p, "Ready").getStatus())
                && Boolean.TRUE.equals(p.getStatus().getInitContainerStatuses().get(0).getReady()));

        Files.createFile(dir.resolve("kill"));
        Pod restarted = awaitPod("probed", p -> p.getStatus().getInitContainerStatuses().get(0).getRestartCount() == 1);
        assertThat(restarted.getStatus().getInitContainerStatuses().get(0).getLastState().getTerminated()).isNotNull();
        assertThat(CLUSTER.client().v1().events().inNamespace("default").list().getItems())
                .anySatisfy(e -> {
                    assertThat(e.getInvolvedObject().getName()).isEqualTo("probed");
                    assertThat(e.getReason()).isEqualTo("Killing");
                    assertThat(e.getMessage()).isEqualTo("Container proxy failed liveness probe, will be restarted");
                });
        // The restarted sidecar runs again and is ready again; the pod's container was never touched.
        Pod again = awaitPod("probed", p -> "True".equals(condition(p, "Ready").getStatus())
                && p.getStatus().getInitContainerStatuses().get(0).getState().getRunning() != null);
        assertThat(again.getStatus().getContainerStatuses().get(0).getRestartCount()).isZero();
        assertThat(Files.readAllLines(dir.resolve("starts"))).hasSize(2);
    }

    private Pod pod(String name, String restartPolicy, List<Container> init, String command) {
        return new PodBuilder().withNewMetadata().withName(name).endMetadata()
                .withNewSpec().withRestartPolicy(restartPolicy).withTerminationGracePeriodSeconds(1L)
                .withInitContainers(init).addToContainers(container("main", command)).endSpec().build();
    }

    private Container container(String name, String script) {
        return new ContainerBuilder().withName(name).withCommand("sh", "-c", script)
                .addNewEnv().withName("DIR").withValue(dir.toString()).endEnv().build();
    }

    private static void create(Pod pod) {
        CLUSTER.client().pods().inNamespace("default").resource(pod).create();
    }

    private static Pod awaitPod(String name, Predicate<Pod> condition) {
        Pod[] seen = new Pod[1];
        // fabric8 reads a missing status list as an empty one: a condition's get(0) may find none yet.
        await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).ignoreException(IndexOutOfBoundsException.class).until(() -> {
            Pod p = CLUSTER.client().pods().inNamespace("default").withName(name).get();
            seen[0] = p;
            return p != null && p.getStatus() != null && condition.test(p);
        });
        return seen[0];
    }

    private static PodCondition condition(Pod pod, String type) {
        return pod.getStatus().getConditions().stream().filter(c -> c.getType().equals(type)).findFirst().orElseThrow();
    }
}
