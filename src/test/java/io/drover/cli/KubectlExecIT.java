package io.drover.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.drover.testing.Kubectl;
import io.drover.testing.PodProcesses;
import io.drover.testing.Requirements;
import io.drover.testing.ServerProcess;
import io.drover.testing.TempDirs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code kubectl exec} against a `drover server` process whose node agent runs the pod: the whole
 * path (kubectl, API server relay, kubelet endpoint, the running task's environment).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KubectlExecIT {
    private static final String DEPLOYMENT = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: shell
            spec:
              replicas: 1
              selector: {matchLabels: {app: shell}}
              template:
                metadata: {labels: {app: shell}}
                spec:
                  terminationGracePeriodSeconds: 1
                  containers:
                  - name: main
                    command: ["sleep", "1000"]
                    workingDir: /tmp
                    env: [{name: GREETING, value: "hello from $(HOSTNAME)"}, {name: WHO, value: world}]
                    ports: [{name: http, containerPort: 8080}]
            """;

    private ServerProcess server;
    private Kubectl kubectl;
    private Path cache;

    @BeforeAll
    void start() throws Exception {
        Path binary = Requirements.kubectl();
        server = ServerProcess.start();
        cache = TempDirs.create("kubectl-cache");
        kubectl = new Kubectl(binary, server.kubeconfig(), cache);
        kubectl.runWithInput(DEPLOYMENT, "apply", "-f", "-").requireSuccess();
        await().atMost(Duration.ofSeconds(60)).until(() -> kubectl.run("get", "pods", "-l", "app=shell", "-o",
                "jsonpath={.items[0].status.containerStatuses[0].state.running.startedAt}").stdout().length() > 0);
    }

    @AfterAll
    void stop() throws Exception {
        try {
            if (kubectl != null) {
                kubectl.run("delete", "deployment", "shell", "--wait=true");
                await().atMost(Duration.ofSeconds(30)).until(() ->
                        kubectl.run("get", "pods", "-o", "name").stdout().isBlank());
            }
        } finally {
            if (server != null) {
                server.close();
            }
            TempDirs.delete(cache);
        }
    }

    @Test
    void runsTheCommandWithTheContainersEnvironmentAndWorkingDirectory() throws Exception {
        String pod = kubectl.run("get", "pods", "-l", "app=shell", "-o", "jsonpath={.items[0].metadata.name}")
                .requireSuccess().stdout();
        String port = kubectl.run("get", "pod", pod, "-o", "jsonpath={.metadata.annotations.drover\\.io/host-ports}")
                .requireSuccess().stdout().replaceAll(".*=", "");
        Kubectl.Run run = kubectl.run("exec", "deploy/shell", "--", "sh", "-c", "echo $GREETING $WHO $PORT; pwd");
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.stdout()).isEqualTo("hello from $(HOSTNAME) world " + port + "\n/tmp\n");
    }

    @Test
    void runsInTheContainersCgroupsSoUnderItsLimits() throws Exception {
        long pid = PodProcesses.handles(server.dataDir()).get(0).pid();
        String containers = Files.readString(Path.of("/proc/" + pid + "/cgroup"));
        Kubectl.Run run = kubectl.run("exec", "deploy/shell", "--", "cat", "/proc/self/cgroup");
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.stdout()).isEqualTo(containers);
    }

    @Test
    void passesTheCommandsExitCodeAndItsStreamsApart() throws Exception {
        Kubectl.Run run = kubectl.run("exec", "deploy/shell", "--", "sh", "-c", "echo out; echo err >&2; exit 3");
        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.stdout()).isEqualTo("out\n");
        assertThat(run.stderr()).contains("err\n");
    }

    @Test
    void forwardsStandardInputWithI() throws Exception {
        Kubectl.Run run = kubectl.runWithInput("line one\nline two\n", "exec", "-i", "deploy/shell", "--", "wc", "-l");
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.stdout().strip()).isEqualTo("2");
    }

    @Test
    void anUnknownContainerIsAClearError() throws Exception {
        Kubectl.Run run = kubectl.run("exec", "deploy/shell", "-c", "nope", "--", "true");
        assertThat(run.exitCode()).isNotZero();
        assertThat(run.stderr()).contains("container nope is not valid for pod");
    }
}
