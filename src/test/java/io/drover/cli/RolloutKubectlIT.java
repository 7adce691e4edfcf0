package io.drover.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.drover.testing.Kubectl;
import io.drover.testing.Requirements;
import io.drover.testing.ServerProcess;
import io.drover.testing.TempDirs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The rollout verbs of the real kubectl against a `drover server` whose node agent runs the pods
 * as real processes: rollout status/history/undo/restart/pause/resume, set image/env/resources and
 * apply of a changed template.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RolloutKubectlIT {
    private static final String STATUS_TIMEOUT = "--timeout=50s";
    private ServerProcess server;
    private Kubectl kubectl;
    private Path cache;

    @BeforeAll
    void start() throws Exception {
        Path binary = Requirements.kubectl();
        server = ServerProcess.start();
        cache = TempDirs.create("kubectl-cache");
        kubectl = new Kubectl(binary, server.kubeconfig(), cache);
    }

    /**
     * The pods' processes outlive the server by design (a restarted agent adopts them), so the
     * Deployments go first and the server stops only once its agent has stopped every pod.
     */
    @AfterAll
    void stop() throws Exception {
        try {
            if (kubectl != null) {
                kubectl.run("delete", "deployments", "--all", "--all-namespaces");
                await().atMost(Duration.ofSeconds(60)).until(() -> kubectl.run("get", "pods", "--all-namespaces",
                        "-o", "name").stdout().isBlank());
            }
        } finally {
            if (server != null) {
                server.close();
            }
            TempDirs.delete(cache);
        }
    }

    /** Two replicas of a process that lives until SIGTERM; the command is what the template's changes leave alone. */
    private static String manifest(String ns, String version, String command, String annotations) {
        return """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: web
                  namespace: %s
                  annotations: {%s}
                spec:
                  replicas: 2
                  progressDeadlineSeconds: 8
                  selector:
                    matchLabels: {app: web}
                  template:
                    metadata:
                      labels: {app: web}
                    spec:
                      terminationGracePeriodSeconds: 2
                      containers:
                      - name: app
                        image: app:1
                        command: [%s]
                        env:
                        - {name: VERSION, value: "%s"}
                """.formatted(ns, annotations, command, version);
    }

    private static final String SLEEP = "\"sleep\", \"3600\"";

    private Kubectl.Run k(String ns, String... args) throws Exception {
        String[] all = new String[args.length + 2];
        all[0] = "-n";
        all[1] = ns;
        System.arraycopy(args, 0, all, 2, args.length);
        return kubectl.run(all);
    }

    private String jsonpath(String ns, String what, String path) throws Exception {
        return k(ns, "get", what, "-o", "jsonpath=" + path).requireSuccess().stdout();
    }

    private void createNamespace(String ns) throws Exception {
        kubectl.run("create", "namespace", ns).requireSuccess();
    }

    private String rolloutStatus(String ns) throws Exception {
        return k(ns, "rollout", "status", "deployment/web", STATUS_TIMEOUT).requireSuccess().stdout();
    }

    private List<String> podNames(String ns) throws Exception {
        return Arrays.stream(jsonpath(ns, "pods", "{.items[*].metadata.name}").split(" ")).filter(s -> !s.isEmpty())
                .toList();
    }

    @Test
    void setImageEnvAndResourcesMakeRevisionsThatHistoryShowsAndUndoRestores() throws Exception {
        String ns = "roll";
        createNamespace(ns);
        assertThat(kubectl.runWithInput(manifest(ns, "1", SLEEP, "drover.io/rollback-on-failure: \"true\""), "apply",
                "-f", "-").requireSuccess().stdout()).contains("deployment.apps/web created");
        assertThat(rolloutStatus(ns)).contains("deployment \"web\" successfully rolled out");

        k(ns, "set", "image", "deployment/web", "app=app:2").requireSuccess();
        String progress = rolloutStatus(ns);
        assertThat(progress).contains("Waiting for deployment \"web\" rollout to finish: ")
                .endsWith("deployment \"web\" successfully rolled out\n");
        k(ns, "set", "env", "deployment/web", "VERSION=3").requireSuccess();
        rolloutStatus(ns);
        k(ns, "set", "resources", "deployment/web", "-c=app", "--limits=cpu=100m,memory=64Mi").requireSuccess();
        rolloutStatus(ns);
        assertThat(jsonpath(ns, "deployment/web", "{.spec.template.spec.containers[0].resources.limits.memory}"))
                .isEqualTo("64Mi");

        String history = k(ns, "rollout", "history", "deployment/web").requireSuccess().stdout();
        assertThat(history).contains("REVISION", "CHANGE-CAUSE").containsPattern("(?m)^1 +<none>")
                .containsPattern("(?m)^4 +<none>");
        String revision2 = k(ns, "rollout", "history", "deployment/web", "--revision=2").requireSuccess().stdout();
        assertThat(revision2).contains("revision #2", "Image:\tapp:2").contains("VERSION:\t1");

        assertThat(k(ns, "rollout", "undo", "deployment/web", "--to-revision=2").requireSuccess().stdout())
                .contains("deployment.apps/web rolled back");
        rolloutStatus(ns);
        assertThat(jsonpath(ns, "deployment/web", "{.spec.template.spec.containers[0].image}")).isEqualTo("app:2");
        assertThat(jsonpath(ns, "deployment/web", "{.spec.template.spec.containers[0].env[0].value}")).isEqualTo("1");
        assertThat(jsonpath(ns, "deployment/web", "{.metadata.annotations.deployment\\.kubernetes\\.io/revision}"))
                .isEqualTo("5");
        // kubectl sets the annotations to the ReplicaSet's: drover's opt-in is among them, so it stays.
        assertThat(jsonpath(ns, "deployment/web", "{.metadata.annotations.drover\\.io/rollback-on-failure}"))
                .isEqualTo("true");
        // Revision 2 became 5: history lists 1, 3, 4, 5.
        String after = k(ns, "rollout", "history", "deployment/web").requireSuccess().stdout();
        assertThat(after).containsPattern("(?m)^5 ").doesNotContainPattern("(?m)^2 ");

        // Undo with no revision goes back one step, to revision 4's template (resources set).
        k(ns, "rollout", "undo", "deployment/web").requireSuccess();
        rolloutStatus(ns);
        assertThat(jsonpath(ns, "deployment/web", "{.spec.template.spec.containers[0].resources.limits.cpu}"))
                .isEqualTo("100m");

        String events = k(ns, "describe", "deployment", "web").requireSuccess().stdout();
        assertThat(events).contains("ScalingReplicaSet", "deployment-controller", "NewReplicaSetAvailable");
    }

    @Test
    void restartReplacesEveryPodPauseHoldsTheRolloutAndApplyOfAChangedTemplateRollsOut() throws Exception {
        String ns = "restart";
        createNamespace(ns);
        kubectl.runWithInput(manifest(ns, "1", SLEEP, ""), "apply", "-f", "-").requireSuccess();
        rolloutStatus(ns);
        await().atMost(Duration.ofSeconds(30)).until(() -> podNames(ns).size() == 2);
        List<String> before = podNames(ns);

        assertThat(k(ns, "rollout", "restart", "deployment/web").requireSuccess().stdout())
                .contains("deployment.apps/web restarted");
        rolloutStatus(ns);
        assertThat(jsonpath(ns, "deployment/web", "{.spec.template.metadata.annotations}"))
                .contains("kubectl.kubernetes.io/restartedAt");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(podNames(ns)).hasSize(2)
                .doesNotContainAnyElementsOf(before));

        assertThat(k(ns, "rollout", "pause", "deployment/web").requireSuccess().stdout())
                .contains("deployment.apps/web paused");
        k(ns, "set", "image", "deployment/web", "app=app:2").requireSuccess();
        await().atMost(Duration.ofSeconds(30)).until(() -> jsonpath(ns, "deployment/web",
                "{.status.conditions[?(@.type==\"Progressing\")].reason}").equals("DeploymentPaused"));
        assertThat(jsonpath(ns, "replicasets", "{.items[*].spec.template.spec.containers[0].image}"))
                .doesNotContain("app:2");
        assertThat(k(ns, "rollout", "resume", "deployment/web").requireSuccess().stdout())
                .contains("deployment.apps/web resumed");
        rolloutStatus(ns);
        assertThat(jsonpath(ns, "replicasets", "{.items[*].spec.template.spec.containers[0].image}"))
                .contains("app:2");

        assertThat(kubectl.runWithInput(manifest(ns, "9", SLEEP, ""), "apply", "-f", "-").requireSuccess().stdout())
                .contains("deployment.apps/web configured");
        rolloutStatus(ns);
        assertThat(jsonpath(ns, "pods", "{.items[*].spec.containers[0].env[0].value}")).isEqualTo("9 9");
    }

    /**
     * No readiness probe and no minReadySeconds: a process that exits at once must never count as
     * Ready, as kubelet never sees it running, or the rollout would take it for an available pod.
     */
    private static String crashManifest(String ns, String version, String command, String annotations) {
        return manifest(ns, version, command, annotations);
    }

    @Test
    void aCrashLoopingVersionStallsRolloutStatusFailsAndTheAnnotationRollsBack() throws Exception {
        String ns = "crash";
        createNamespace(ns);
        kubectl.runWithInput(crashManifest(ns, "1", SLEEP, ""), "apply", "-f", "-").requireSuccess();
        rolloutStatus(ns);

        kubectl.runWithInput(crashManifest(ns, "2", "\"false\"", ""), "apply", "-f", "-").requireSuccess();
        Kubectl.Run failed = k(ns, "rollout", "status", "deployment/web", STATUS_TIMEOUT);
        assertThat(failed.exitCode()).isNotZero();
        assertThat(failed.stderr()).contains("error: deployment \"web\" exceeded its progress deadline");
        // The old pods kept serving: two available, one new pod crash-looping beside them.
        assertThat(jsonpath(ns, "deployment/web", "{.status.availableReplicas}")).isEqualTo("2");

        // Opting in while the rollout stands failed rolls back at once.
        kubectl.runWithInput(crashManifest(ns, "2", "\"false\"", "drover.io/rollback-on-failure: \"true\""),
                "apply", "-f", "-").requireSuccess();
        await().atMost(Duration.ofSeconds(60)).until(() -> jsonpath(ns, "deployment/web",
                "{.spec.template.spec.containers[0].env[0].value}").equals("1"));
        rolloutStatus(ns);
        String events = k(ns, "get", "events", "--field-selector=involvedObject.kind=Deployment").requireSuccess()
                .stdout();
        assertThat(events).contains("RolloutFailed", "DeploymentRollback");
    }
}
