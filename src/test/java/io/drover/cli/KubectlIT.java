package io.drover.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.drover.testing.Kubectl;
import io.drover.testing.Requirements;
import io.drover.testing.ServerProcess;
import io.drover.testing.TempDirs;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The `drover server` process contract driven by the real kubectl: it starts on a free port, writes
 * a kubeconfig that kubectl uses with no extra flags, and serves the everyday verbs.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KubectlIT {
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

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
        TempDirs.delete(cache);
    }

    @Test
    void kubeconfigIsWrittenIntoTheDataDir() {
        assertThat(server.kubeconfig()).isEqualTo(server.dataDir().resolve("kubeconfig"));
        assertThat(Files.exists(server.kubeconfig())).isTrue();
    }

    @Test
    void versionAndApiResources() throws Exception {
        assertThat(kubectl.run("version", "-o", "json").requireSuccess().stdout()).contains("\"minor\": \"32\"");
        String resources = kubectl.run("api-resources").requireSuccess().stdout();
        assertThat(resources).contains("deployments", "deploy", "apps/v1", "pods", "po", "horizontalpodautoscalers");
    }

    @Test
    void getShowsTheUsualColumns() throws Exception {
        String out = kubectl.run("get", "namespaces").requireSuccess().stdout();
        assertThat(out).contains("NAME", "STATUS", "AGE", "default", "Active", "kube-system");
    }

    @Test
    void createWithTheTypedClientScaleAndDelete() throws Exception {
        kubectl.run("create", "namespace", "typed").requireSuccess();
        kubectl.run("-n", "typed", "create", "deployment", "web", "--image=nginx:1.25", "--replicas=2",
                "--port=8080").requireSuccess();
        kubectl.run("-n", "typed", "create", "configmap", "cfg", "--from-literal=a=b").requireSuccess();
        kubectl.run("-n", "typed", "create", "secret", "generic", "s", "--from-literal=k=v").requireSuccess();

        String deployments = kubectl.run("-n", "typed", "get", "deployments").requireSuccess().stdout();
        assertThat(deployments).contains("READY", "UP-TO-DATE", "AVAILABLE", "web");

        kubectl.run("-n", "typed", "scale", "deployment", "web", "--replicas=10").requireSuccess();
        assertThat(kubectl.run("-n", "typed", "get", "deployment", "web", "-o", "jsonpath={.spec.replicas}")
                .requireSuccess().stdout()).isEqualTo("10");

        assertThat(kubectl.run("-n", "typed", "get", "secret", "s", "-o", "jsonpath={.data.k}").requireSuccess()
                .stdout()).isEqualTo("dg==");

        kubectl.run("-n", "typed", "delete", "configmap", "cfg").requireSuccess();
        assertThat(kubectl.run("-n", "typed", "get", "configmap", "cfg").exitCode()).isNotZero();
    }

    @Test
    void applyCreatesThenPatchesWithDefaultValidation() throws Exception {
        String v1 = """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: applied
                  namespace: default
                  labels:
                    app: demo
                data:
                  color: blue
                """;
        assertThat(kubectl.runWithInput(v1, "apply", "-f", "-").requireSuccess().stdout()).contains("created");
        String v2 = v1.replace("blue", "green").replace("  labels:\n    app: demo\n", "");
        assertThat(kubectl.runWithInput(v2, "apply", "-f", "-").requireSuccess().stdout()).contains("configured");
        String live = kubectl.run("get", "configmap", "applied", "-o", "json").requireSuccess().stdout();
        assertThat(live).contains("\"color\": \"green\"").doesNotContain("\"app\": \"demo\"");
        assertThat(kubectl.runWithInput(v2, "apply", "-f", "-").requireSuccess().stdout()).contains("unchanged");
    }

    @Test
    void errorsReadAsKubernetesErrors() throws Exception {
        Kubectl.Run missing = kubectl.run("get", "deployment", "nosuch");
        assertThat(missing.exitCode()).isNotZero();
        assertThat(missing.stderr()).contains("Error from server (NotFound): deployments.apps \"nosuch\" not found");

        kubectl.run("create", "configmap", "twice").requireSuccess();
        Kubectl.Run again = kubectl.run("create", "configmap", "twice");
        assertThat(again.exitCode()).isNotZero();
        assertThat(again.stderr()).contains("configmaps \"twice\" already exists");
    }

    @Test
    void applyRefusesUnknownFields() throws Exception {
        String manifest = """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: typo
                  namespace: default
                spec:
                  replicas: 1
                  replicass: 2
                  selector:
                    matchLabels: {app: typo}
                  template:
                    metadata:
                      labels: {app: typo}
                    spec:
                      containers:
                      - name: app
                        image: nginx
                """;
        Kubectl.Run run = kubectl.runWithInput(manifest, "apply", "-f", "-");
        assertThat(run.exitCode()).isNotZero();
        assertThat(run.stderr()).contains("unknown field \"spec.replicass\"");
    }

    @Test
    void serverSideApplyCreatesUpdatesAndReportsConflicts() throws Exception {
        String manifest = """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: ssa
                  namespace: default
                data:
                  owner: first
                  shared: one
                """;
        assertThat(kubectl.runWithInput(manifest, "apply", "--server-side", "-f", "-").requireSuccess().stdout())
                .contains("serverside-applied");
        String live = kubectl.run("get", "configmap", "ssa", "-o", "json", "--show-managed-fields").requireSuccess()
                .stdout();
        assertThat(live).contains("\"manager\": \"kubectl\"").contains("\"operation\": \"Apply\"");

        // Another manager changing a field kubectl owns conflicts, unless forced.
        String other = manifest.replace("owner: first\n", "").replace("shared: one", "shared: two");
        Kubectl.Run conflict = kubectl.runWithInput(other, "apply", "--server-side", "--field-manager=other",
                "-f", "-");
        assertThat(conflict.exitCode()).isNotZero();
        assertThat(conflict.stderr()).contains("conflict");
        kubectl.runWithInput(other, "apply", "--server-side", "--field-manager=other", "--force-conflicts", "-f", "-")
                .requireSuccess();
        assertThat(kubectl.run("get", "configmap", "ssa", "-o", "jsonpath={.data.shared}").requireSuccess().stdout())
                .isEqualTo("two");

        // Dropping a field from kubectl's own configuration removes it.
        String fewer = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa\n  namespace: default\ndata: {}\n";
        kubectl.runWithInput(fewer, "apply", "--server-side", "-f", "-").requireSuccess();
        assertThat(kubectl.run("get", "configmap", "ssa", "-o", "jsonpath={.data}").requireSuccess().stdout())
                .doesNotContain("owner").contains("two");
    }

    @Test
    void serverSideApplyTakesOverAnObjectMadeByClientSideApply() throws Exception {
        String manifest = """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: migrated
                  namespace: default
                data:
                  a: "1"
                """;
        kubectl.runWithInput(manifest, "apply", "-f", "-").requireSuccess();
        kubectl.runWithInput(manifest.replace("\"1\"", "\"2\""), "apply", "--server-side", "-f", "-")
                .requireSuccess();
        assertThat(kubectl.run("get", "configmap", "migrated", "-o", "jsonpath={.data.a}").requireSuccess().stdout())
                .isEqualTo("2");
        // kubectl re-sends the apply after migrating managedFields: data and the last-applied annotation stay.
        assertThat(kubectl.run("get", "configmap", "migrated", "-o",
                "jsonpath={.metadata.annotations.kubectl\\.kubernetes\\.io/last-applied-configuration}")
                .requireSuccess().stdout()).contains("\"a\":\"2\"");
        assertThat(kubectl.run("get", "configmap", "migrated", "--show-managed-fields", "-o",
                "jsonpath={.metadata.managedFields[*].manager}").requireSuccess().stdout())
                .isEqualTo("kubectl-last-applied kubectl");
    }

    @Test
    void replaceAndDescribe() throws Exception {
        String manifest = """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: replaced
                  namespace: default
                data:
                  v: "1"
                """;
        kubectl.runWithInput(manifest, "create", "-f", "-").requireSuccess();
        kubectl.runWithInput(manifest.replace("\"1\"", "\"2\""), "replace", "-f", "-").requireSuccess();
        assertThat(kubectl.run("get", "configmap", "replaced", "-o", "jsonpath={.data.v}").requireSuccess().stdout())
                .isEqualTo("2");
        assertThat(kubectl.run("describe", "configmap", "replaced").requireSuccess().stdout())
                .contains("Name:", "replaced", "Namespace:", "default");
    }

    @Test
    void stopsOnSigtermAndStartsAgainOnTheSameDataDir() throws Exception {
        // Last in spirit: uses its own server, so the shared one stays up for the other tests.
        try (ServerProcess other = ServerProcess.start()) {
            assertThat(other.stop()).isIn(0, 143);
            assertThat(other.process().isAlive()).isFalse();
        }
    }
}
