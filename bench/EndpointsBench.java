// The endpoints benchmark, run by bench/endpoints-bench.sh against a running `drover server`:
// how long after a pod's readiness changes the Service's EndpointSlice shows it (issue #5: "updated
// within 100 ms of a readiness change"). Prints a Markdown table on stdout, progress on stderr.
//
//   java -cp target/drover.jar bench/EndpointsBench.java --kubeconfig FILE [--pods P] [--flips F]
//
// The bench stands in for the kubelet: P pods bound to a node no agent runs ("endpoints-bench"),
// each with a host-port annotation, a podIP and a Ready condition it writes through the status
// subresource (a merge patch, as the kubelet's status manager does). A flip toggles one pod's
// Ready condition; its latency runs from just before that status write is sent to the arrival,
// on this bench's own watch, of the EndpointSlice event that shows the pod's new ready condition
// (what a proxy or DNS server watching slices sees). The target is measured from the readiness
// change itself: the arrival of the pod's update on the bench's pod watch, which reaches the bench
// as it reaches the controller; so it is the controller's watch delivery, its reconcile, its slice
// write and the slice watch's delivery. The latency from the moment the status write is sent, which
// adds the write's own round trip, is shown next to it. Flips are one at a time (each waits for its
// slice), with a random 20-60 ms pause between them. Not a test.

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

public class EndpointsBench {
    static final String NS = "default";
    static final String SERVICE = "endpoints-bench";
    static final String NODE = "endpoints-bench";
    static final long TIMEOUT_MS = 10_000;

    /** Per pod: the ready condition the latest slice event showed, and when (System.nanoTime) it arrived. */
    record Seen(boolean ready, long atNanos) {}

    static final Map<String, Seen> seen = new ConcurrentHashMap<>();
    /** Per pod: the Ready condition its latest pod event showed, and when it arrived. */
    static final Map<String, Seen> podSeen = new ConcurrentHashMap<>();

    public static void main(String[] args) throws Exception {
        Path kubeconfig = null;
        int podCount = 5;
        int flips = 50;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--kubeconfig" -> kubeconfig = Path.of(args[++i]);
                case "--pods" -> podCount = Integer.parseInt(args[++i]);
                case "--flips" -> flips = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument: " + args[i]);
            }
        }
        if (kubeconfig == null) {
            throw new IllegalArgumentException("--kubeconfig FILE is required");
        }
        Config config = Config.fromKubeconfig(Files.readString(kubeconfig));
        try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build()) {
            run(client, podCount, flips);
        }
    }

    static void run(KubernetesClient client, int podCount, int flips) throws Exception {
        client.services().inNamespace(NS).resource(new ServiceBuilder().withNewMetadata().withName(SERVICE).endMetadata()
                .withNewSpec().addToSelector("app", SERVICE)
                .addNewPort().withName("http").withPort(8080).withNewTargetPort("http").endPort().endSpec()
                .build()).create();
        List<String> pods = new ArrayList<>();
        Watch watch = null;
        Watch podWatch = null;
        try {
            for (int i = 0; i < podCount; i++) {
                String name = SERVICE + "-" + i;
                pods.add(name);
                client.pods().inNamespace(NS).resource(new PodBuilder()
                        .withNewMetadata().withName(name).addToLabels("app", SERVICE)
                        .addToAnnotations("drover.io/host-ports", "http:8080/TCP=" + (21000 + i)).endMetadata()
                        .withNewSpec().withNodeName(NODE).addNewContainer().withName("app").withImage("process")
                        .withCommand("sleep", "infinity").addNewPort().withName("http").withContainerPort(8080).endPort()
                        .endContainer().endSpec().build()).create();
                setReady(client, name, true);
            }
            podWatch = client.pods().inNamespace(NS).withLabel("app", SERVICE).watch(new Watcher<>() {
                @Override
                public void eventReceived(Action action, Pod pod) {
                    long now = System.nanoTime();
                    if (action == Action.BOOKMARK) {
                        return; // names no pod
                    }
                    boolean ready = pod.getStatus() != null && pod.getStatus().getConditions() != null && pod.getStatus()
                            .getConditions().stream().anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("True"));
                    podSeen.put(pod.getMetadata().getName(), new Seen(ready, now));
                }

                @Override
                public void onClose(WatcherException cause) { }
            });
            watch = client.discovery().v1().endpointSlices().inNamespace(NS)
                    .withLabel("kubernetes.io/service-name", SERVICE).watch(new Watcher<>() {
                        @Override
                        public void eventReceived(Action action, EndpointSlice slice) {
                            long now = System.nanoTime();
                            if (action == Action.DELETED || slice.getEndpoints() == null) {
                                return;
                            }
                            for (Endpoint e : slice.getEndpoints()) {
                                if (e.getTargetRef() != null) {
                                    seen.put(e.getTargetRef().getName(), new Seen(
                                            !Boolean.FALSE.equals(e.getConditions().getReady()), now));
                                }
                            }
                        }

                        @Override
                        public void onClose(WatcherException cause) { }
                    });
            for (String pod : pods) {
                awaitSeen(seen, pod, true, 0);
            }
            System.err.println("endpoints-bench: " + podCount + " pods ready in the slices; " + flips + " flips");
            List<Double> millis = new ArrayList<>();
            List<Double> fromSend = new ArrayList<>();
            for (int flip = 0; flip < flips; flip++) {
                String pod = pods.get(flip % podCount);
                boolean ready = !seen.get(pod).ready();
                long sent = System.nanoTime();
                setReady(client, pod, ready);
                long arrived = awaitSeen(seen, pod, ready, sent);
                long changed = awaitSeen(podSeen, pod, ready, sent);
                millis.add((arrived - changed) / 1e6);
                fromSend.add((arrived - sent) / 1e6);
                Thread.sleep(ThreadLocalRandom.current().nextLong(20, 61));
            }
            report(podCount, millis, fromSend);
        } finally {
            if (watch != null) {
                watch.close();
            }
            if (podWatch != null) {
                podWatch.close();
            }
            client.services().inNamespace(NS).withName(SERVICE).delete();
            for (String pod : pods) {
                client.pods().inNamespace(NS).withName(pod).withGracePeriod(0).delete();
            }
        }
    }

    /** The pod's Ready condition (and, the first time, Running with an IP) through the status subresource. */
    static void setReady(KubernetesClient client, String pod, boolean ready) {
        String now = Instant.now().toString().replaceAll("\\.\\d+Z$", "Z");
        String status = ready ? "True" : "False";
        String patch = """
                {"status":{"phase":"Running","podIP":"127.0.0.1","podIPs":[{"ip":"127.0.0.1"}],"hostIP":"127.0.0.1",
                "conditions":[{"type":"Ready","status":"%s","lastTransitionTime":"%s"},
                {"type":"ContainersReady","status":"%s","lastTransitionTime":"%s"}]}}
                """.formatted(status, now, status, now);
        client.pods().inNamespace(NS).withName(pod).subresource("status")
                .patch(PatchContext.of(PatchType.JSON_MERGE), patch);
    }

    /** Waits until an event after {@code since} shows the pod with this ready condition; its arrival time. */
    static long awaitSeen(Map<String, Seen> events, String pod, boolean ready, long since) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT_MS * 1_000_000;
        while (System.nanoTime() < deadline) {
            Seen s = events.get(pod);
            if (s != null && s.ready() == ready && s.atNanos() - since >= 0) {
                return s.atNanos();
            }
            Thread.onSpinWait();
            Thread.sleep(0, 200_000);
        }
        throw new IllegalStateException(pod + ": no event showed ready=" + ready + " within " + TIMEOUT_MS + " ms");
    }

    /** The flips' latencies from the readiness change, and (for reading them) from the status write's sending. */
    static void report(int podCount, List<Double> millis, List<Double> fromSend) {
        List<Double> sorted = new ArrayList<>(millis);
        Collections.sort(sorted);
        List<Double> sortedSend = new ArrayList<>(fromSend);
        Collections.sort(sortedSend);
        double p99 = percentile(sorted, 99);
        System.out.println("| pods | flips | p50 ms | p99 ms | max ms | from the write's sending: p50 / p99 ms | target (p99) | result |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        System.out.printf("| %d | %d | %.1f | %.1f | %.1f | %.1f / %.1f | <= 100 ms | %s |%n", podCount, sorted.size(),
                percentile(sorted, 50), p99, sorted.get(sorted.size() - 1), percentile(sortedSend, 50),
                percentile(sortedSend, 99), p99 <= 100 ? "PASS" : "FAIL");
    }

    /** Nearest-rank percentile. */
    static double percentile(List<Double> sorted, int p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, rank - 1));
    }
}
