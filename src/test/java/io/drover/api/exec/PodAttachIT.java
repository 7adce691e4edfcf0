package io.drover.api.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.drover.testing.Kubectl;
import io.drover.testing.Requirements;
import io.drover.testing.TempDirs;
import io.drover.testing.SharedCluster;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.dsl.ExecWatch;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * pods/attach end to end with the node agent's real processes: the fabric8 client's attach, and
 * kubectl's {@code attach} and {@code run -i}/{@code -it} (the latter on a terminal script(1) gives
 * kubectl).
 */
class PodAttachIT {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @RegisterExtension
    static final SharedCluster CLUSTER = new SharedCluster();
    private static Path cache;

    @BeforeAll
    static void createCache() {
        cache = TempDirs.create("drover-kubectl-cache");
    }

    @AfterAll
    static void deleteCache() {
        TempDirs.delete(cache);
    }

    @AfterEach
    void deletePods() {
        CLUSTER.deletePods("default");
    }

    @Test
    void fabric8AttachesToTheContainersOwnStdinAndReadsWhatItWritesFromThenOn() throws Exception {
        create(pod("echo", "Always", true, false, false,
                "sh", "-c", "echo before; while read l; do echo \"out: $l\"; echo \"err: $l\" >&2; done"));
        awaitRunning("echo");
        await().atMost(WAIT).until(() -> CLUSTER.client().pods().inNamespace("default").withName("echo").getLog().contains("before"));

        for (String word : List.of("first", "second")) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            try (ExecWatch watch = CLUSTER.client().pods().inNamespace("default").withName("echo")
                    .redirectingInput().writingOutput(out).writingError(err).attach()) {
                OutputStream in = watch.getInput();
                in.write((word + "\n").getBytes(StandardCharsets.UTF_8));
                in.flush();
                await().atMost(WAIT).until(() -> text(out).contains("out: " + word) && text(err).contains("err: " + word));
            }
            // Only output written while attached, and stdin stays open from one attachment to the next.
            assertThat(text(out)).isEqualTo("out: " + word + "\n");
            assertThat(text(err)).isEqualTo("err: " + word + "\n");
        }
        assertThat(CLUSTER.client().pods().inNamespace("default").withName("echo").get().getStatus().getContainerStatuses()
                .get(0).getRestartCount()).isZero();
    }

    @Test
    void attachingToAContainerThatDoesNotRunIsRefused() throws Exception {
        create(pod("done", "Never", false, false, false, "true"));
        await().atMost(WAIT).until(() -> "Succeeded".equals(
                CLUSTER.client().pods().inNamespace("default").withName("done").get().getStatus().getPhase()));

        assertThatThrownBy(() -> {
            try (ExecWatch watch = CLUSTER.client().pods().inNamespace("default").withName("done")
                    .writingOutput(new ByteArrayOutputStream()).attach()) {
                watch.exitCode().get();
            }
        }).hasStackTraceContaining("400");
        HttpResponse<String> refusal = CLUSTER.cluster().httpClient().send(HttpRequest.newBuilder(URI.create(
                        CLUSTER.cluster().server().url() + "/api/v1/namespaces/default/pods/done/attach?stdout=true"))
                .header("Authorization", "Bearer " + CLUSTER.cluster().token()).timeout(WAIT).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(refusal.statusCode()).isEqualTo(400);
        assertThat(refusal.body()).contains("\"reason\":\"BadRequest\"", "container not found (\\\"main\\\")");
    }

    @Test
    void kubectlRunWithStdinFeedsTheContainerAndReportsItsExitCode() throws Exception {
        Kubectl.Run run = kubectl().runWithInput("hello\n", "run", "-i", "--rm", "--restart=Never", "greeter",
                "--image=busybox", "--", "sh", "-c", "read l; echo \"got $l\"; exit 3");

        assertThat(run.stdout()).contains("got hello\n").contains("pod \"greeter\" deleted");
        assertThat(run.exitCode()).as(run.stderr()).isEqualTo(3);
        assertThat(run.stderr()).contains("pod default/greeter terminated (Error)");
    }

    @Test
    void kubectlRunWithStdinWritesEveryByteOfALargeInputBeforeTheEndOfFile() throws Exception {
        // Larger than what the FIFO and the writer's queue hold together, so the client's stdin ends while
        // input is still queued: containerd copies stdin to the client's end of file, then closes it.
        String input = "0123456789abcde\n".repeat(5_000_000 / 16);
        for (int i = 0; i < 3; i++) {
            Kubectl.Run run = kubectl().runWithInput(input, "run", "-i", "-q", "--rm", "--restart=Never",
                    "counter-" + i, "--image=busybox", "--command", "--", "sh", "-c", "sleep 1; wc -c");

            assertThat(run.exitCode()).as(run.stderr()).isZero();
            assertThat(run.stdout().trim()).as("run %d", i).isEqualTo("5000000");
        }
    }

    @Test
    void kubectlAttachWritesTheClientsWholeInputBeforeItDetaches() throws Exception {
        create(pod("reader", "Always", true, false, false, "sh", "-c", "while read l; do echo \"got $l\"; done"));
        awaitRunning("reader");

        // stdin without stdinOnce: the client's end of input detaches, the container's stdin stays open.
        for (int i = 1; i <= 5; i++) {
            Kubectl.Run run = kubectl().runWithInput("line " + i + "\n", "attach", "-i", "reader");
            assertThat(run.exitCode()).as(run.stderr()).isZero();
        }

        await().atMost(WAIT).untilAsserted(() -> assertThat(
                CLUSTER.client().pods().inNamespace("default").withName("reader").getLog())
                .isEqualTo("got line 1\ngot line 2\ngot line 3\ngot line 4\ngot line 5\n"));
    }

    @Test
    void kubectlAttachFollowsOutputAndSaysWhenTheContainerIsGone() throws Exception {
        create(pod("ticker", "Never", false, false, false,
                "sh", "-c", "sleep 2; for i in 1 2 3; do echo tick $i; sleep 0.3; done"));
        awaitRunning("ticker");

        Kubectl.Run run = kubectl().run("attach", "ticker");

        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.stdout()).endsWith("tick 3\n");
        Kubectl.Run again = kubectl().run("attach", "ticker");
        assertThat(again.exitCode()).isNotZero();
        assertThat(again.stderr()).contains("cannot attach a container in a completed pod; current phase is Succeeded");
    }

    @Test
    void aContainerWithoutStdinIgnoresTheClientsStdinAndItsEnd() throws Exception {
        create(pod("no-stdin", "Never", false, false, false,
                "sh", "-c", "sleep 2; for i in 1 2 3; do echo tick $i; sleep 0.3; done"));
        awaitRunning("no-stdin");

        // kubectl sends stdin whatever the container declares; containerd relays it only to a container with one.
        Kubectl.Run run = kubectl().runWithInput("ignored\n", "attach", "-i", "no-stdin");

        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.stdout()).endsWith("tick 3\n");
    }

    @Test
    void kubectlRunItGivesTheContainerATerminalOfTheClientsSize() throws Exception {
        try (Terminal terminal = Terminal.open("stty cols 100 rows 30; exec " + kubectlCommand()
                + " run -it --rm --restart=Never shell --image=busybox -- sh")) {
            terminal.await("If you don't see a command prompt");
            // kubectl sends the terminal's size concurrently with what is typed: ask until it arrived.
            await().atMost(WAIT).pollInterval(Duration.ofMillis(300)).until(() -> {
                terminal.type("echo \"sized $(stty size)\"\n");
                return terminal.screen().contains("sized 30 100\r\n");
            });
            terminal.type("echo \"$((6*7)) on $(tty) as $TERM\"\n");
            terminal.await("42 on /dev/pts/");
            terminal.type("exit 0\n");
            assertThat(terminal.exitCode()).as(terminal.screen()).isZero();
            assertThat(terminal.screen()).containsPattern("42 on /dev/pts/[0-9]+ as xterm\r\n")
                    .contains("pod \"shell\" deleted");
        }
    }

    @Test
    void kubectlDebugAddsAnEphemeralContainerAndAttachesToIt() throws Exception {
        create(pod("target", "Always", false, false, false, "sleep", "1000"));
        awaitRunning("target");

        try (Terminal terminal = Terminal.open("exec " + kubectlCommand()
                + " debug -it target --image=busybox --target=main --container=debugger -- sh")) {
            terminal.await("If you don't see a command prompt");
            terminal.type("echo \"debugging $((6*7))\"; exit 3\n");
            terminal.await("Session ended");
            assertThat(terminal.screen()).contains("debugging 42");
        }
        Pod pod = CLUSTER.client().pods().inNamespace("default").withName("target").get();
        assertThat(pod.getSpec().getEphemeralContainers()).singleElement().satisfies(ec -> {
            assertThat(ec.getName()).isEqualTo("debugger");
            assertThat(ec.getTargetContainerName()).isEqualTo("main");
        });
        // Ended for good: an ephemeral container is never restarted, whatever the pod's restartPolicy.
        await().atMost(WAIT).until(() -> {
            var statuses = CLUSTER.client().pods().inNamespace("default").withName("target").get().getStatus()
                    .getEphemeralContainerStatuses();
            return statuses != null && statuses.size() == 1 && statuses.get(0).getState().getTerminated() != null;
        });
        var status = CLUSTER.client().pods().inNamespace("default").withName("target").get().getStatus();
        assertThat(status.getEphemeralContainerStatuses().get(0).getState().getTerminated().getExitCode()).isEqualTo(3);
        assertThat(status.getEphemeralContainerStatuses().get(0).getRestartCount()).isZero();
        assertThat(status.getPhase()).isEqualTo("Running");
        assertThat(status.getContainerStatuses().get(0).getState().getRunning()).isNotNull();
        assertThat(CLUSTER.client().pods().inNamespace("default").withName("target").inContainer("debugger").getLog())
                .contains("debugging 42");
    }

    @Test
    void ephemeralContainersAreAddedThroughTheirSubresourceOnlyWithKubernetesRules() {
        Pod withOne = new PodBuilder(pod("early", "Always", false, false, false, "sleep", "1000")).editSpec()
                .addNewEphemeralContainer().withName("e").withImage("busybox").endEphemeralContainer().endSpec().build();
        assertThatThrownBy(() -> create(withOne))
                .hasMessageContaining("spec.ephemeralContainers: Forbidden: cannot be set on create");
        create(pod("host", "Always", false, false, false, "sleep", "1000"));
        var pods = CLUSTER.client().pods().inNamespace("default").withName("host");

        // Strategic merge patches, as kubectl debug sends: no resourceVersion to race the agent's status writes.
        PatchContext strategic = PatchContext.of(PatchType.STRATEGIC_MERGE);
        assertThatThrownBy(() -> pods.ephemeralContainers().patch(strategic, "{\"spec\":{\"ephemeralContainers\":[{"
                + "\"name\":\"main\",\"image\":\"busybox\",\"targetContainerName\":\"nope\","
                + "\"ports\":[{\"containerPort\":80}]}]}}"))
                .hasMessageContaining("spec.ephemeralContainers[0].name: Duplicate value: \"main\"")
                .hasMessageContaining("spec.ephemeralContainers[0].targetContainerName: Not found: \"nope\"")
                .hasMessageContaining("spec.ephemeralContainers[0].ports: Forbidden: cannot be set for an Ephemeral Container");
        pods.ephemeralContainers().patch(strategic, "{\"spec\":{\"ephemeralContainers\":[{\"name\":\"probe\","
                + "\"image\":\"busybox\",\"command\":[\"sleep\",\"1000\"]}]}}");
        assertThatThrownBy(() -> pods.ephemeralContainers().patch(PatchContext.of(PatchType.JSON),
                "[{\"op\":\"remove\",\"path\":\"/spec/ephemeralContainers/0\"}]"))
                .hasMessageContaining("existing ephemeral containers \"probe\" may not be removed");
        assertThatThrownBy(() -> pods.patch(strategic, "{\"spec\":{\"ephemeralContainers\":[{\"name\":\"sneaky\","
                + "\"image\":\"busybox\"}]}}"))
                .hasMessageContaining("pod updates may not change fields other than");
        // The pod itself stays writable once it has an ephemeral container.
        pods.patch(strategic, "{\"metadata\":{\"labels\":{\"debugged\":\"yes\"}}}");
        assertThat(pods.get().getMetadata().getLabels()).containsEntry("debugged", "yes");
        // fabric8 reads a missing list as an empty one: the status may not name the container yet.
        await().atMost(WAIT).until(() -> pods.get().getStatus().getEphemeralContainerStatuses().stream()
                .anyMatch(s -> s.getName().equals("probe") && s.getState().getRunning() != null));
    }

    private static String kubectlCommand() {
        return Requirements.kubectl() + " --kubeconfig " + CLUSTER.cluster().server().kubeconfig() + " --cache-dir " + cache;
    }

    /** A shell command run on a terminal of its own (script(1)), as a person at a terminal runs kubectl. */
    private static final class Terminal implements AutoCloseable {
        private final Process process;
        private final OutputStream keyboard;
        private final StringBuffer screen = new StringBuffer();

        private Terminal(Process process) {
            this.process = process;
            this.keyboard = process.getOutputStream();
            Thread.ofVirtual().start(() -> {
                byte[] buffer = new byte[4096];
                try (var in = process.getInputStream()) {
                    int n;
                    while ((n = in.read(buffer)) >= 0) {
                        screen.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
                    }
                } catch (java.io.IOException e) {
                    screen.append(e);
                }
            });
        }

        static Terminal open(String command) throws java.io.IOException {
            return new Terminal(new ProcessBuilder("script", "-qfec", command, "/dev/null").redirectErrorStream(true)
                    .start());
        }

        void type(String text) throws java.io.IOException {
            keyboard.write(text.getBytes(StandardCharsets.UTF_8));
            keyboard.flush();
        }

        void await(String text) {
            org.awaitility.Awaitility.await().atMost(WAIT).until(() -> screen.toString().contains(text));
        }

        String screen() {
            return screen.toString();
        }

        int exitCode() throws InterruptedException {
            org.awaitility.Awaitility.await().atMost(WAIT).until(() -> !process.isAlive());
            return process.exitValue();
        }

        @Override
        public void close() throws java.io.IOException {
            keyboard.close();
            process.destroyForcibly();
        }
    }

    private static Kubectl kubectl() {
        return new Kubectl(Requirements.kubectl(), CLUSTER.cluster().server().kubeconfig(), cache);
    }

    private static Pod pod(String name, String restartPolicy, boolean stdin, boolean stdinOnce, boolean tty,
            String... command) {
        return new PodBuilder().withNewMetadata().withName(name).endMetadata()
                .withNewSpec().withRestartPolicy(restartPolicy).withTerminationGracePeriodSeconds(1L)
                .addNewContainer().withName("main").withImage("busybox").withCommand(command)
                .withStdin(stdin).withStdinOnce(stdinOnce).withTty(tty).endContainer()
                .endSpec().build();
    }

    private static void create(Pod pod) {
        CLUSTER.client().pods().inNamespace("default").resource(pod).create();
    }

    private static void awaitRunning(String name) {
        await().atMost(WAIT).until(() -> {
            Pod pod = CLUSTER.client().pods().inNamespace("default").withName(name).get();
            return pod.getStatus().getContainerStatuses() != null && !pod.getStatus().getContainerStatuses().isEmpty()
                    && pod.getStatus().getContainerStatuses().get(0).getState().getRunning() != null;
        });
    }

    private static String text(ByteArrayOutputStream bytes) {
        synchronized (bytes) {
            return bytes.toString(StandardCharsets.UTF_8);
        }
    }
}
