// The workload benchmark, run by bench/workload-bench.sh against a running `drover server` on
// this machine: (a) a Deployment of a tiny app scaled 1 -> N, time until all N replicas are Ready
// and accept connections, against the plain shell loop the script ran before (the same app, the
// same number of new processes, one after another, each waited on until it accepts a connection);
// (b) kill -9 of a replica's process until it is Ready and accepts connections again, against the
// app's own start time from that loop; (c) the server's VmRSS with 0 and with N pods. Prints a
// Markdown table on stdout, progress on stderr. Needs the fabric8 client (target/drover.jar):
//
//   java -cp target/drover.jar bench/WorkloadBench.java --data-dir DIR --server-pid PID \
//       --baseline FILE --app 'SHELL COMMAND' [--replicas N] [--kills K] [--readiness-probe]
//
// A replica listens on $PORT, the host port the node agent allocated to its containerPort "http"
// (read from the pod's drover.io/host-ports annotation). Not a test; not part of `mvn test`.

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

public class WorkloadBench {
    static final String NS = "default";
    static final String NAME = "tiny";
    static final Pattern PID = Pattern.compile("\"pid\"\\s*:\\s*(\\d+)");
    static final long POLL_MS = 10;
    static final long TIMEOUT_MS = 300_000;

    static Path dataDir;
    static KubernetesClient client;
    static SharedIndexInformer<Pod> pods;

    public static void main(String[] args) throws Exception {
        long serverPid = 0;
        Path baselineFile = null;
        String app = null;
        int replicas = 100;
        int kills = 5;
        boolean probe = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--data-dir" -> dataDir = Path.of(args[++i]);
                case "--server-pid" -> serverPid = Long.parseLong(args[++i]);
                case "--baseline" -> baselineFile = Path.of(args[++i]);
                case "--app" -> app = args[++i];
                case "--replicas" -> replicas = Integer.parseInt(args[++i]);
                case "--kills" -> kills = Integer.parseInt(args[++i]);
                case "--readiness-probe" -> probe = true;
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        Baseline baseline = Baseline.read(baselineFile);
        Config config = Config.fromKubeconfig(Files.readString(dataDir.resolve("kubeconfig")));
        client = new KubernetesClientBuilder().withConfig(config).build();
        pods = client.pods().inNamespace(NS).withLabel("app", NAME).inform();
        try {
            // Measured as the N-pod figure below is: after 10 s in which the server does nothing
            // (the informer above has just listed and opened its watch).
            log("settling 10 s before measuring memory");
            Thread.sleep(10_000);
            long rss0 = rssKb(serverPid);
            log("server VmRSS with 0 pods: %d MiB", rss0 / 1024);

            client.resource(deployment(app, probe)).create();
            Map<String, Integer> answering = awaitAnswering(1, Map.of());
            log("1 replica answering; scaling to %d", replicas);
            long t0 = System.nanoTime();
            // kubectl scale's request: a merge patch of /scale without a resourceVersion, so the
            // controller's concurrent status writes cannot make it conflict.
            client.apps().deployments().inNamespace(NS).withName(NAME).subresource("scale")
                    .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"replicas\":" + replicas + "}}");
            answering = awaitAnswering(replicas, answering);
            double scaleMs = (System.nanoTime() - t0) / 1e6;
            log("%d replicas Ready and answering after %.0f ms (shell loop: %.0f ms for %d processes)", replicas,
                    scaleMs, baseline.totalMs, baseline.starts.length);

            double[] killMs = new double[kills];
            List<String> names = new ArrayList<>(answering.keySet());
            for (int k = 0; k < kills; k++) {
                killMs[k] = killAndAwait(names.get(k));
                log("kill -9 %s: Ready and answering again after %.0f ms", names.get(k), killMs[k]);
            }

            log("settling 10 s before measuring memory");
            Thread.sleep(10_000);
            long rssN = rssKb(serverPid);
            long[] children = childrenRssKb(serverPid);
            print(replicas, probe, baseline, scaleMs, killMs, rss0, rssN, children);
        } finally {
            client.apps().deployments().inNamespace(NS).withName(NAME).delete();
            awaitNoPods();
            pods.close();
            client.close();
        }
    }

    static Deployment deployment(String app, boolean probe) {
        var container = new io.fabric8.kubernetes.api.model.ContainerBuilder()
                .withName("app").withCommand("sh", "-c", app)
                .addNewPort().withName("http").withContainerPort(8080).endPort();
        if (probe) {
            container.withNewReadinessProbe().withNewTcpSocket().withPort(new IntOrString("http")).endTcpSocket()
                    .withPeriodSeconds(1).endReadinessProbe();
        }
        return new DeploymentBuilder().withNewMetadata().withName(NAME).withNamespace(NS).endMetadata()
                .withNewSpec().withReplicas(1).withNewSelector().addToMatchLabels("app", NAME).endSelector()
                .withNewTemplate().withNewMetadata().addToLabels("app", NAME).endMetadata()
                .withNewSpec().withContainers(container.build()).withTerminationGracePeriodSeconds(2L).endSpec()
                .endTemplate().endSpec().build();
    }

    /** Waits until {@code n} pods are Ready and accept a connection; returns their ports by name. */
    static Map<String, Integer> awaitAnswering(int n, Map<String, Integer> known) throws Exception {
        Map<String, Integer> answering = new HashMap<>(known);
        long deadline = System.currentTimeMillis() + TIMEOUT_MS;
        while (answering.size() < n) {
            for (Pod pod : pods.getStore().list()) {
                String name = pod.getMetadata().getName();
                if (answering.containsKey(name) || pod.getMetadata().getDeletionTimestamp() != null || !ready(pod)) {
                    continue;
                }
                Integer port = hostPort(pod);
                if (port != null && accepts(port)) {
                    answering.put(name, port);
                }
            }
            check(deadline, answering.size() + " of " + n + " replicas answering");
            Thread.sleep(POLL_MS);
        }
        return answering;
    }

    /** kill -9 of the replica's process; ms until the restarted one is Ready and accepts a connection. */
    static double killAndAwait(String name) throws Exception {
        Pod pod = pods.getStore().getByKey(NS + "/" + name);
        long pid = pidOf(pod);
        int restarts = pod.getStatus().getContainerStatuses().get(0).getRestartCount();
        long t0 = System.nanoTime();
        new ProcessBuilder("kill", "-9", Long.toString(pid)).start().waitFor();
        long deadline = System.currentTimeMillis() + TIMEOUT_MS;
        while (true) {
            Pod now = pods.getStore().getByKey(NS + "/" + name);
            if (now != null && ready(now) && now.getStatus().getContainerStatuses().get(0).getRestartCount() > restarts) {
                Integer port = hostPort(now);
                if (port != null && accepts(port)) {
                    return (System.nanoTime() - t0) / 1e6;
                }
            }
            check(deadline, name + " not back after kill -9");
            Thread.sleep(POLL_MS);
        }
    }

    static void awaitNoPods() throws InterruptedException {
        long deadline = System.currentTimeMillis() + TIMEOUT_MS;
        while (!client.pods().inNamespace(NS).withLabel("app", NAME).list().getItems().isEmpty()
                && System.currentTimeMillis() < deadline) {
            Thread.sleep(200);
        }
    }

    static boolean ready(Pod pod) {
        return pod.getStatus() != null && pod.getStatus().getConditions() != null && pod.getStatus().getConditions()
                .stream().anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("True"));
    }

    static Path containerDir(Pod pod) {
        return dataDir.resolve("pods").resolve(NS + "_" + pod.getMetadata().getName() + "_" + pod.getMetadata().getUid())
                .resolve("app");
    }

    /** The host port the node agent allocated to the app's containerPort "http" (it listens on $PORT). */
    static Integer hostPort(Pod pod) {
        java.util.OptionalInt port = io.drover.ports.PodPorts.of(pod).forTarget(new IntOrString("http"), "TCP");
        return port.isPresent() ? port.getAsInt() : null;
    }

    static long pidOf(Pod pod) throws IOException {
        Matcher m = PID.matcher(Files.readString(containerDir(pod).resolve("handle.json")));
        if (!m.find()) {
            throw new IllegalStateException("no pid in the handle of " + pod.getMetadata().getName());
        }
        return Long.parseLong(m.group(1));
    }

    static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static long rssKb(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        throw new IllegalStateException("no VmRSS for pid " + pid);
    }

    /** VmRSS of the server's descendants: {replicas' processes, the runtime's per-task monitors}. */
    static long[] childrenRssKb(long serverPid) {
        Set<Long> tasks = new HashSet<>();
        for (Pod pod : pods.getStore().list()) {
            try {
                tasks.add(pidOf(pod));
            } catch (IOException | IllegalStateException e) {
                // not running now
            }
        }
        long[] sums = new long[2];
        ProcessHandle.of(serverPid).ifPresent(server -> server.descendants().forEach(p -> {
            try {
                sums[tasks.contains(p.pid()) ? 0 : 1] += rssKb(p.pid());
            } catch (IOException | RuntimeException e) {
                // ended meanwhile
            }
        }));
        return sums;
    }

    static void check(long deadline, String what) {
        if (System.currentTimeMillis() > deadline) {
            throw new IllegalStateException("timed out: " + what);
        }
    }

    record Baseline(double totalMs, double[] starts) {
        /** The script's file: "total MS" then one "start MS" line per process. */
        static Baseline read(Path file) throws IOException {
            double total = 0;
            List<Double> starts = new ArrayList<>();
            for (String line : Files.readAllLines(file)) {
                String[] f = line.trim().split("\\s+");
                if (f[0].equals("total")) {
                    total = Double.parseDouble(f[1]);
                } else if (f[0].equals("start")) {
                    starts.add(Double.parseDouble(f[1]));
                }
            }
            return new Baseline(total, starts.stream().mapToDouble(Double::doubleValue).toArray());
        }
    }

    static double median(double[] values) {
        double[] s = values.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    static void print(int n, boolean probe, Baseline b, double scaleMs, double[] killMs, long rss0, long rssN,
            long[] children) {
        double appStart = median(b.starts);
        double killMedian = median(killMs);
        double killMax = Arrays.stream(killMs).max().orElse(0);
        double ratio = scaleMs / b.totalMs;
        double perPodKb = (rssN - rss0) / (double) n;
        StringBuilder out = new StringBuilder();
        out.append(String.format("Readiness: %s.%n%n", probe
                ? "tcpSocket readiness probe on port http, periodSeconds 1, and the bench's own connection"
                : "no readiness probe; Ready as the agent reports it and the bench's own connection"));
        out.append("| measurement | figure |\n|---|---:|\n");
        out.append(String.format("| shell loop: %d processes started one after another, each until it accepts (ms) | %.0f |%n",
                b.starts.length, b.totalMs));
        out.append(String.format("| drover: scale 1 -> %d, until all %d Ready and accepting (ms) | %.0f |%n", n, n, scaleMs));
        out.append(String.format("| ratio drover / shell loop | %.2f |%n", ratio));
        out.append(String.format("| app's own start, median (min / max) of the loop's processes (ms) | %.0f (%.0f / %.0f) |%n",
                appStart, Arrays.stream(b.starts).min().orElse(0), Arrays.stream(b.starts).max().orElse(0)));
        out.append(String.format("| kill -9 to Ready and accepting again, median (max) of %d (ms) | %.0f (%.0f) |%n",
                killMs.length, killMedian, killMax));
        out.append(String.format("| server VmRSS, 0 pods (MiB) | %.1f |%n", rss0 / 1024.0));
        out.append(String.format("| server VmRSS, %d pods (MiB) | %.1f |%n", n, rssN / 1024.0));
        out.append(String.format("| server VmRSS per pod (KiB) | %.0f |%n", perPodKb));
        out.append(String.format("| VmRSS of the %d replicas, sum (MiB) | %.1f |%n", n, children[0] / 1024.0));
        out.append(String.format("| VmRSS of the runtime's per-task monitors, sum (MiB) | %.1f |%n", children[1] / 1024.0));
        out.append("\n| target | figure | result |\n|---|---|---|\n");
        out.append(row("(a) scale 1 -> " + n + " within 1.5x the shell loop", String.format("%.2fx", ratio), ratio <= 1.5));
        out.append(row("(b) kill -9 to Ready within the app's start + 300 ms",
                String.format("%.0f ms vs %.0f + 300 ms", killMedian, appStart), killMedian <= appStart + 300));
        out.append(row("(c) server VmRSS with 0 pods <= 200 MB", String.format("%.0f MB", rss0 * 1024 / 1e6),
                rss0 * 1024 <= 200e6));
        out.append(row("(c) server VmRSS <= 1 MB more per pod", String.format("%.2f MB", perPodKb * 1024 / 1e6),
                perPodKb * 1024 <= 1e6));
        System.out.print(out);
    }

    static String row(String target, String figure, boolean pass) {
        return "| " + target + " | " + figure + " | " + (pass ? "PASS" : "**FAIL**") + " |\n";
    }

    static void log(String format, Object... args) {
        System.err.printf("workload-bench: " + format + "%n", args);
    }
}
