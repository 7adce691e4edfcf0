package io.drover.agent;

import io.drover.agent.runtime.Runtime;
import io.drover.agent.runtime.process.ProcessRuntime;
import io.drover.controller.Controller;
import io.drover.controller.EventHandlers;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node agent (drover's kubelet): registers this machine's Node and keeps its status and Lease
 * fresh ({@link NodeStatusReporter}), and runs the pods bound to it through the process {@link
 * Runtime} ({@link PodWorker}), talking to the API server only.
 *
 * <p>Closing it stops watching and reporting but leaves the pods running, so the next agent on
 * this node adopts them, unless it was started with {@code stopPodsOnClose} (tests).
 */
public final class NodeAgent implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(NodeAgent.class);
    private static final int WORKERS = 4;

    private final KubernetesClient client;
    private final String nodeName;
    private final boolean stopPodsOnClose;
    private SharedIndexInformer<Pod> pods;
    private Controller controller;
    private PodWorker worker;
    private ScheduledExecutorService heartbeats;
    private boolean closed;

    private NodeAgent(KubernetesClient client, String nodeName, boolean stopPodsOnClose) {
        this.client = client;
        this.nodeName = nodeName;
        this.stopPodsOnClose = stopPodsOnClose;
    }

    /**
     * Starts the agent of node {@code nodeName} (null: the host name), keeping its state under
     * {@code dataDir}; the client is the agent's own, closed with it. {@code apiServer} is the URL
     * pods reach the API server at (KUBERNETES_SERVICE_HOST/PORT).
     */
    public static NodeAgent start(KubernetesClient client, String nodeName, Path dataDir, URI apiServer,
            boolean stopPodsOnClose) throws Exception {
        return start(client, nodeName, dataDir, apiServer, stopPodsOnClose, RestartBackoffPolicy.DEFAULT);
    }

    /** As {@link #start(KubernetesClient, String, Path, URI, boolean)}, restarting containers with {@code backoff}. */
    public static NodeAgent start(KubernetesClient client, String nodeName, Path dataDir, URI apiServer,
            boolean stopPodsOnClose, RestartBackoffPolicy backoff) throws Exception {
        String name = nodeName == null || nodeName.isBlank() ? HostFacts.hostName() : nodeName;
        NodeAgent agent = new NodeAgent(client, name, stopPodsOnClose);
        try {
            agent.startAll(dataDir, apiServer, backoff);
        } catch (Exception | Error e) {
            agent.close();
            throw e;
        }
        return agent;
    }

    public String nodeName() {
        return nodeName;
    }

    private void startAll(Path dataDir, URI apiServer, RestartBackoffPolicy backoff) throws Exception {
        Clock clock = Clock.systemUTC();
        HostFacts host = HostFacts.detect(nodeName);
        NodeStatusReporter reporter = new NodeStatusReporter(client, host, clock);
        reporter.register();
        heartbeats = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "node-agent-heartbeat");
            t.setDaemon(true);
            return t;
        });
        long period = NodeStatusReporter.HEARTBEAT.toMillis();
        heartbeats.scheduleWithFixedDelay(reporter::heartbeatQuietly, period, period, TimeUnit.MILLISECONDS);

        Runtime runtime = ProcessRuntime.create(dataDir.resolve("runtime").resolve("process"));
        ResourceLimitsWarning.recordIfUnenforced(client, runtime, nodeName, clock);
        pods = client.pods().inAnyNamespace().withField("spec.nodeName", nodeName).runnableInformer(0);
        // PATH here replaces the host's PATH that PodWorker starts from: `drover` first (SelfLauncher).
        Map<String, String> clusterEnv = Map.of("KUBERNETES_SERVICE_HOST", apiServer.getHost(),
                "KUBERNETES_SERVICE_PORT", Integer.toString(apiServer.getPort()),
                "PATH", SelfLauncher.install(dataDir.resolve("bin"), System.getenv("PATH")));
        worker = new PodWorker(client, pods, runtime, new PodFiles(dataDir.resolve("pods")), host, clusterEnv, clock,
                backoff, HookPorts.CONTAINER_PORTS);
        controller = new Controller("node-agent", worker);
        worker.onTaskExit(controller::enqueue);
        pods.addEventHandler(EventHandlers.enqueue(controller));
        pods.start().toCompletableFuture().get(60, TimeUnit.SECONDS);
        // Tasks persisted for pods that were deleted while no agent ran.
        worker.destroyOrphans(pods.getStore().list().stream()
                .collect(Collectors.toMap(p -> p.getMetadata().getUid(), Function.identity(), (a, b) -> a)));
        controller.start(WORKERS);
        log.info("node agent for node {} started ({} CPUs, {}Ki memory, IP {})", nodeName, host.cpus(),
                host.memoryKi(), host.internalIp());
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (controller != null) {
                controller.close();
            }
            if (pods != null) {
                pods.close();
            }
            if (heartbeats != null) {
                heartbeats.shutdownNow();
            }
            if (worker != null) {
                worker.close();
                if (stopPodsOnClose) {
                    worker.stopEverything(Duration.ofSeconds(2));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            client.close();
        }
    }
}
