package io.drover.api.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.drover.agent.exec.ExecHandler;
import io.drover.agent.exec.ExecTarget;
import io.drover.agent.exec.ExecTargets;
import io.drover.api.security.ClusterCredentials;
import io.drover.testing.ChannelStreams;
import io.drover.testing.Kubectl;
import io.drover.testing.Requirements;
import io.drover.testing.SharedCluster;
import io.drover.testing.TempDirs;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * pods/exec end to end: the real API server relays to an {@link ExecHandler} mounted on a minimal
 * HTTPS node server that lives in this test only (the node agent's own server is separate work),
 * driven by the real kubectl and by a raw WebSocket client.
 */
class PodExecIT {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @RegisterExtension
    static final SharedCluster CLUSTER = new SharedCluster(options -> options.withNodeAgent(false));
    private static Server kubelet;
    private static Path workDir;
    private static Path cache;

    @BeforeAll
    static void start() throws Exception {
        workDir = TempDirs.create("drover-exec-pod");
        cache = TempDirs.create("drover-kubectl-cache");
        ExecTargets targets = (ns, pod, container) -> ns.equals("default") && pod.equals("web")
                ? Optional.of(new ExecTarget(Map.of("GREETING", "hi from " + container), workDir, List.of()))
                : Optional.empty();
        kubelet = startKubelet(ClusterCredentials.loadOrCreate(CLUSTER.cluster().dataDir()), targets);
        int port = ((ServerConnector) kubelet.getConnectors()[0]).getLocalPort();

        Node node = new NodeBuilder().withNewMetadata().withName("exec-node").endMetadata().build();
        CLUSTER.client().nodes().resource(node).create();
        Node withStatus = new NodeBuilder(CLUSTER.client().nodes().withName("exec-node").get())
                .withNewStatus()
                .addNewAddress().withType("InternalIP").withAddress("127.0.0.1").endAddress()
                .withNewDaemonEndpoints().withNewKubeletEndpoint().withPort(port).endKubeletEndpoint()
                .endDaemonEndpoints()
                .endStatus().build();
        CLUSTER.client().nodes().resource(withStatus).updateStatus();

        runningPod("web", "app");
        runningPod("twin", "a", "b");
        Pod pending = new PodBuilder().withNewMetadata().withName("pending").endMetadata()
                .withNewSpec().withNodeName("exec-node").addNewContainer().withName("app")
                .withCommand("sleep", "1").endContainer().endSpec().build();
        CLUSTER.client().pods().inNamespace("default").resource(pending).create();
    }

    private static void runningPod(String name, String... containers) {
        PodBuilder pod = new PodBuilder().withNewMetadata().withName(name).endMetadata()
                .withNewSpec().withNodeName("exec-node").endSpec();
        for (String c : containers) {
            pod.editSpec().addNewContainer().withName(c).withCommand("sleep", "1").endContainer().endSpec();
        }
        CLUSTER.client().pods().inNamespace("default").resource(pod.build()).create();
        // Another writer (the scheduler's informer round trip) may update the pod meanwhile: retry on conflict.
        await().atMost(WAIT).ignoreExceptions().until(() -> {
            CLUSTER.client().pods().inNamespace("default").withName(name).editStatus(p -> {
                PodBuilder status = new PodBuilder(p).withNewStatus().withPhase("Running").endStatus();
                for (String c : containers) {
                    status.editStatus().addToContainerStatuses(new ContainerStatusBuilder().withName(c)
                            .withReady(true).withImage("").withImageID("").withRestartCount(0)
                            .withNewState().withNewRunning().withStartedAt("2025-01-01T00:00:00Z").endRunning()
                            .endState().build()).endStatus();
                }
                return status.build();
            });
            return true;
        });
    }

    private static Server startKubelet(ClusterCredentials credentials, ExecTargets targets) throws Exception {
        Server server = new Server();
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setKeyStore(credentials.serverKeyStore());
        String password = new String(credentials.keyStorePassword());
        ssl.setKeyStorePassword(password);
        ssl.setKeyManagerPassword(password);
        HttpConfiguration config = new HttpConfiguration();
        config.addCustomizer(new SecureRequestCustomizer(false));
        HttpConnectionFactory http = new HttpConnectionFactory(config);
        ServerConnector connector = new ServerConnector(server, new SslConnectionFactory(ssl, http.getProtocol()), http);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(new ExecHandler(targets));
        server.start();
        return server;
    }

    @AfterAll
    static void stop() throws Exception {
        if (kubelet != null) {
            kubelet.stop();
        }
        TempDirs.delete(workDir);
        TempDirs.delete(cache);
    }

    private static Kubectl kubectl() {
        return new Kubectl(Requirements.kubectl(), CLUSTER.cluster().server().kubeconfig(), cache);
    }

    @Test
    void kubectlExecSeparatesStreamsAndExitsWithTheCommandsCode() throws Exception {
        Kubectl.Run run = kubectl().run("exec", "web", "--", "sh", "-c",
                "echo out; echo \"$GREETING\"; pwd; echo err >&2; exit 3");
        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.stdout()).isEqualTo("out\nhi from app\n" + workDir.toRealPath() + "\n");
        assertThat(run.stderr()).contains("err\n").contains("command terminated with exit code 3");
    }

    @Test
    void kubectlExecRelaysStdinUntilItEnds() throws Exception {
        Kubectl.Run run = kubectl().runWithInput("line one\nline two\n", "exec", "-i", "web", "--", "cat");
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.stdout()).isEqualTo("line one\nline two\n");
    }

    @Test
    void kubectlExecReportsKubernetesErrors() throws Exception {
        Kubectl.Run badContainer = kubectl().run("exec", "web", "-c", "nope", "--", "ls");
        assertThat(badContainer.exitCode()).isEqualTo(1);
        assertThat(badContainer.stderr()).contains("container nope is not valid for pod web");

        Kubectl.Run notRunning = kubectl().run("exec", "pending", "--", "ls");
        assertThat(notRunning.exitCode()).isEqualTo(1);
        assertThat(notRunning.stderr()).contains("container not found (\"app\")");

        Kubectl.Run missing = kubectl().run("exec", "nosuch", "--", "ls");
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.stderr()).contains("pods \"nosuch\" not found");
    }

    @Test
    void aProgramTheContainerLacksIsTheRuntimesErrorNotAnExitCode() throws Exception {
        // runc looks the program up first: kubectl reports the error and exits 1, not a launcher's 127.
        Kubectl.Run missing = kubectl().run("exec", "web", "--", "no-such-program-here");
        assertThat(missing.exitCode()).as(missing.stderr()).isEqualTo(1);
        assertThat(missing.stderr()).contains("exec: \"no-such-program-here\": executable file not found in $PATH")
                .doesNotContain("setpriv");

        Kubectl.Run missingPath = kubectl().run("exec", "web", "--", "./nowhere/prog");
        assertThat(missingPath.exitCode()).isEqualTo(1);
        assertThat(missingPath.stderr()).contains("exec: \"./nowhere/prog\": stat ./nowhere/prog: no such file or directory");
    }

    @Test
    void kubectlForcedOntoSpdyGetsAClearError() throws Exception {
        ProcessBuilder spdy = new ProcessBuilder(Requirements.kubectl().toString(), "--kubeconfig",
                CLUSTER.cluster().server().kubeconfig().toString(), "--cache-dir", cache.toString(), "exec", "web", "--", "ls")
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        spdy.environment().put("KUBECTL_REMOTE_COMMAND_WEBSOCKETS", "false");
        Process kubectl = spdy.start();
        String stderr = new String(kubectl.getErrorStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(kubectl.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(kubectl.exitValue()).isEqualTo(1);
        assertThat(stderr).contains("SPDY/3.1 is not supported; drover serves exec over WebSocket");
    }

    @Test
    void answersWithoutUpgradeAndWithoutContainerAsKubeApiserverDoes() throws Exception {
        HttpResponse<String> twin = get("/api/v1/namespaces/default/pods/twin/exec?command=ls&stdout=true");
        assertThat(twin.statusCode()).isEqualTo(400);
        assertThat(twin.body()).contains("a container name must be specified for pod twin, choose one of: [a b]");

        HttpResponse<String> plain = get("/api/v1/namespaces/default/pods/web/exec?command=ls&stdout=true");
        assertThat(plain.statusCode()).isEqualTo(400);
        assertThat(plain.body()).contains("Upgrade request required");

        HttpResponse<String> anonymous = CLUSTER.cluster().httpClient().send(HttpRequest.newBuilder(
                CLUSTER.cluster().server().url().resolve("/api/v1/namespaces/default/pods/web/exec?command=ls")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(anonymous.statusCode()).isEqualTo(401);
    }

    @Test
    void relaysTtyAndHangsUpTheTerminalWhenTheClientDisappears() throws Exception {
        URI uri = URI.create(CLUSTER.cluster().server().url().toString().replaceFirst("^https", "wss")
                + "/api/v1/namespaces/default/pods/web/exec?command=sh&command=-c&command="
                + "test%20-t%200%20%26%26%20echo%20tty%3B%20sleep%20300%20%26%20echo%20pid%3D%24!%3B%20wait"
                + "&stdin=true&stdout=true&tty=true");
        long sleeper;
        try (ChannelStreams streams = ChannelStreams.connect(uri,
                Map.of("Authorization", "Bearer " + CLUSTER.cluster().token()), "v5.channel.k8s.io")) {
            assertThat(streams.protocol()).isEqualTo("v5.channel.k8s.io");
            await().atMost(WAIT).until(() -> streams.stdout().matches("(?s).*pid=\\d+\\r\\n.*"));
            assertThat(streams.stdout()).startsWith("tty\r\n");
            String out = streams.stdout();
            sleeper = Long.parseLong(out.substring(out.indexOf("pid=") + 4, out.indexOf("\r\n", out.indexOf("pid="))));
            streams.disconnect();
        }
        // the hang-up's SIGHUP ends the shell, whose end sends SIGHUP to its foreground group, the sleep's
        await().atMost(WAIT).until(() -> gone(sleeper));
    }

    private static boolean gone(long pid) throws Exception {
        Path stat = Path.of("/proc", Long.toString(pid), "stat");
        try {
            String text = Files.readString(stat);
            return text.substring(text.lastIndexOf(')') + 2).startsWith("Z");
        } catch (java.io.IOException e) {
            return true;
        }
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return CLUSTER.cluster().httpClient().send(HttpRequest.newBuilder(CLUSTER.cluster().server().url().resolve(path))
                .header("Authorization", "Bearer " + CLUSTER.cluster().token()).build(), HttpResponse.BodyHandlers.ofString());
    }
}
