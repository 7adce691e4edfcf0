package io.drover.agent;

import io.drover.controller.Informers;
import io.drover.agent.logs.LogPipeline;
import io.drover.agent.env.ApiEnvVarSources;
import io.drover.agent.env.ContainerEnvironment;
import io.drover.agent.env.NodeEnv;
import io.drover.agent.ports.HostPortAllocator;
import io.drover.agent.ports.PodPortAssigner;
import io.drover.agent.ports.PortProbe;
import io.drover.agent.ports.PortRange;
import io.drover.agent.ports.PortReservation;
import io.drover.agent.probe.ProbePorts;
import io.drover.agent.runtime.Runtime;
import io.drover.agent.runtime.process.ProcessRuntime;
import io.drover.agent.server.KubeletServer;
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
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node agent (drover's kubelet): registers this machine's Node and keeps its status and Lease
 * fresh ({@link NodeStatusReporter}), and runs the pods bound to it through the process {@link
 * Runtime} ({@link PodWorker}), talking to the API server only. It serves its pods' logs to the
 * API server on a kubelet-style endpoint ({@link KubeletServer}).
 *
 * <p>Closing it stops watching and reporting but leaves the pods running, so the next agent on
 * this node adopts them, unless it was started with {@code stopPodsOnClose} (tests).
 */
public final class NodeAgent implements AutoCloseable {

    /**
     * How an agent runs.
     *
     * @param nodeName the Node's name; null or blank for the host name
     * @param dataDir where it keeps its pods' files (logs, task handles) and its runtime's state
     * @param hostPorts the host ports given to containerPorts
     * @param restartBackoff how container restarts are spaced
     * @param kubelet how its kubelet endpoint serves
     * @param stopPodsOnClose whether closing it stops its pods (tests) instead of leaving them to
     *     the next agent
     * @param clusterDns the address pods' resolv.conf names as nameserver (the kube-dns ClusterIP, or
     *     the cluster DNS's own address on port 53), asked at each container start; null while there is none
     */
    public record Settings(String nodeName, Path dataDir, PortRange hostPorts, RestartBackoffPolicy restartBackoff,
            KubeletServer.Config kubelet, boolean stopPodsOnClose, Supplier<String> clusterDns,
            BooleanSupplier clusterIpsServed) {
        /** Settings for an agent whose pods have no cluster DNS and whose node serves no ClusterIPs. */
        public Settings(String nodeName, Path dataDir, PortRange hostPorts, RestartBackoffPolicy restartBackoff,
                KubeletServer.Config kubelet, boolean stopPodsOnClose) {
            this(nodeName, dataDir, hostPorts, restartBackoff, kubelet, stopPodsOnClose, () -> null, () -> false);
        }
    }

    private static final Logger log = LoggerFactory.getLogger(NodeAgent.class);
    private static final int WORKERS = 4;

    private final KubernetesClient client;
    private final String nodeName;
    private final boolean stopPodsOnClose;
    private SharedIndexInformer<Pod> pods;
    private Controller controller;
    private PodWorker worker;
    private ScheduledExecutorService heartbeats;
    private LogPipeline logs;
    private KubeletServer kubelet;
    private boolean closed;

    private NodeAgent(KubernetesClient client, String nodeName, boolean stopPodsOnClose) {
        this.client = client;
        this.nodeName = nodeName;
        this.stopPodsOnClose = stopPodsOnClose;
    }

    /**
     * Starts the agent of node {@code settings.nodeName()}; the client is the agent's own, closed
     * with it. {@code apiServer} is the URL
     * pods reach the API server at (KUBERNETES_SERVICE_HOST/PORT).
     */
    public static NodeAgent start(KubernetesClient client, URI apiServer, Settings settings) throws Exception {
        String nodeName = settings.nodeName();
        String name = nodeName == null || nodeName.isBlank() ? HostFacts.hostName() : nodeName;
        NodeAgent agent = new NodeAgent(client, name, settings.stopPodsOnClose());
        try {
            agent.startAll(apiServer, settings);
        } catch (Exception | Error e) {
            agent.close();
            throw e;
        }
        return agent;
    }

    public String nodeName() {
        return nodeName;
    }

    private void startAll(URI apiServer, Settings settings) throws Exception {
        Path dataDir = settings.dataDir();
        Clock clock = Clock.systemUTC();
        HostFacts host = HostFacts.detect(nodeName, dataDir);
        PodFiles files = new PodFiles(dataDir.resolve("pods"));
        pods = Informers.keepWatching(client.pods().inAnyNamespace().withField("spec.nodeName", nodeName).runnableInformer(0));
        logs = LogPipeline.start(clock, LogPipeline.DEFAULT_MAX_SIZE, LogPipeline.DEFAULT_MAX_FILES);
        Runtime runtime = ProcessRuntime.create(dataDir.resolve("runtime").resolve("process"));
        ResourceLimitsWarning.recordIfUnenforced(client, runtime, nodeName, clock);
        Map<String, String> clusterEnv = Map.of("KUBERNETES_SERVICE_HOST", apiServer.getHost(),
                "KUBERNETES_SERVICE_PORT", Integer.toString(apiServer.getPort()));
        // Pods find `drover` first on their PATH (SelfLauncher), e.g. for `command: [drover, demo-app]`.
        String path = SelfLauncher.install(dataDir.resolve("bin"), System.getenv("PATH"));
        NodeEnv nodeEnv = new NodeEnv(host.internalIp(), host.allocatable(NodeStatusReporter.MAX_PODS), clusterEnv,
                path);
        PortReservation.system().reserve(settings.hostPorts());
        PodPortAssigner ports = new PodPortAssigner(client,
                new HostPortAllocator(settings.hostPorts(), PortProbe.bindTest(), RandomGenerator.getDefault()));
        worker = new PodWorker(client, pods, runtime, files, logs, host, ports,
                new ContainerEnvironment(nodeEnv, new ApiEnvVarSources(client), settings.clusterIpsServed()), clock, settings.restartBackoff(),
                HookPorts.allocated(ports::portsOf), ProbePorts.allocated(ports::portsOf), new PodDnsFiles(settings.clusterDns()));
        kubelet = KubeletServer.start(settings.kubelet(), new PodLogSource(pods, files), logs, worker::execTarget, worker::attach,
                worker::portForwardTarget);
        NodeStatusReporter reporter = new NodeStatusReporter(client, host, kubelet.port(), clock);
        reporter.starting();
        reporter.register();
        heartbeats = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "node-agent-heartbeat");
            t.setDaemon(true);
            return t;
        });
        long period = NodeStatusReporter.HEARTBEAT.toMillis();
        heartbeats.scheduleWithFixedDelay(reporter::heartbeatQuietly, period, period, TimeUnit.MILLISECONDS);

        controller = new Controller("node-agent", worker);
        worker.onTaskExit(controller::enqueue);
        pods.addEventHandler(EventHandlers.enqueue(controller));
        pods.start().toCompletableFuture().get(60, TimeUnit.SECONDS);
        // Before any pod is reconciled, so that no new pod is given a port a running pod holds.
        ports.restore(pods.getStore().list());
        // Tasks persisted for pods that were deleted while no agent ran.
        worker.destroyOrphans(pods.getStore().list().stream()
                .collect(Collectors.toMap(p -> p.getMetadata().getUid(), Function.identity(), (a, b) -> a)));
        controller.start(WORKERS);
        log.info("node agent for node {} started ({} CPUs, {}Ki memory, IP {}, kubelet port {})", nodeName,
                host.cpus(), host.memoryKi(), host.internalIp(), kubelet.port());
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
            closeLogs();
            client.close();
        }
    }

    /** Stops copying output (the runs go on) and the kubelet endpoint, ending the logs being followed. */
    private void closeLogs() {
        if (logs != null) {
            logs.close();
        }
        if (kubelet != null) {
            try {
                kubelet.close();
            } catch (Exception e) {
                log.warn("stopping the kubelet endpoint of node {} failed: {}", nodeName, e.toString());
            }
        }
    }
}
