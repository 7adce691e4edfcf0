package io.drover.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.drover.agent.runtime.TaskHandle;
import io.drover.testing.SharedCluster;
import io.drover.testing.TestCluster;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The node agent inside a real server, running real processes. */
class NodeAgentIT {
    @RegisterExtension
    static final SharedCluster CLUSTER = new SharedCluster();
    private final List<Long> pids = new ArrayList<>();

    @AfterEach
    void deletePods() {
        for (Pod pod : CLUSTER.client().pods().inNamespace("default").list().getItems()) {
            CLUSTER.client().pods().inNamespace("default").withName(pod.getMetadata().getName()).withGracePeriod(0).delete();
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> CLUSTER.client().pods().inNamespace("default").list()
                .getItems().isEmpty());
        await().atMost(Duration.ofSeconds(30)).until(() -> pids.stream().noneMatch(NodeAgentIT::alive));
    }

    private static long bytes(io.fabric8.kubernetes.api.model.Quantity quantity) {
        return io.fabric8.kubernetes.api.model.Quantity.getAmountInBytes(quantity).longValueExact();
    }

    @Test
    void registersAReadyNodeWithAllocatableAndRenewsItsLease() {
        String node = CLUSTER.cluster().server().nodeName();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            Node n = CLUSTER.client().nodes().withName(node).get();
            assertThat(n.getMetadata().getLabels()).containsEntry("kubernetes.io/hostname", node)
                    .containsEntry("kubernetes.io/os", "linux").containsKey("kubernetes.io/arch")
                    .containsEntry("beta.kubernetes.io/os", "linux")
                    .containsEntry("beta.kubernetes.io/arch", n.getMetadata().getLabels().get("kubernetes.io/arch"));
            assertThat(n.getStatus().getAllocatable()).containsKeys("cpu", "memory", "pods");
            assertThat(n.getStatus().getAllocatable().get("pods").toString()).isEqualTo("110");
            // Capacity less the kubelet's default hard eviction thresholds: memory 100Mi, ephemeral-storage 10%.
            assertThat(n.getStatus().getCapacity()).containsKeys("cpu", "memory", "pods", "ephemeral-storage");
            assertThat(n.getStatus().getAllocatable()).containsKey("ephemeral-storage");
            assertThat(bytes(n.getStatus().getCapacity().get("memory"))
                    - bytes(n.getStatus().getAllocatable().get("memory"))).isGreaterThanOrEqualTo(100L << 20);
            long storage = bytes(n.getStatus().getCapacity().get("ephemeral-storage"));
            assertThat(storage).isPositive();
            assertThat(bytes(n.getStatus().getAllocatable().get("ephemeral-storage"))).isBetween(storage * 89 / 100,
                    storage * 91 / 100);
            NodeCondition ready = n.getStatus().getConditions().stream()
                    .filter(c -> c.getType().equals("Ready")).findFirst().orElseThrow();
            assertThat(ready.getStatus()).isEqualTo("True");
            assertThat(ready.getReason()).isEqualTo("KubeletReady");
            assertThat(n.getStatus().getAddresses()).anyMatch(a -> a.getType().equals("InternalIP"));
            assertThat(n.getStatus().getNodeInfo().getKubeletVersion()).isEqualTo("v1.32.4-drover");
            // What cadvisor reads for the kubelet (kubectl describe node: System Info).
            assertThat(n.getStatus().getNodeInfo().getBootID())
                    .isEqualTo(Files.readString(Path.of("/proc/sys/kernel/random/boot_id")).strip()).isNotEmpty();
            assertThat(n.getStatus().getNodeInfo().getMachineID()).isEqualTo(HostFacts.firstReadable(
                    Path.of("/etc/machine-id"), Path.of("/var/lib/dbus/machine-id")));
            assertThat(n.getStatus().getNodeInfo().getSystemUUID())
                    .isEqualTo(HostFacts.firstReadable(Path.of("/sys/class/dmi/id/product_uuid")));
        });
        // A new node, as a new kubelet tells it; its Ready condition was never anything else, so no NodeReady.
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(nodeEvents(node))
                .containsSubsequence("Starting: Starting kubelet.",
                        "NodeHasSufficientMemory: Node " + node + " status is now: NodeHasSufficientMemory",
                        "NodeHasNoDiskPressure: Node " + node + " status is now: NodeHasNoDiskPressure",
                        "NodeHasSufficientPID: Node " + node + " status is now: NodeHasSufficientPID")
                .noneMatch(e -> e.startsWith("NodeReady") || e.startsWith("Rebooted")));
        Lease lease = CLUSTER.client().resources(Lease.class).inNamespace("kube-node-lease").withName(node).get();
        assertThat(lease.getSpec().getHolderIdentity()).isEqualTo(node);
        assertThat(lease.getSpec().getLeaseDurationSeconds()).isEqualTo(40);
        // Owned by the Node, as SetNodeOwnerFunc makes it: deleting the Node collects its Lease.
        assertThat(lease.getMetadata().getOwnerReferences()).singleElement().satisfies(o -> {
            assertThat(o.getApiVersion()).isEqualTo("v1");
            assertThat(o.getKind()).isEqualTo("Node");
            assertThat(o.getName()).isEqualTo(node);
            assertThat(o.getUid()).isEqualTo(CLUSTER.client().nodes().withName(node).get().getMetadata().getUid());
            assertThat(o.getController()).isNull();
        });
        ZonedDateTime first = lease.getSpec().getRenewTime();
        await().atMost(Duration.ofSeconds(25)).until(() -> CLUSTER.client().resources(Lease.class)
                .inNamespace("kube-node-lease").withName(node).get().getSpec().getRenewTime().isAfter(first));
    }

    /** kubectl cordon and uncordon, as the kubelet tells them on its Node at its next heartbeat. */
    @Test
    void aCordonAndAnUncordonAreToldOnTheNode() {
        String node = CLUSTER.cluster().server().nodeName();
        try {
            // What kubectl cordon sends.
            CLUSTER.client().nodes().withName(node).patch(io.fabric8.kubernetes.client.dsl.base.PatchContext.of(
                    io.fabric8.kubernetes.client.dsl.base.PatchType.STRATEGIC_MERGE), "{\"spec\":{\"unschedulable\":true}}");
            await().atMost(Duration.ofSeconds(30)).until(() -> nodeEvent(node, "NodeNotSchedulable"));
        } finally {
            CLUSTER.client().nodes().withName(node).patch(io.fabric8.kubernetes.client.dsl.base.PatchContext.of(
                    io.fabric8.kubernetes.client.dsl.base.PatchType.STRATEGIC_MERGE), "{\"spec\":{\"unschedulable\":null}}");
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> nodeEvent(node, "NodeSchedulable"));
    }

    /** An agent whose Node was left by an earlier boot and found Unknown by the node lifecycle controller. */
    @Test
    void anAgentThatFindsItsNodeFromAnotherBootSaysItRebootedAndIsReadyAgain() throws Exception {
        String node = "rebooted-node";
        Path dataDir = Files.createTempDirectory("drover-agent");
        try {
            CLUSTER.client().nodes().resource(new io.fabric8.kubernetes.api.model.NodeBuilder().withNewMetadata()
                    .withName(node).endMetadata().build()).create();
            CLUSTER.client().nodes().withName(node).editStatus(n -> new io.fabric8.kubernetes.api.model.NodeBuilder(n)
                    .withNewStatus().withNewNodeInfo().withBootID("an-earlier-boot").endNodeInfo()
                    .addNewCondition().withType("MemoryPressure").withStatus("Unknown").endCondition()
                    .addNewCondition().withType("DiskPressure").withStatus("False").endCondition()
                    .addNewCondition().withType("Ready").withStatus("Unknown").endCondition().endStatus().build());
            String boot = Files.readString(Path.of("/proc/sys/kernel/random/boot_id")).strip();
            // The earlier boot's Lease, written before the Node could be read: the renewal makes the Node its owner.
            var leases = CLUSTER.client().resources(Lease.class).inNamespace("kube-node-lease");
            leases.resource(new io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder().withNewMetadata()
                    .withName(node).endMetadata().withNewSpec().withHolderIdentity(node).endSpec().build()).create();

            try (NodeAgent agent = agent(node, dataDir)) {
                await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(nodeEvents(node))
                        .containsSubsequence("Starting: Starting kubelet.",
                                "Rebooted: Node " + node + " has been rebooted, boot id: " + boot,
                                "NodeHasSufficientMemory: Node " + node + " status is now: NodeHasSufficientMemory",
                                "NodeHasSufficientPID: Node " + node + " status is now: NodeHasSufficientPID",
                                "NodeReady: Node " + node + " status is now: NodeReady")
                        .noneMatch(e -> e.startsWith("NodeHasNoDiskPressure"))); // it was False already
                String uid = CLUSTER.client().nodes().withName(node).get().getMetadata().getUid();
                await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(leases.withName(node).get()
                        .getMetadata().getOwnerReferences()).extracting(o -> o.getKind() + "/" + o.getName() + "/"
                                + o.getUid()).containsExactly("Node/" + node + "/" + uid));
            }
            Event rebooted = CLUSTER.client().v1().events().inNamespace("default").list().getItems().stream()
                    .filter(e -> node.equals(e.getInvolvedObject().getName()) && "Rebooted".equals(e.getReason()))
                    .findFirst().orElseThrow();
            assertThat(rebooted.getType()).isEqualTo("Warning");
            // The kubelet's nodeRef: the node's name as its uid, no apiVersion.
            assertThat(rebooted.getInvolvedObject().getKind()).isEqualTo("Node");
            assertThat(rebooted.getInvolvedObject().getUid()).isEqualTo(node);
            assertThat(rebooted.getInvolvedObject().getApiVersion()).isNull();
            assertThat(rebooted.getSource().getHost()).isEqualTo(node);

            CLUSTER.client().nodes().withName(node).delete();
            await().atMost(Duration.ofSeconds(30)).until(() -> leases.withName(node).get() == null);
        } finally {
            CLUSTER.client().nodes().withName(node).delete();
            CLUSTER.client().resources(Lease.class).inNamespace("kube-node-lease").withName(node).delete();
            io.drover.testing.TempDirs.delete(dataDir);
        }
    }

    /** The node's events as "reason: message", in the order they were first written. */
    private static List<String> nodeEvents(String node) {
        return CLUSTER.client().v1().events().inNamespace("default").list().getItems().stream()
                .filter(e -> "Node".equals(e.getInvolvedObject().getKind())
                        && node.equals(e.getInvolvedObject().getName()))
                .sorted(java.util.Comparator.comparing((Event e) -> e.getFirstTimestamp())
                        .thenComparing(e -> e.getMetadata().getName()))
                .map(e -> e.getReason() + ": " + e.getMessage()).toList();
    }

    private static boolean nodeEvent(String node, String reason) {
        return CLUSTER.client().v1().events().inNamespace("default").list().getItems().stream()
                .anyMatch(e -> reason.equals(e.getReason()) && "Node".equals(e.getInvolvedObject().getKind())
                        && node.equals(e.getInvolvedObject().getName())
                        && ("Node " + node + " status is now: " + reason).equals(e.getMessage()));
    }

    @Test
    void runsAPodAndStopsItsProcessOnGracefulDelete() throws Exception {
        Pod pod = create(pod("hello", "Always", "sh", "-c", "echo hi; echo $HOSTNAME; sleep 1000"));
        // Ready follows Running once the process has run for a moment (PodWorker.READY_AFTER_RUNNING).
        Pod running = awaitPod("hello", p -> "Running".equals(p.getStatus().getPhase())
                && status(p).getState().getRunning() != null && Boolean.TRUE.equals(status(p).getReady()));
        ContainerStatus status = status(running);
        assertThat(status.getRestartCount()).isZero();
        assertThat(running.getStatus().getPodIP()).isNotEmpty();
        assertThat(running.getStatus().getConditions()).extracting(c -> c.getType() + "=" + c.getStatus())
                .containsExactly("PodReadyToStartContainers=True", "Initialized=True", "Ready=True",
                        "ContainersReady=True", "PodScheduled=True");
        Path dir = containerDir(running, "main");
        await().atMost(Duration.ofSeconds(10)).until(() -> CLUSTER.client().pods().inNamespace("default").withName("hello")
                .getLog().equals("hi\nhello\n"));
        long pid = pidOf(dir);
        assertThat(alive(pid)).isTrue();
        String version = CLUSTER.client().pods().inNamespace("default").withName("hello").get().getMetadata()
                .getResourceVersion();
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> version.equals(CLUSTER.client().pods()
                .inNamespace("default").withName("hello").get().getMetadata().getResourceVersion()));

        List<Pod> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<Watcher.Action> actions = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (Watch watch = CLUSTER.client().pods().inNamespace("default").withName("hello").watch(
                new ListOptionsBuilder().withResourceVersion(version).build(), new Watcher<>() {
                    @Override
                    public void eventReceived(Action action, Pod resource) {
                        actions.add(action);
                        seen.add(resource);
                    }

                    @Override
                    public void onClose(WatcherException cause) {}
                })) {
            CLUSTER.client().pods().inNamespace("default").withName("hello").delete(); // default grace period

            await().atMost(Duration.ofSeconds(20)).until(() -> actions.contains(Watcher.Action.DELETED));
        }
        assertThat(alive(pid)).isFalse();
        // As the kubelet: its end is written before it goes (kubectl get -w shows "0/1 Error", not "1/1 Terminating").
        Pod last = seen.get(seen.size() - 2);
        assertThat(actions.get(actions.size() - 2)).isEqualTo(Watcher.Action.MODIFIED);
        assertThat(last.getStatus().getPhase()).isEqualTo("Failed");
        assertThat(status(last).getReady()).isFalse();
        assertThat(status(last).getState().getTerminated().getReason()).isEqualTo("Error");
        assertThat(status(last).getState().getTerminated().getExitCode()).isNotZero();
        assertThat(events(pod)).anyMatch(e -> e.getReason().equals("Started"))
                .anyMatch(e -> e.getReason().equals("Killing") && e.getMessage().equals("Stopping container main"));
    }

    @Test
    void aKilledProcessIsRestartedOnceAndArgsAloneAreTheCommand() throws Exception {
        // What `kubectl run NAME --image=x -- sh -c ...` sends: args without command.
        create(new PodBuilder().withNewMetadata().withName("killed").endMetadata()
                .withNewSpec().withRestartPolicy("Always").addNewContainer().withName("main").withImage("busybox")
                .withArgs("sh", "-c", "sleep 1000").endContainer().endSpec().build());
        Pod running = awaitPod("killed", p -> status(p) != null && status(p).getState().getRunning() != null);
        long pid = pidOf(containerDir(running, "main"));

        new ProcessBuilder("kill", "-9", Long.toString(pid)).start().waitFor();

        Pod restarted = awaitPod("killed", p -> status(p) != null && status(p).getRestartCount() == 1
                && status(p).getState().getRunning() != null);
        assertThat(status(restarted).getLastState().getTerminated().getExitCode()).isEqualTo(137);
        assertThat(status(restarted).getLastState().getTerminated().getSignal()).as("no signal, as the kubelet").isNull();
        // Each run is a container of its own, as each of the kubelet's is a new CRI container.
        assertThat(status(restarted).getContainerID()).isNotEqualTo(status(running).getContainerID());
        assertThat(status(restarted).getLastState().getTerminated().getContainerID())
                .isEqualTo(status(running).getContainerID());
        assertThat(pidOf(containerDir(restarted, "main"))).isNotEqualTo(pid);
    }

    @Test
    void failedContainerWithRestartPolicyNeverFailsThePod() {
        create(pod("exit3", "Never", "sh", "-c", "exit 3"));
        Pod failed = awaitPod("exit3", p -> "Failed".equals(p.getStatus().getPhase()));
        ContainerStatus status = status(failed);
        assertThat(status.getState().getTerminated().getExitCode()).isEqualTo(3);
        assertThat(status.getState().getTerminated().getReason()).isEqualTo("Error");
        assertThat(status.getState().getTerminated().getContainerID()).isNotNull().isEqualTo(status.getContainerID());
        assertThat(status.getRestartCount()).isZero();
        assertThat(status.getReady()).isFalse();
    }

    @Test
    void succeededContainerWithRestartPolicyNeverCompletesThePod() {
        create(pod("done", "Never", "sh", "-c", "exit 0"));
        Pod done = awaitPod("done", p -> "Succeeded".equals(p.getStatus().getPhase()));
        assertThat(status(done).getState().getTerminated().getReason()).isEqualTo("Completed");
        // The kubelet's conditions of a completed pod: its sandbox is gone, its initialization complete.
        assertThat(done.getStatus().getConditions()).extracting(c -> c.getType() + "=" + c.getStatus() + "/" + c.getReason())
                .containsExactly("PodReadyToStartContainers=False/null", "Initialized=True/PodCompleted",
                        "Ready=False/PodCompleted", "ContainersReady=False/PodCompleted", "PodScheduled=True/null");
    }

    @Test
    void failingContainerIsRestartedWithBackOff() {
        Pod pod = create(pod("crash", "OnFailure", "sh", "-c", "exit 3"));
        AtomicBoolean sawBackOff = new AtomicBoolean();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
            Pod p = CLUSTER.client().pods().inNamespace("default").withName("crash").get();
            ContainerStatus s = status(p);
            if (s != null && s.getState().getWaiting() != null
                    && "CrashLoopBackOff".equals(s.getState().getWaiting().getReason())) {
                sawBackOff.set(true);
                assertThat(s.getLastState().getTerminated().getExitCode()).isEqualTo(3);
            }
            return sawBackOff.get() && s.getRestartCount() >= 2;
        });
        assertThat(CLUSTER.client().pods().inNamespace("default").withName("crash").get().getStatus().getPhase())
                .isEqualTo("Running");
        await().atMost(Duration.ofSeconds(10)).until(() -> events(pod).stream()
                .anyMatch(e -> e.getReason().equals("BackOff")));
    }

    /** kubectl get events -o wide shows the container an event is about as its SUBOBJECT. */
    @Test
    void containerEventsNameTheirContainerByItsFieldPath() {
        Pod pod = create(new PodBuilder(pod("subobject", "Always", "sh", "-c", "exit 3")).editSpec()
                .addNewInitContainer().withName("prep").withCommand("true").endInitContainer().endSpec().build());
        await().atMost(Duration.ofSeconds(30)).until(() -> events(pod).stream()
                .anyMatch(e -> e.getReason().equals("BackOff")));

        List<Event> events = events(pod);
        assertThat(events).filteredOn(e -> e.getReason().equals("Started"))
                .extracting(e -> e.getInvolvedObject().getFieldPath())
                .containsExactlyInAnyOrder("spec.initContainers{prep}", "spec.containers{main}");
        // The kubelet's startContainer: Created, then Started, at each start.
        assertThat(reasonsInOrder(pod, "spec.initContainers{prep}")).containsExactly("Created", "Started");
        assertThat(events).filteredOn(e -> e.getReason().equals("Created"))
                .extracting(e -> e.getInvolvedObject().getFieldPath() + " " + e.getMessage())
                .containsExactlyInAnyOrder("spec.initContainers{prep} Created container prep",
                        "spec.containers{main} Created container main");
        assertThat(events).filteredOn(e -> e.getReason().equals("BackOff"))
                .extracting(e -> e.getInvolvedObject().getFieldPath()).containsOnly("spec.containers{main}");
        assertThat(events).filteredOn(e -> e.getReason().equals("Scheduled"))
                .extracting(e -> e.getInvolvedObject().getFieldPath()).containsOnlyNulls();
        // kubectl get events --field-selector involvedObject.fieldPath='spec.containers{main}'
        assertThat(CLUSTER.client().v1().events().inNamespace("default")
                .withField("involvedObject.fieldPath", "spec.containers{main}").list().getItems())
                .filteredOn(e -> pod.getMetadata().getUid().equals(e.getInvolvedObject().getUid()))
                .extracting(Event::getReason).contains("Started", "BackOff").doesNotContain("Scheduled");
    }

    @Test
    void aContainerThatExitsAtOnceIsNeverReady() {
        List<Pod> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (Watch watch = CLUSTER.client().pods().inNamespace("default").withName("instant").watch(new Watcher<>() {
            @Override
            public void eventReceived(Action action, Pod resource) {
                seen.add(resource);
            }

            @Override
            public void onClose(WatcherException cause) {}
        })) {
            create(pod("instant", "Always", "false"));
            awaitPod("instant", p -> status(p) != null && status(p).getRestartCount() >= 2);
        }
        // kubelet never sees such a process running, so it is never Ready; a rollout would count it available.
        assertThat(seen).isNotEmpty().allSatisfy(p -> assertThat(p.getStatus() == null || status(p) == null
                || !Boolean.TRUE.equals(status(p).getReady())).isTrue());
    }

    @Test
    void alwaysRestartsAContainerThatExitsCleanly() {
        create(pod("again", "Always", "sh", "-c", "exit 0"));
        awaitPod("again", p -> status(p) != null && status(p).getRestartCount() >= 1);
    }

    @Test
    void aFailedContainerWithFallbackToLogsOnErrorKeepsTheEndOfItsLogAsItsMessage() {
        create(new PodBuilder(pod("fails", "Never", "sh", "-c", "seq 1 200; exit 4")).editSpec().editFirstContainer()
                .withTerminationMessagePolicy("FallbackToLogsOnError").endContainer().endSpec().build());
        create(new PodBuilder(pod("succeeds", "Never", "sh", "-c", "echo fine")).editSpec().editFirstContainer()
                .withTerminationMessagePolicy("FallbackToLogsOnError").endContainer().endSpec().build());
        create(pod("file-policy", "Never", "sh", "-c", "echo bad; exit 1"));

        ContainerStateTerminated failed = status(awaitPod("fails", p -> "Failed".equals(p.getStatus().getPhase())))
                .getState().getTerminated();
        assertThat(failed.getExitCode()).isEqualTo(4);
        StringBuilder last80 = new StringBuilder();
        for (int i = 121; i <= 200; i++) {
            last80.append(i).append('\n');
        }
        assertThat(failed.getMessage()).isEqualTo(last80.toString());
        assertThat(status(awaitPod("succeeds", p -> "Succeeded".equals(p.getStatus().getPhase())))
                .getState().getTerminated().getMessage()).isNull();
        assertThat(status(awaitPod("file-policy", p -> "Failed".equals(p.getStatus().getPhase())))
                .getState().getTerminated().getMessage()).isNull();
    }

    @Test
    void aPodPastItsActiveDeadlineFailsAndItsContainersAreStoppedNotRestarted() {
        Pod pod = create(new PodBuilder(pod("deadline", "Always", "sleep", "1000")).editSpec()
                .withActiveDeadlineSeconds(2L).withTerminationGracePeriodSeconds(1L).endSpec().build());

        Pod failed = awaitPod("deadline", p -> "Failed".equals(p.getStatus().getPhase()));
        assertThat(failed.getStatus().getReason()).isEqualTo("DeadlineExceeded");
        assertThat(failed.getStatus().getMessage()).isEqualTo("Pod was active on the node longer than the specified deadline");
        Pod stopped = awaitPod("deadline", p -> status(p).getState().getTerminated() != null);
        assertThat(status(stopped).getRestartCount()).isZero();
        // The kubelet's activeDeadlineHandler records it as Normal.
        await().atMost(Duration.ofSeconds(10)).until(() -> events(pod).stream().anyMatch(e -> e.getType().equals("Normal")
                && e.getReason().equals("DeadlineExceeded")));
        await().atMost(Duration.ofSeconds(10)).until(() -> events(pod).stream().anyMatch(e -> e.getType().equals("Normal")
                && e.getReason().equals("Killing") && e.getMessage().equals("Stopping container main")));
    }

    /** The node's ephemeral-storage is allocatable: a pod that requests some is scheduled here and runs. */
    @Test
    void aPodRequestingEphemeralStorageIsScheduledAndRuns() {
        Pod pod = pod("scratch", "Never", "sleep", "30");
        pod.getSpec().getContainers().get(0).setResources(new io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder()
                .addToRequests("ephemeral-storage", new Quantity("1Gi"))
                .addToLimits("ephemeral-storage", new Quantity("2Gi")).build());
        create(pod);
        awaitPod("scratch", p -> "Running".equals(p.getStatus().getPhase()));
    }

    @Test
    void anExtendedResourceAdvertisedOnCapacityStaysAndBecomesAllocatable() {
        // "Advertise Extended Resources for a Node": a JSON patch of the node's status capacity.
        String node = CLUSTER.cluster().server().nodeName();
        CLUSTER.client().nodes().withName(node).subresource("status").patch(PatchContext.of(PatchType.JSON),
                "[{\"op\":\"add\",\"path\":\"/status/capacity/example.com~1dongle\",\"value\":\"4\"}]");
        try {
            // The next heartbeat keeps it in capacity and copies it to allocatable, as the kubelet's MachineInfo setter.
            await().atMost(NodeStatusReporter.HEARTBEAT.multipliedBy(3)).untilAsserted(() -> {
                Node n = CLUSTER.client().nodes().withName(node).get();
                assertThat(n.getStatus().getAllocatable()).containsEntry("example.com/dongle", new Quantity("4"));
                assertThat(n.getStatus().getCapacity()).containsEntry("example.com/dongle", new Quantity("4"));
            });
        } finally {
            CLUSTER.client().nodes().withName(node).subresource("status").patch(PatchContext.of(PatchType.JSON),
                    "[{\"op\":\"remove\",\"path\":\"/status/capacity/example.com~1dongle\"}]");
        }
    }

    @Test
    void aTerminalPhaseWrittenThroughTheApiStaysAndTheContainersAreStopped() {
        create(new PodBuilder(pod("ended", "Always", "sleep", "1000")).editSpec()
                .withTerminationGracePeriodSeconds(1L).endSpec().build());
        awaitPod("ended", p -> status(p) != null && status(p).getState().getRunning() != null);
        CLUSTER.client().pods().inNamespace("default").withName("ended").editStatus(p -> {
            p.getStatus().setPhase("Failed");
            return p;
        });

        Pod stopped = awaitPod("ended", p -> status(p).getState().getTerminated() != null);
        assertThat(stopped.getStatus().getPhase()).isEqualTo("Failed");
        assertThat(status(stopped).getRestartCount()).isZero();
    }

    @Test
    void aContainerRunsAsItsSecurityContextsUserAndGroupsAndSoDoItsExecs() throws Exception {
        Assumptions.assumeTrue(isRoot(), "switching users needs the node agent to run as root");
        create(new PodBuilder(pod("nobody", "Always", "sh", "-c",
                "id -u; id -g; id -G; touch ./mine && echo writable; echo \"$HOME\"; exec sleep 1000")).editSpec()
                .withNewSecurityContext().withRunAsUser(65534L).withSupplementalGroups(1234L).endSecurityContext()
                .editFirstContainer().withNewSecurityContext().withRunAsGroup(4321L).endSecurityContext()
                .endContainer().endSpec().build());

        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> CLUSTER.client().pods().inNamespace("default")
                .withName("nobody").getLog().equals("65534\n4321\n4321 1234\nwritable\n"
                        + io.drover.testing.Users.homeOf(65534) + "\n"));
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (var exec = CLUSTER.client().pods().inNamespace("default").withName("nobody").writingOutput(out).exec("id", "-u")) {
            assertThat(exec.exitCode().get(30, java.util.concurrent.TimeUnit.SECONDS)).isZero();
        }
        assertThat(out.toString()).isEqualTo("65534\n");
    }

    @Test
    void runAsNonRootRefusesToRunAsRootWithTheKubeletsWords() {
        Assumptions.assumeTrue(isRoot(), "the agent's own user plays the image's: only a root agent runs pods as root");
        Pod implicit = create(new PodBuilder(pod("implicit-root", "Always", "sleep", "1000")).editSpec()
                .withNewSecurityContext().withRunAsNonRoot(true).endSecurityContext().endSpec().build());
        create(new PodBuilder(pod("explicit-root", "Always", "sleep", "1000")).editSpec()
                .editFirstContainer().withNewSecurityContext().withRunAsNonRoot(true).withRunAsUser(0L)
                .endSecurityContext().endContainer().endSpec().build());

        Pod refused = awaitPod("implicit-root", p -> status(p) != null && status(p).getState().getWaiting() != null
                && "CreateContainerConfigError".equals(status(p).getState().getWaiting().getReason()));
        assertThat(status(refused).getState().getWaiting().getMessage()).isEqualTo("container has runAsNonRoot and "
                + "image will run as root (pod: \"implicit-root_default(" + implicit.getMetadata().getUid()
                + ")\", container: main)");
        Pod explicit = awaitPod("explicit-root", p -> status(p) != null && status(p).getState().getWaiting() != null
                && "CreateContainerConfigError".equals(status(p).getState().getWaiting().getReason()));
        assertThat(status(explicit).getState().getWaiting().getMessage())
                .startsWith("container's runAsUser breaks non-root policy (pod: \"explicit-root_default(");
    }

    @Test
    void aContainerHoldsTheCapabilitiesItsSecurityContextAllowsAndSoDoItsExecs() throws Exception {
        long agent = capabilitySet("CapEff");
        Assumptions.assumeTrue((agent >>> 8 & 1) == 1, "limiting a task's capabilities needs CAP_SETPCAP");
        String show = "grep -E '^(CapBnd|CapEff|NoNewPrivs):' /proc/self/status | tr -d '\\t'; exec sleep 1000";
        create(new PodBuilder(pod("confined", "Always", "sh", "-c", show)).editSpec().editFirstContainer()
                .withNewSecurityContext().withAllowPrivilegeEscalation(false).withNewCapabilities()
                .withDrop("ALL").withAdd("NET_BIND_SERVICE").endCapabilities().endSecurityContext()
                .endContainer().endSpec().build());
        create(pod("defaults", "Always", "sh", "-c", show));
        create(new PodBuilder(pod("privileged", "Always", "sh", "-c", show)).editSpec().editFirstContainer()
                .withNewSecurityContext().withPrivileged(true).endSecurityContext().endContainer().endSpec().build());

        String netBindService = String.format("%016x", 1L << 10);
        awaitLog("confined", "CapEff:" + netBindService + "\nCapBnd:" + netBindService + "\nNoNewPrivs:1\n");
        long defaults = 0xa80425fbL & capabilitySet("CapBnd"); // containerd's 14, as far as the agent has them
        awaitLog("defaults", String.format("CapEff:%016x\nCapBnd:%016x\nNoNewPrivs:0\n", defaults, defaults));
        long bounding = capabilitySet("CapBnd"); // a root exec's effective set is its bounding set
        awaitLog("privileged", String.format("CapEff:%016x\nCapBnd:%016x\nNoNewPrivs:0\n", bounding, bounding));

        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (var exec = CLUSTER.client().pods().inNamespace("default").withName("confined").writingOutput(out)
                .exec("sh", "-c", "grep -E '^(CapBnd|NoNewPrivs):' /proc/self/status | tr -d '\\t'")) {
            assertThat(exec.exitCode().get(30, java.util.concurrent.TimeUnit.SECONDS)).isZero();
        }
        assertThat(out.toString()).isEqualTo("CapBnd:" + netBindService + "\nNoNewPrivs:1\n");
    }

    private void awaitLog(String pod, String expected) {
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> assertThat(CLUSTER.client().pods()
                .inNamespace("default").withName(pod).getLog()).isEqualTo(expected));
    }

    /** One of this process's capability sets from /proc/self/status; the agent runs with the test's. */
    private static long capabilitySet(String name) throws java.io.IOException {
        return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith(name + ":"))
                .map(l -> Long.parseUnsignedLong(l.substring(name.length() + 1).trim(), 16)).findFirst().orElseThrow();
    }

    private static boolean isRoot() {
        try {
            return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).intValue() == 0;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    @Test
    void aReadinessGateHoldsThePodNotReadyUntilItsConditionIsTrue() {
        create(new PodBuilder(pod("gated", "Always", "sleep", "1000")).editSpec().addNewReadinessGate()
                .withConditionType("example.com/load-balancer").endReadinessGate().endSpec().build());

        Pod waiting = awaitPod("gated", p -> status(p) != null && Boolean.TRUE.equals(status(p).getReady()));
        var ready = waiting.getStatus().getConditions().stream().filter(c -> c.getType().equals("Ready")).findFirst()
                .orElseThrow();
        assertThat(ready.getStatus()).isEqualTo("False");
        assertThat(ready.getReason()).isEqualTo("ReadinessGatesNotReady");
        assertThat(ready.getMessage())
                .isEqualTo("corresponding condition of pod readiness gate \"example.com/load-balancer\" does not exist.");

        // Another controller sets the gate's condition; the agent keeps it and the pod becomes Ready.
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> {
            CLUSTER.client().pods().inNamespace("default").withName("gated").editStatus(p -> new PodBuilder(p).editStatus()
                    .addNewCondition().withType("example.com/load-balancer").withStatus("True").endCondition()
                    .endStatus().build());
            return true;
        });
        awaitPod("gated", p -> p.getStatus().getConditions().stream()
                .anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("True")));
    }

    @Test
    void aProgramThatDoesNotExistIsAStartErrorWithRuncsMessage() {
        Pod pod = create(pod("typo", "Never", "drover-no-such-program", "--flag"));
        Pod failed = awaitPod("typo", p -> "Failed".equals(p.getStatus().getPhase()));
        ContainerStateTerminated terminated = status(failed).getState().getTerminated();
        assertThat(terminated.getReason()).isEqualTo("StartError");
        assertThat(terminated.getExitCode()).isEqualTo(128);
        assertThat(terminated.getMessage()).isEqualTo(
                "unable to start container process: exec: \"drover-no-such-program\": executable file not found in $PATH");
        await().atMost(Duration.ofSeconds(10)).until(() -> events(pod).stream().anyMatch(e -> e.getType().equals("Warning")
                && e.getReason().equals("Failed") && e.getMessage().contains("executable file not found in $PATH")));
        // As with runc, whose create is what fails: the container was Created, then failed to start.
        assertThat(reasonsInOrder(pod, "spec.containers{main}")).containsExactly("Created", "Failed");
    }

    /** The reasons of the pod's events about one container, in the order they were first written. */
    private static List<String> reasonsInOrder(Pod pod, String fieldPath) {
        return events(pod).stream().filter(e -> fieldPath.equals(e.getInvolvedObject().getFieldPath()))
                .sorted(java.util.Comparator.comparing((Event e) -> e.getFirstTimestamp())
                        .thenComparing(e -> e.getMetadata().getName()))
                .map(Event::getReason).toList();
    }

    @Test
    void imageWithoutCommandStaysPendingWithCreateContainerError() {
        Pod pod = CLUSTER.client().pods().inNamespace("default").resource(new PodBuilder().withNewMetadata().withName("nginx")
                .endMetadata().withNewSpec().addNewContainer().withName("web").withImage("nginx").endContainer()
                .endSpec().build()).create();
        Pod pending = awaitPod("nginx", p -> status(p) != null && status(p).getState().getWaiting() != null
                && "CreateContainerError".equals(status(p).getState().getWaiting().getReason()));
        assertThat(pending.getStatus().getPhase()).isEqualTo("Pending");
        assertThat(status(pending).getState().getWaiting().getMessage()).contains("set command");
        await().atMost(Duration.ofSeconds(10)).until(() -> events(pod).stream()
                .anyMatch(e -> e.getType().equals("Warning") && e.getReason().equals("Failed")));
    }

    @Test
    void restartedAgentAdoptsRunningTasksAndStopsThoseOfPodsDeletedMeanwhile() throws Exception {
        String node = "adoption-node";
        Path dataDir = Files.createTempDirectory("drover-agent");
        NodeAgent first = agent(node, dataDir);
        Pod pod;
        long pid;
        String containerId;
        try {
            pod = create(new PodBuilder(pod("adopted", "Always", "sleep", "1000")).editSpec().withNodeName(node)
                    .endSpec().build());
            Pod running = awaitPod("adopted", p -> status(p) != null && status(p).getState().getRunning() != null);
            pid = pidOf(agentContainerDir(dataDir, running));
            containerId = status(running).getContainerID();
            pids.add(pid);
        } finally {
            first.close();
        }
        assertThat(alive(pid)).as("a closed agent leaves its pods running").isTrue();

        try (NodeAgent second = agent(node, dataDir)) {
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(() -> {
                Pod p = CLUSTER.client().pods().inNamespace("default").withName("adopted").get();
                return status(p).getState().getRunning() != null && status(p).getRestartCount() == 0
                        && pidOf(agentContainerDir(dataDir, p)) == pid && status(p).getContainerID().equals(containerId);
            });
            assertThat(events(pod).stream().filter(e -> e.getReason().equals("Started"))).hasSize(1);
        }
        CLUSTER.client().pods().inNamespace("default").withName("adopted").withGracePeriod(0).delete();
        await().atMost(Duration.ofSeconds(10)).until(() -> CLUSTER.client().pods().inNamespace("default").withName("adopted")
                .get() == null);
        assertThat(alive(pid)).isTrue();

        try (NodeAgent third = agent(node, dataDir)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> !alive(pid));
        } finally {
            CLUSTER.client().nodes().withName(node).delete();
            io.drover.testing.TempDirs.delete(dataDir);
        }
    }

    @Test
    void aContainerThatMountsVolumesWaitsWithAClearErrorRatherThanRunOnTheNodesFiles() {
        Pod pod = create(new PodBuilder(pod("mounts", "Always", "sleep", "1000")).editSpec()
                .addNewVolume().withName("cfg").withNewEmptyDir().endEmptyDir().endVolume()
                .editFirstContainer().addNewVolumeMount().withName("cfg").withMountPath("/etc/cfg").endVolumeMount()
                .endContainer().endSpec().build());

        Pod waiting = awaitPod("mounts", p -> status(p) != null && status(p).getState().getWaiting() != null
                && "CreateContainerError".equals(status(p).getState().getWaiting().getReason()));

        assertThat(status(waiting).getState().getWaiting().getMessage())
                .isEqualTo("the process runtime does not mount volumes yet (volumeMounts: cfg at /etc/cfg)");
        await().atMost(Duration.ofSeconds(10)).until(() -> events(pod).stream().anyMatch(e -> e.getType().equals("Warning")
                && e.getMessage().contains("does not mount volumes")));
        CLUSTER.client().pods().inNamespace("default").withName("mounts").withGracePeriod(0).delete();
    }

    @Test
    void deletingAPodAbandonsItsRunningPostStartHook() {
        Pod pod = create(new PodBuilder(pod("hooked", "Always", "sleep", "1000")).editSpec()
                .withTerminationGracePeriodSeconds(2L).editFirstContainer().withNewLifecycle().withNewPostStart()
                .withNewExec().withCommand("sleep", "300").endExec().endPostStart().endLifecycle().endContainer()
                .endSpec().build());
        await().atMost(Duration.ofSeconds(30)).until(() -> events(pod).stream().anyMatch(e -> e.getReason().equals("Started")));

        CLUSTER.client().pods().inNamespace("default").withName("hooked").delete();

        // The kubelet cancels the hook with the pod's sync; before, the delete waited for the 2-minute hook bound.
        await().atMost(Duration.ofSeconds(20)).until(() -> CLUSTER.client().pods().inNamespace("default")
                .withName("hooked").get() == null);
    }

    @Test
    void aNewImageRestartsTheContainerWhateverTheRestartPolicy() {
        Pod pod = create(new PodBuilder(pod("reimaged", "Never", "sleep", "1000")).editSpec().editFirstContainer()
                .withImage("app:1").endContainer().endSpec().build());
        Pod running = awaitPod("reimaged", p -> status(p) != null && status(p).getState().getRunning() != null);
        assertThat(status(running).getImage()).isEqualTo("app:1");

        // A patch without a resourceVersion: the agent's status writes would make an edit's conflict.
        CLUSTER.client().pods().inNamespace("default").withName("reimaged").patch(
                PatchContext.of(PatchType.STRATEGIC_MERGE), "{\"spec\":{\"containers\":[{\"name\":\"main\",\"image\":\"app:2\"}]}}");

        Pod restarted = awaitPod("reimaged", p -> status(p) != null && status(p).getRestartCount() == 1
                && status(p).getState().getRunning() != null);
        assertThat(status(restarted).getImage()).isEqualTo("app:2");
        await().atMost(Duration.ofSeconds(10)).until(() -> events(pod).stream().anyMatch(e -> e.getReason().equals("Killing")
                && e.getMessage().equals("Container main definition changed, will be restarted")));
        CLUSTER.client().pods().inNamespace("default").withName("reimaged").withGracePeriod(0).delete();
    }

    @Test
    void aContainerThatEndedWhileNoAgentWatchedKeepsItsStartTime() throws Exception {
        String node = "ended-away-node";
        Path dataDir = Files.createTempDirectory("drover-agent");
        try {
            String startedAt;
            long pid;
            try (NodeAgent first = agent(node, dataDir)) {
                create(new PodBuilder(pod("ended-away", "Never", "sleep", "2")).editSpec().withNodeName(node)
                        .endSpec().build());
                Pod running = awaitPod("ended-away", p -> status(p) != null && status(p).getState().getRunning() != null);
                startedAt = status(running).getState().getRunning().getStartedAt();
                pid = pidOf(agentContainerDir(dataDir, running));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> !alive(pid));

            try (NodeAgent second = agent(node, dataDir)) {
                Pod ended = awaitPod("ended-away", p -> status(p) != null && status(p).getState().getTerminated() != null);
                var terminated = status(ended).getState().getTerminated();
                assertThat(terminated.getStartedAt()).isEqualTo(startedAt);
                assertThat(java.time.Instant.parse(terminated.getStartedAt()))
                        .isBeforeOrEqualTo(java.time.Instant.parse(terminated.getFinishedAt()));
            }
        } finally {
            CLUSTER.client().pods().inNamespace("default").withName("ended-away").withGracePeriod(0).delete();
            CLUSTER.client().nodes().withName(node).delete();
            io.drover.testing.TempDirs.delete(dataDir);
        }
    }

    @Test
    void aTestClusterStopsItsPodsWhenClosed() throws Exception {
        long pid;
        try (TestCluster other = TestCluster.start()) {
            other.client().pods().inNamespace("default").resource(pod("left", "Always", "sleep", "1000")).create();
            Pod[] running = new Pod[1];
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                running[0] = other.client().pods().inNamespace("default").withName("left").get();
                return status(running[0]) != null && status(running[0]).getState().getRunning() != null;
            });
            pid = pidOf(agentContainerDir(other.dataDir(), running[0]));
            pids.add(pid);
            assertThat(alive(pid)).isTrue();
        }
        assertThat(alive(pid)).isFalse();
    }

    private static NodeAgent agent(String node, Path dataDir) throws Exception {
        String ca = new String(java.util.Base64.getDecoder().decode(CLUSTER.client().getConfiguration().getCaCertData()),
                java.nio.charset.StandardCharsets.UTF_8);
        var credentials = io.drover.api.security.ClusterCredentials.loadOrCreate(CLUSTER.cluster().dataDir());
        return NodeAgent.start(io.drover.controller.ApiClients.connect(CLUSTER.cluster().server().url(), ca, CLUSTER.cluster().token(),
                io.drover.controller.ApiClients.Component.NODE_AGENT),
                CLUSTER.cluster().server().url(), new NodeAgent.Settings(node, dataDir, io.drover.agent.ports.PortRange.DEFAULT,
                        RestartBackoffPolicy.DEFAULT, new io.drover.agent.server.KubeletServer.Config(0,
                        credentials.serverKeyStore(), credentials.keyStorePassword(), credentials::isAdminToken), false));
    }

    private static Path agentContainerDir(Path dataDir, Pod p) {
        return dataDir.resolve("pods").resolve(p.getMetadata().getNamespace() + "_" + p.getMetadata().getName()
                + "_" + p.getMetadata().getUid()).resolve("main");
    }

    private Pod create(Pod pod) {
        return CLUSTER.client().pods().inNamespace("default").resource(pod).create();
    }

    private static Pod pod(String name, String restartPolicy, String... command) {
        return new PodBuilder().withNewMetadata().withName(name).endMetadata()
                .withNewSpec().withRuntimeClassName("process").withRestartPolicy(restartPolicy)
                .addNewContainer().withName("main").withCommand(command).endContainer().endSpec().build();
    }

    private Pod awaitPod(String name, java.util.function.Predicate<Pod> condition) {
        Pod[] seen = new Pod[1];
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
            Pod p = CLUSTER.client().pods().inNamespace("default").withName(name).get();
            rememberPids(p);
            seen[0] = p;
            return p != null && p.getStatus() != null && condition.test(p);
        });
        return seen[0];
    }

    private void rememberPids(Pod p) {
        if (p == null || p.getSpec().getNodeName() == null) {
            return;
        }
        for (var c : p.getSpec().getContainers()) {
            try {
                pids.add(pidOf(containerDir(p, c.getName())));
            } catch (Exception e) {
                // not started (yet)
            }
        }
    }

    private static ContainerStatus status(Pod p) {
        if (p == null || p.getStatus() == null || p.getStatus().getContainerStatuses() == null
                || p.getStatus().getContainerStatuses().isEmpty()) {
            return null;
        }
        return p.getStatus().getContainerStatuses().get(0);
    }

    private static Path containerDir(Pod p, String container) {
        return CLUSTER.cluster().dataDir().resolve("pods").resolve(p.getMetadata().getNamespace() + "_"
                + p.getMetadata().getName() + "_" + p.getMetadata().getUid()).resolve(container);
    }

    private static long pidOf(Path containerDir) throws Exception {
        return TaskHandle.fromJson(Files.readString(containerDir.resolve("handle.json"))).pid();
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)
                && Files.exists(Path.of("/proc/" + pid));
    }

    private static List<Event> events(Pod pod) {
        return CLUSTER.client().v1().events().inNamespace("default").list().getItems().stream()
                .filter(e -> pod.getMetadata().getUid().equals(e.getInvolvedObject().getUid())).toList();
    }
}
