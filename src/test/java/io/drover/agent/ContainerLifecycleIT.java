package io.drover.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpServer;
import io.drover.agent.runtime.TaskHandle;
import io.drover.agent.runtime.process.ProcessRuntime;
import io.drover.testing.SharedCluster;
import io.drover.testing.TempDirs;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LifecycleHandler;
import io.fabric8.kubernetes.api.model.LifecycleHandlerBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Resource limits, OOM kills and graceful termination with lifecycle hooks, end to end: a real
 * server, real processes. After every test no process of its pods is left: each pod's processes
 * are found by the HOSTNAME=<pod name> every one of them inherits ({@code /proc/<pid>/environ}).
 */
class ContainerLifecycleIT {
    private static final Duration WAIT = Duration.ofSeconds(40);
    private static final AtomicInteger names = new AtomicInteger();
    @RegisterExtension
    static final SharedCluster CLUSTER = new SharedCluster(o -> o.withRestartBackoff(RestartBackoffPolicy.parse("200ms:1s")));
    private static boolean cgroupsWritable;

    private final List<String> podNames = new ArrayList<>();
    private Path markers;

    @BeforeAll
    static void probeCgroups() throws Exception {
        Path probe = TempDirs.create("drover-cgroup-probe");
        try {
            cgroupsWritable = ProcessRuntime.create(probe).capabilities().supportsResourceLimits();
        } finally {
            TempDirs.delete(probe);
        }
    }

    @BeforeEach
    void createMarkerDir() {
        markers = TempDirs.create("drover-lifecycle");
    }

    @AfterEach
    void deletePodsAndCheckNoProcessIsLeft() {
        for (Pod pod : CLUSTER.client().pods().inNamespace("default").list().getItems()) {
            CLUSTER.client().pods().inNamespace("default").withName(pod.getMetadata().getName()).withGracePeriod(0).delete();
        }
        await().atMost(WAIT).until(() -> CLUSTER.client().pods().inNamespace("default").list().getItems().isEmpty());
        for (String name : podNames) {
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(processesOf(name)).as("processes of pod %s", name).isEmpty());
        }
        TempDirs.delete(markers);
    }

    @Test
    void aContainerOverItsMemoryLimitIsOomKilledWithExitCode137AndRestarted() {
        requireCgroups();
        Pod pod = create(new PodBuilder(pod("Always", List.of("tail", "/dev/zero"))).editSpec().editFirstContainer()
                .withNewResources().addToLimits("memory", new Quantity("64Mi")).endResources()
                .endContainer().endSpec().build());

        Pod restarted = awaitPod(pod, p -> status(p) != null && status(p).getRestartCount() >= 1
                && status(p).getLastState().getTerminated() != null);

        ContainerStateTerminated last = status(restarted).getLastState().getTerminated();
        assertThat(last.getReason()).isEqualTo("OOMKilled");
        assertThat(last.getExitCode()).isEqualTo(137);
        assertThat(last.getSignal()).as("kubelet's convertContainerStatus sets no signal").isNull();
    }

    @Test
    void cpuLimitAndRequestAreWrittenToTheContainersCgroup() throws Exception {
        requireCgroups();
        Pod pod = create(new PodBuilder(pod("Always", List.of("sleep", "1000"))).editSpec().editFirstContainer()
                .withNewResources().addToLimits("cpu", new Quantity("250m")).addToRequests("cpu", new Quantity("0.1"))
                .endResources().endContainer().endSpec().build());
        Pod running = awaitRunning(pod);
        long pid = pidOf(running);

        String cgroups = Files.readString(Path.of("/proc", Long.toString(pid), "cgroup"));
        String v1cpu = cgroups.lines().filter(l -> l.matches("\\d+:[^:]*\\bcpu\\b[^:]*:.*")).findFirst().orElse(null);
        if (v1cpu != null) {
            Path dir = Path.of("/sys/fs/cgroup/cpu" + v1cpu.substring(v1cpu.lastIndexOf(':') + 1));
            assertThat(Files.readString(dir.resolve("cpu.cfs_quota_us")).strip()).isEqualTo("25000");
            assertThat(Files.readString(dir.resolve("cpu.shares")).strip()).isEqualTo("102");
        } else {
            String v2 = cgroups.lines().filter(l -> l.startsWith("0::")).findFirst().orElseThrow();
            Path dir = Path.of("/sys/fs/cgroup" + v2.substring(3));
            assertThat(Files.readString(dir.resolve("cpu.max")).strip()).isEqualTo("25000 100000");
        }
    }

    @Test
    void preStopRunsBeforeSigtermAndBothEndWithinTheGracePeriod() throws Exception {
        Path prestop = markers.resolve("prestop");
        Path term = markers.resolve("term");
        Pod pod = create(withPreStop(pod("Always", List.of("sh", "-c",
                        "trap 'date +%s%N > " + term + "; exit 0' TERM; echo ready; sleep 1000 & wait")), 10,
                exec("sh", "-c", "date +%s%N > " + prestop + "; sleep 1")));
        awaitRunning(pod);

        long deleteAt = System.nanoTime();
        long deleteWall = System.currentTimeMillis();
        CLUSTER.client().pods().inNamespace("default").withName(pod.getMetadata().getName()).delete();
        awaitGone(pod);
        Duration took = Duration.ofNanos(System.nanoTime() - deleteAt);

        long preStopAt = Long.parseLong(Files.readString(prestop).strip()) / 1_000_000;
        long termAt = Long.parseLong(Files.readString(term).strip()) / 1_000_000;
        assertThat(preStopAt).isGreaterThanOrEqualTo(deleteWall - 1000);
        assertThat(termAt - preStopAt).as("SIGTERM waits for the hook (1 s)").isGreaterThanOrEqualTo(900);
        assertThat(took).isLessThan(Duration.ofSeconds(10));
        assertThat(events(pod)).extracting(Event::getReason).contains("Killing").doesNotContain("FailedPreStopHook");
    }

    @Test
    void deletingAPodSendsSigtermToTheMainProcessOnly() throws Exception {
        // The fuzzing report's repro: containerd signals the container's init alone; its child dies with it.
        Pod pod = create(withGrace(pod("Always", List.of("sh", "-c", """
                sh -c 'trap "echo TERM > %1$s/child" TERM; while true; do sleep 0.2; done' &
                trap 'echo TERM > %1$s/parent; sleep 1; echo done > %1$s/parent-exit; exit 0' TERM
                while true; do sleep 0.2; done
                """.formatted(markers))), 10));
        awaitRunning(pod);
        await().atMost(WAIT).until(() -> processesOf(pod.getMetadata().getName()).size() >= 3);

        long deleteAt = System.nanoTime();
        CLUSTER.client().pods().inNamespace("default").withName(pod.getMetadata().getName()).delete();
        awaitGone(pod);

        assertThat(Duration.ofNanos(System.nanoTime() - deleteAt)).isLessThan(Duration.ofSeconds(8));
        assertThat(markers.resolve("parent")).hasContent("TERM");
        assertThat(markers.resolve("parent-exit")).hasContent("done");
        assertThat(markers.resolve("child")).as("the child never got SIGTERM").doesNotExist();
        assertThat(processesOf(pod.getMetadata().getName())).isEmpty();
    }

    @Test
    void aProcessIgnoringSigtermIsKilledWhenTheGracePeriodEnds() throws Exception {
        Pod pod = create(withGrace(pod("Always", List.of("sh", "-c", "trap '' TERM; sleep 1000 & wait")), 3));
        awaitRunning(pod);

        long deleteAt = System.nanoTime();
        CLUSTER.client().pods().inNamespace("default").withName(pod.getMetadata().getName()).delete();
        awaitGone(pod);

        assertThat(Duration.ofNanos(System.nanoTime() - deleteAt)).isBetween(Duration.ofMillis(2900), Duration.ofSeconds(15));
        assertThat(processesOf(pod.getMetadata().getName())).isEmpty();
    }

    @Test
    void podsInTheirGracePeriodDoNotHoldUpTheOtherPods() throws Exception {
        // More pods ignoring SIGTERM than the agent has workers: each keeps its whole grace period.
        List<Pod> stubborn = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            stubborn.add(create(withGrace(pod("Always", List.of("sh", "-c", "trap '' TERM; sleep 1000 & wait")), 25)));
        }
        for (Pod pod : stubborn) {
            awaitRunning(pod);
        }
        for (Pod pod : stubborn) {
            CLUSTER.client().pods().inNamespace("default").withName(pod.getMetadata().getName()).delete();
        }
        for (Pod pod : stubborn) {
            await().atMost(WAIT).until(() -> CLUSTER.client().pods().inNamespace("default")
                    .withName(pod.getMetadata().getName()).get().getMetadata().getDeletionTimestamp() != null);
        }

        // A new pod starts while they wait out their 25 s, as it would with no stop under way.
        Pod fresh = create(pod("Always", List.of("sleep", "1000")));
        await().atMost(Duration.ofSeconds(12)).until(() -> "Running".equals(CLUSTER.client().pods().inNamespace("default")
                .withName(fresh.getMetadata().getName()).get().getStatus().getPhase()));
        for (Pod pod : stubborn) {
            assertThat(processesOf(pod.getMetadata().getName())).as("still in its grace period").isNotEmpty();
        }
        // The force delete of the clean-up cuts their grace periods short.
    }

    @Test
    void aGrandchildThatCalledSetsidDiesWithItsPod() throws Exception {
        requireCgroups(); // without a cgroup, a process that leaves the session is not found
        Pod pod = create(pod("Always", List.of("sh", "-c", "setsid sleep 1001 & sleep 1000 & wait")));
        awaitRunning(pod);
        await().atMost(WAIT).until(() -> processesOf(pod.getMetadata().getName()).size() >= 3);

        CLUSTER.client().pods().inNamespace("default").withName(pod.getMetadata().getName()).delete();
        awaitGone(pod);

        assertThat(processesOf(pod.getMetadata().getName())).isEmpty();
    }

    @Test
    void httpGetPreStopReachesTheNamedPortBeforeSigterm() throws Exception {
        // The test's server stands in for the container's endpoint: an explicit hostPort is the
        // host port the named containerPort resolves to.
        AtomicLong hookAt = new AtomicLong();
        AtomicReference<Headers> hookHeaders = new AtomicReference<>();
        HttpServer server = HttpServer.create(new InetSocketAddress(0), 0);
        server.createContext("/stop", exchange -> {
            hookAt.set(System.currentTimeMillis());
            hookHeaders.set(exchange.getRequestHeaders());
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        server.start();
        try {
            Path term = markers.resolve("term");
            Path trapped = markers.resolve("trapped");
            Pod base = pod("Always", List.of("sh", "-c", "trap 'date +%s%N > " + term + "; exit 0' TERM; touch "
                    + trapped + "; sleep 1000 & wait"));
            Pod pod = create(withPreStop(new PodBuilder(base).editSpec().editFirstContainer().addNewPort().withName("admin")
                    .withContainerPort(8081).withHostPort(server.getAddress().getPort()).endPort().endContainer().endSpec().build(), 10,
                    new LifecycleHandlerBuilder().withNewHttpGet().withPath("/stop").withPort(new IntOrString("admin"))
                            .endHttpGet().build()));
            awaitRunning(pod);
            // Running means started: the shell may not have set its trap yet, and the HTTP hook is
            // quick, so a SIGTERM could come first and kill the shell without the marker.
            await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(trapped));

            CLUSTER.client().pods().inNamespace("default").withName(pod.getMetadata().getName()).delete();
            awaitGone(pod);

            assertThat(hookAt.get()).isPositive();
            assertThat(Long.parseLong(Files.readString(term).strip()) / 1_000_000).isGreaterThanOrEqualTo(hookAt.get());
            // The kubelet's request (NewRequestForHTTPGetAction with "lifecycle"), plain HTTP/1.1 without an h2c upgrade.
            assertThat(hookHeaders.get().getFirst("User-Agent")).isEqualTo("kube-lifecycle/1.32");
            assertThat(hookHeaders.get().getFirst("Accept")).isEqualTo("*/*");
            assertThat(hookHeaders.get().containsKey("Upgrade")).isFalse();
        } finally {
            server.stop(0);
        }
    }

    @Test
    void aFailedPreStopHookIsAnEventAndTheContainerStillStops() {
        Pod pod = create(withPreStop(pod("Always", List.of("sleep", "1000")), 10, exec("sh", "-c", "exit 3")));
        awaitRunning(pod);

        CLUSTER.client().pods().inNamespace("default").withName(pod.getMetadata().getName()).delete();
        awaitGone(pod);

        assertThat(events(pod)).anyMatch(e -> e.getType().equals("Warning") && e.getReason().equals("FailedPreStopHook")
                && e.getMessage().equals("PreStopHook failed"));
    }

    @Test
    void postStartRunsInTheContainerAndItsFailureKillsAndRestartsIt() throws Exception {
        Path started = markers.resolve("poststart");
        Pod ok = create(new PodBuilder(pod("Always", List.of("sleep", "1000"))).editSpec().editFirstContainer()
                .withNewLifecycle().withPostStart(exec("sh", "-c", "echo \"$HOSTNAME\" > " + started)).endLifecycle()
                .endContainer().endSpec().build());
        awaitRunning(ok);
        assertThat(Files.readString(started).strip()).isEqualTo(ok.getMetadata().getName());

        Pod failing = create(withGrace(new PodBuilder(pod("Always", List.of("sleep", "1000"))).editSpec().editFirstContainer()
                .withNewLifecycle().withPostStart(exec("sh", "-c", "exit 1")).endLifecycle()
                .endContainer().endSpec().build(), 2));
        awaitPod(failing, p -> status(p) != null && status(p).getRestartCount() >= 1);
        assertThat(events(failing)).anyMatch(e -> e.getReason().equals("FailedPostStartHook")
                && e.getMessage().equals("PostStartHook failed"));
        assertThat(events(failing)).anyMatch(e -> e.getReason().equals("Killing")
                && e.getMessage().equals("FailedPostStartHook"));
    }

    @Test
    void whileAPostStartHookRunsThePodShowsItsContainerCreating() throws Exception {
        Path release = markers.resolve("release");
        Pod pod = create(new PodBuilder(pod("Always", List.of("sleep", "1000"))).editSpec().editFirstContainer()
                .withNewLifecycle().withPostStart(exec("sh", "-c", "while [ ! -e " + release + " ]; do sleep 0.1; done"))
                .endLifecycle().endContainer().endSpec().build());

        // As the kubelet's SyncPod sets the status before it starts the containers, not a bare Pending pod.
        Pod creating = awaitPod(pod, p -> status(p) != null);
        assertThat(creating.getStatus().getPhase()).isEqualTo("Pending");
        assertThat(status(creating).getState().getWaiting().getReason()).isEqualTo("ContainerCreating");
        assertThat(creating.getStatus().getStartTime()).isNotNull();
        assertThat(creating.getStatus().getPodIP()).isNotNull();
        assertThat(creating.getStatus().getConditions()).anyMatch(c -> c.getType().equals("Ready")
                && c.getStatus().equals("False") && c.getReason().equals("ContainersNotReady"));

        Files.createFile(release);
        Pod running = awaitRunning(pod);
        assertThat(running.getStatus().getStartTime()).isEqualTo(creating.getStatus().getStartTime());
    }

    private static void requireCgroups() {
        Assumptions.assumeTrue(cgroupsWritable,
                "cgroups are not writable on this machine (see the process runtime's warning): skipping");
    }

    private Pod pod(String restartPolicy, List<String> command) {
        String name = "lc-" + names.incrementAndGet() + "-" + Long.toHexString(System.nanoTime() & 0xffffff);
        podNames.add(name);
        return new PodBuilder().withNewMetadata().withName(name).endMetadata()
                .withNewSpec().withRuntimeClassName("process").withRestartPolicy(restartPolicy)
                .addNewContainer().withName("main").withCommand(command).endContainer().endSpec().build();
    }

    private static Pod withGrace(Pod pod, long seconds) {
        return new PodBuilder(pod).editSpec().withTerminationGracePeriodSeconds(seconds).endSpec().build();
    }

    private static Pod withPreStop(Pod pod, long grace, LifecycleHandler handler) {
        return withGrace(new PodBuilder(pod).editSpec().editFirstContainer().withNewLifecycle().withPreStop(handler)
                .endLifecycle().endContainer().endSpec().build(), grace);
    }

    private static LifecycleHandler exec(String... command) {
        return new LifecycleHandlerBuilder().withNewExec().withCommand(command).endExec().build();
    }

    private static Pod create(Pod pod) {
        return CLUSTER.client().pods().inNamespace("default").resource(pod).create();
    }

    private static Pod awaitRunning(Pod pod) {
        return awaitPod(pod, p -> status(p) != null && status(p).getState().getRunning() != null);
    }

    private static Pod awaitPod(Pod pod, java.util.function.Predicate<Pod> condition) {
        Pod[] seen = new Pod[1];
        await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> {
            seen[0] = CLUSTER.client().pods().inNamespace("default").withName(pod.getMetadata().getName()).get();
            return seen[0] != null && seen[0].getStatus() != null && condition.test(seen[0]);
        });
        return seen[0];
    }

    private static void awaitGone(Pod pod) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(50))
                .until(() -> CLUSTER.client().pods().inNamespace("default").withName(pod.getMetadata().getName()).get() == null);
    }

    private static ContainerStatus status(Pod p) {
        return p.getStatus().getContainerStatuses() == null || p.getStatus().getContainerStatuses().isEmpty()
                ? null : p.getStatus().getContainerStatuses().get(0);
    }

    private static long pidOf(Pod p) throws IOException {
        Path dir = CLUSTER.cluster().dataDir().resolve("pods").resolve(p.getMetadata().getNamespace() + "_"
                + p.getMetadata().getName() + "_" + p.getMetadata().getUid()).resolve("main");
        return TaskHandle.fromJson(Files.readString(dir.resolve(PodFiles.HANDLE))).pid();
    }

    private static List<Event> events(Pod pod) {
        return CLUSTER.client().v1().events().inNamespace("default").list().getItems().stream()
                .filter(e -> pod.getMetadata().getUid().equals(e.getInvolvedObject().getUid())).toList();
    }

    /** The live processes whose environment says they belong to the pod (HOSTNAME is the pod name). */
    private static List<Long> processesOf(String podName) throws IOException {
        byte[] needle = ("\0HOSTNAME=" + podName + "\0").getBytes(StandardCharsets.UTF_8);
        List<Long> found = new ArrayList<>();
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString()
                .chars().allMatch(Character::isDigit))) {
            for (Path proc : procs) {
                try {
                    byte[] env = ("\0" + new String(Files.readAllBytes(proc.resolve("environ")), StandardCharsets.UTF_8))
                            .getBytes(StandardCharsets.UTF_8);
                    String stat = Files.readString(proc.resolve("stat"));
                    char state = stat.charAt(stat.lastIndexOf(')') + 2);
                    if (state != 'Z' && indexOf(env, needle) >= 0) {
                        found.add(Long.parseLong(proc.getFileName().toString()));
                    }
                } catch (IOException e) {
                    // ended while looking, or not readable: not a live process of the pod
                }
            }
        }
        return found;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
