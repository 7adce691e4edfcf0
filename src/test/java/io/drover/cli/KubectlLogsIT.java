package io.drover.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.drover.testing.Kubectl;
import io.drover.testing.Requirements;
import io.drover.testing.ServerProcess;
import io.drover.testing.TempDirs;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** {@code kubectl logs} against a `drover server` process: pods, containers, flags and deployments. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KubectlLogsIT {
    private static final String TWO_CONTAINERS = """
            apiVersion: v1
            kind: Pod
            metadata:
              name: duo
            spec:
              runtimeClassName: process
              containers:
              - name: first
                command: ["sh", "-c", "echo pid $$; for i in 1 2 3; do echo line $i; done; sleep 1000"]
              - name: second
                command: ["sh", "-c", "echo second says hi >&2; sleep 1000"]
            """;

    private Path binary;
    private ServerProcess server;
    private Kubectl kubectl;
    private Path cache;

    @BeforeAll
    void start() throws Exception {
        binary = Requirements.kubectl();
        server = ServerProcess.start();
        cache = TempDirs.create("kubectl-cache");
        kubectl = new Kubectl(binary, server.kubeconfig(), cache);
    }

    @AfterAll
    void stop() throws Exception {
        try {
            if (kubectl != null) {
                // The server leaves pods running when it stops: delete them (and wait) first.
                kubectl.run("delete", "deployments", "--all");
                kubectl.run("delete", "pods", "--all", "--grace-period=1");
                await().atMost(Duration.ofSeconds(60)).until(() -> kubectl.run("get", "pods", "-o", "name")
                        .stdout().isBlank());
            }
        } finally {
            if (server != null) {
                server.close();
            }
            TempDirs.delete(cache);
        }
    }

    @Test
    void logsOfContainersWithTailTimestampsPreviousAndFollow() throws Exception {
        kubectl.runWithInput(TWO_CONTAINERS, "apply", "-f", "-").requireSuccess();
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> kubectl.run("logs", "duo", "-c", "first")
                .stdout().endsWith("line 3\n"));

        Kubectl.Run defaulted = kubectl.run("logs", "duo").requireSuccess();
        assertThat(defaulted.stdout()).startsWith("pid ").endsWith("line 1\nline 2\nline 3\n");
        assertThat(defaulted.stderr()).contains("Defaulted container \"first\" out of: first, second");
        assertThat(kubectl.run("logs", "pod/duo", "-c", "second").requireSuccess().stdout())
                .isEqualTo("second says hi\n");
        assertThat(kubectl.run("logs", "duo", "-c", "first", "--tail=2").requireSuccess().stdout())
                .isEqualTo("line 2\nline 3\n");
        String stamped = kubectl.run("logs", "duo", "-c", "first", "--tail=1", "--timestamps").requireSuccess()
                .stdout();
        assertThat(stamped).endsWith(" line 3\n");
        assertThat(Instant.parse(stamped.substring(0, stamped.indexOf(' '))))
                .isBetween(Instant.now().minusSeconds(120), Instant.now());
        assertThat(kubectl.run("logs", "duo", "-c", "first", "--since=1h").requireSuccess().stdout())
                .endsWith("line 3\n");
        Kubectl.Run noPrevious = kubectl.run("logs", "duo", "-c", "first", "--previous");
        assertThat(noPrevious.exitCode()).isNotZero();
        assertThat(noPrevious.stderr()).contains(
                "Error from server (BadRequest): previous terminated container \"first\" in pod \"duo\" not found");
        Kubectl.Run unknown = kubectl.run("logs", "duo", "-c", "third");
        assertThat(unknown.stderr()).contains("container third is not valid for pod duo");

        // -f: the lines so far, then what comes; the reader stops after a bounded read.
        String first = defaulted.stdout();
        long pid = Long.parseLong(first.lines().findFirst().orElseThrow().substring(4));
        List<String> followed = follow(4, "logs", "-f", "duo", "-c", "first");
        assertThat(followed).containsExactly(first.lines().findFirst().get(), "line 1", "line 2", "line 3");

        // --previous after the process was killed and restarted.
        new ProcessBuilder("kill", "-9", Long.toString(pid)).start().waitFor();
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> {
            String now = kubectl.run("logs", "duo", "-c", "first").stdout();
            return now.endsWith("line 3\n") && !now.equals(first);
        });
        assertThat(kubectl.run("logs", "duo", "-c", "first", "--previous").requireSuccess().stdout()).isEqualTo(first);
    }

    @Test
    void followEndsWhenTheContainerEnds() throws Exception {
        kubectl.run("run", "once", "--image=busybox", "--restart=Never", "--", "sh", "-c",
                "echo start; sleep 2; echo end").requireSuccess();
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> kubectl.run("logs", "once").stdout()
                .startsWith("start"));
        Kubectl.Run followed = kubectl.run("logs", "-f", "once");
        assertThat(followed.exitCode()).isZero();
        assertThat(followed.stdout()).isEqualTo("start\nend\n");
    }

    @Test
    void logsOfADeploymentReadItsPod() throws Exception {
        kubectl.run("create", "deployment", "web", "--image=busybox", "--", "sh", "-c",
                "echo hello from web; sleep 1000").requireSuccess();
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> kubectl.run("logs", "deploy/web")
                .stdout().equals("hello from web\n"));
        assertThat(kubectl.run("logs", "deployment/web", "--tail=1").requireSuccess().stdout())
                .isEqualTo("hello from web\n");
    }

    /** Runs kubectl, returns its first {@code lines} lines of output, and stops it. */
    private List<String> follow(int lines, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(binary.toString(), "--kubeconfig", server.kubeconfig().toString(),
                "--cache-dir", cache.toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        List<String> read = new ArrayList<>();
        try {
            Thread reader = Thread.ofVirtual().start(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    String line;
                    while (read.size() < lines && (line = in.readLine()) != null) {
                        synchronized (read) {
                            read.add(line);
                        }
                    }
                } catch (java.io.IOException e) {
                    // the process was stopped
                }
            });
            assertThat(reader.join(Duration.ofSeconds(60))).as("kubectl printed %s lines", lines).isTrue();
            assertThat(p.isAlive()).as("kubectl -f keeps following").isTrue();
        } finally {
            p.destroy();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
        synchronized (read) {
            return List.copyOf(read);
        }
    }
}
