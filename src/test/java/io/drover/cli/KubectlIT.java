package io.drover.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.drover.testing.Kubectl;
import io.drover.testing.Requirements;
import io.drover.testing.ServerProcess;
import io.drover.testing.TempDirs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
    void explainPrintsKubernetesSchemasOfEveryResource() throws Exception {
        String strategy = kubectl.run("explain", "deployment.spec.strategy.rollingUpdate").requireSuccess().stdout();
        assertThat(strategy).contains("GROUP:      apps", "KIND:       Deployment", "maxSurge", "maxUnavailable");
        assertThat(kubectl.run("explain", "pods.spec.containers.ports").requireSuccess().stdout())
                .containsPattern("containerPort\\t<integer> -required-");
        assertThat(kubectl.run("explain", "svc", "--recursive").requireSuccess().stdout())
                .contains("sessionAffinityConfig\t<SessionAffinityConfig>", "timeoutSeconds\t<integer>");
        // Every kind's schema is in its group version's document (OpenApiDocumentsTest); kubectl finds them by GVK.
        for (String[] resource : List.of(new String[] {"horizontalpodautoscalers", "autoscaling/v1"},
                new String[] {"events", "events.k8s.io/v1"}, new String[] {"clusterroles", "rbac.authorization.k8s.io/v1"},
                new String[] {"endpointslices", "discovery.k8s.io/v1"})) {
            assertThat(kubectl.run("explain", resource[0], "--api-version=" + resource[1]).requireSuccess().stdout())
                    .as(resource[0]).contains("VERSION:    v1", "FIELDS:");
        }
        Kubectl.Run missing = kubectl.run("explain", "pods.spec.nosuch");
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.stderr()).contains("field \"nosuch\" does not exist");
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
        // Subresources as kubectl get --subresource shows them: a Scale's own columns, status as its resource.
        String scale = kubectl.run("-n", "typed", "get", "deployment", "web", "--subresource=scale").requireSuccess()
                .stdout();
        assertThat(scale.lines().findFirst().orElseThrow()).matches("NAME +DESIRED +AVAILABLE +AGE");
        assertThat(scale.lines().skip(1).findFirst().orElseThrow()).startsWith("web").contains(" 10 ");
        assertThat(kubectl.run("-n", "typed", "get", "deployment", "web", "--subresource=status").requireSuccess()
                .stdout()).contains("READY", "UP-TO-DATE", "AVAILABLE", "web");

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
    void onlyKubectlTakesFieldsOverFromClientSideApply() throws Exception {
        String manifest = """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: csa-other
                  namespace: default
                data:
                  k: v
                """;
        kubectl.runWithInput(manifest, "apply", "-f", "-").requireSuccess();
        Kubectl.Run other = kubectl.runWithInput(manifest.replace("k: v", "k: v2"), "apply", "--server-side",
                "--field-manager=other", "-f", "-");
        assertThat(other.exitCode()).isNotZero();
        assertThat(other.stderr()).contains(
                "Apply failed with 1 conflict: conflict with \"kubectl-client-side-apply\" using v1: .data.k");
        assertThat(kubectl.run("get", "configmap", "csa-other", "-o", "jsonpath={.data.k}").requireSuccess()
                .stdout()).isEqualTo("v");
        assertThat(kubectl.run("get", "configmap", "csa-other", "--show-managed-fields", "-o",
                "jsonpath={.metadata.managedFields[*].manager}").requireSuccess().stdout())
                .isEqualTo("kubectl-client-side-apply");
        kubectl.run("delete", "configmap", "csa-other").requireSuccess();
    }

    @Test
    void serverSideApplyOfAClientSideAppliedDeploymentKeepsALaterScale() throws Exception {
        String manifest = """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: csa-scaled
                  namespace: default
                spec:
                  replicas: 1
                  selector:
                    matchLabels: {app: csa-scaled}
                  template:
                    metadata:
                      labels: {app: csa-scaled}
                    spec:
                      containers:
                      - name: app
                        image: nginx
                """;
        kubectl.runWithInput(manifest, "apply", "-f", "-").requireSuccess();
        kubectl.run("scale", "deployment", "csa-scaled", "--replicas=2").requireSuccess();

        Kubectl.Run reapplied = kubectl.runWithInput(manifest, "apply", "--server-side", "-f", "-");
        assertThat(reapplied.exitCode()).isNotZero();
        assertThat(reapplied.stderr()).contains("Apply failed with 1 conflict: conflict with \"kubectl\" "
                + "with subresource \"scale\" using apps/v1: .spec.replicas");
        assertThat(kubectl.run("get", "deployment", "csa-scaled", "-o", "jsonpath={.spec.replicas}")
                .requireSuccess().stdout()).isEqualTo("2");
        kubectl.run("delete", "deployment", "csa-scaled").requireSuccess();
    }

    @Test
    void serverSideApplyOfAnUnchangedClientSideAppliedDeploymentSucceeds() throws Exception {
        String manifest = """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: csa-same
                  namespace: default
                spec:
                  replicas: 0
                  selector:
                    matchLabels: {app: csa-same}
                  template:
                    metadata:
                      labels: {app: csa-same}
                    spec:
                      containers:
                      - name: app
                        image: nginx
                """;
        kubectl.runWithInput(manifest, "apply", "-f", "-").requireSuccess();
        assertThat(kubectl.runWithInput(manifest, "apply", "--server-side", "-f", "-").requireSuccess().stdout())
                .contains("serverside-applied");
        assertThat(kubectl.runWithInput(manifest.replace("image: nginx", "image: nginx:1.27"), "apply",
                "--server-side", "-f", "-").requireSuccess().stdout()).contains("serverside-applied");
        assertThat(kubectl.run("get", "deployment", "csa-same", "-o",
                "jsonpath={.spec.template.spec.containers[0].image}").requireSuccess().stdout())
                .isEqualTo("nginx:1.27");
        kubectl.run("delete", "deployment", "csa-same").requireSuccess();
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
    void applyOfAMultiDocumentManifestThenAChange() throws Exception {
        String manifest = """
                apiVersion: v1
                kind: Namespace
                metadata:
                  name: shop
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: web
                  namespace: shop
                spec:
                  replicas: 2
                  selector:
                    matchLabels: {app: web}
                  template:
                    metadata:
                      labels: {app: web}
                    spec:
                      containers:
                      - name: web
                        image: nginx:1.25
                        ports:
                        - containerPort: 8080
                ---
                apiVersion: v1
                kind: Service
                metadata:
                  name: web
                  namespace: shop
                spec:
                  selector: {app: web}
                  ports:
                  - port: 80
                    targetPort: 8080
                ---
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: settings
                  namespace: shop
                data:
                  color: blue
                ---
                apiVersion: v1
                kind: Secret
                metadata:
                  name: creds
                  namespace: shop
                stringData:
                  password: s3cret
                """;
        String first = kubectl.runWithInput(manifest, "apply", "-f", "-").requireSuccess().stdout();
        assertThat(first).contains("namespace/shop created", "deployment.apps/web created", "service/web created",
                "configmap/settings created", "secret/creds created");

        String changed = kubectl.runWithInput(manifest.replace("nginx:1.25", "nginx:1.27").replace("blue", "green"),
                "apply", "-f", "-").requireSuccess().stdout();
        assertThat(changed).contains("deployment.apps/web configured", "configmap/settings configured",
                "namespace/shop unchanged", "service/web unchanged");
        assertThat(kubectl.run("-n", "shop", "get", "deployment", "web", "-o",
                "jsonpath={.spec.template.spec.containers[0].image}").requireSuccess().stdout()).isEqualTo("nginx:1.27");
        assertThat(kubectl.run("-n", "shop", "get", "secret", "creds", "-o", "jsonpath={.data.password}")
                .requireSuccess().stdout()).isEqualTo("czNjcmV0");

        String yaml = kubectl.run("-n", "shop", "get", "deployment", "web", "-o", "yaml").requireSuccess().stdout();
        assertThat(yaml).contains("kind: Deployment", "maxSurge: 25%", "revisionHistoryLimit: 10",
                "progressDeadlineSeconds: 600", "terminationGracePeriodSeconds: 30");
        assertThat(kubectl.run("-n", "shop", "get", "all").requireSuccess().stdout())
                .contains("service/web", "deployment.apps/web");
        kubectl.run("delete", "namespace", "shop").requireSuccess();
        assertThat(kubectl.run("get", "namespace", "shop").exitCode()).isNotZero();
    }

    @Test
    void labelAnnotateAndEveryPatchType() throws Exception {
        kubectl.run("create", "configmap", "patched", "--from-literal=a=1").requireSuccess();
        kubectl.run("label", "configmap", "patched", "tier=web").requireSuccess();
        kubectl.run("annotate", "configmap", "patched", "owner=me").requireSuccess();
        kubectl.run("patch", "configmap", "patched", "--type=merge", "-p", "{\"data\":{\"b\":\"2\"}}").requireSuccess();
        kubectl.run("patch", "configmap", "patched", "--type=json", "-p",
                "[{\"op\":\"replace\",\"path\":\"/data/a\",\"value\":\"10\"}]").requireSuccess();
        kubectl.run("patch", "configmap", "patched", "--type=strategic", "-p", "{\"data\":{\"c\":\"3\"}}")
                .requireSuccess();
        String json = kubectl.run("get", "configmap", "patched", "-o", "json").requireSuccess().stdout();
        assertThat(json).contains("\"tier\": \"web\"", "\"owner\": \"me\"", "\"a\": \"10\"", "\"b\": \"2\"",
                "\"c\": \"3\"");
    }

    @Test
    void replaceWithAStaleObjectConflicts() throws Exception {
        kubectl.run("create", "configmap", "stale", "--from-literal=a=1").requireSuccess();
        String old = kubectl.run("get", "configmap", "stale", "-o", "yaml").requireSuccess().stdout();
        kubectl.run("patch", "configmap", "stale", "--type=merge", "-p", "{\"data\":{\"a\":\"2\"}}").requireSuccess();
        Kubectl.Run run = kubectl.runWithInput(old.replace("a: \"1\"", "a: \"3\""), "replace", "-f", "-");
        assertThat(run.exitCode()).isNotZero();
        assertThat(run.stderr()).contains("Conflict").contains("the object has been modified");
    }

    @Test
    void createNamespaceAndQuotaWithTheTypedClient() throws Exception {
        kubectl.run("create", "namespace", "typed-ns").requireSuccess();
        kubectl.run("-n", "typed-ns", "create", "quota", "q", "--hard=pods=10,cpu=4").requireSuccess();
        assertThat(kubectl.run("-n", "typed-ns", "get", "resourcequota", "q", "-o", "jsonpath={.spec.hard.pods}")
                .requireSuccess().stdout()).isEqualTo("10");
    }

    @Test
    void drainEvictsTheNodesPodsAndUncordonLetsPodsBack() throws Exception {
        String node = kubectl.run("get", "nodes", "-o", "jsonpath={.items[0].metadata.name}").requireSuccess()
                .stdout();
        kubectl.run("create", "namespace", "drain-ns").requireSuccess();
        kubectl.run("-n", "drain-ns", "run", "lone", "--image=busybox", "--restart=Never", "--", "sleep", "600")
                .requireSuccess();
        kubectl.run("-n", "drain-ns", "wait", "--for=condition=Ready", "pod/lone", "--timeout=60s").requireSuccess();
        try {
            Kubectl.Run drain = kubectl.run("drain", node, "--force", "--ignore-daemonsets", "--timeout=60s")
                    .requireSuccess();

            assertThat(drain.stderr() + drain.stdout()).contains("evicting pod drain-ns/lone", "node/" + node
                    + " drained");
            // drain returns once the pod is gone, not merely asked to go.
            assertThat(kubectl.run("-n", "drain-ns", "get", "pod", "lone").stderr()).contains("NotFound");
            assertThat(kubectl.run("get", "node", node, "-o", "jsonpath={.spec.unschedulable}").requireSuccess()
                    .stdout()).isEqualTo("true");
        } finally {
            kubectl.run("uncordon", node).requireSuccess();
            kubectl.run("delete", "namespace", "drain-ns", "--wait=false");
        }
        assertThat(kubectl.run("get", "node", node, "-o", "jsonpath={.spec.unschedulable}").requireSuccess()
                .stdout()).isEmpty();
    }

    @Test
    void authCanIAndWhoami() throws Exception {
        assertThat(kubectl.run("auth", "can-i", "create", "pods").requireSuccess().stdout().trim()).isEqualTo("yes");
        assertThat(kubectl.run("auth", "can-i", "get", "/healthz").requireSuccess().stdout().trim()).isEqualTo("yes");
        assertThat(kubectl.run("auth", "can-i", "--list", "-n", "default").requireSuccess().stdout())
                .contains("*.*", "[*]");
        assertThat(kubectl.run("auth", "whoami").requireSuccess().stdout()).contains("admin", "system:masters");
        assertThat(kubectl.run("auth", "whoami", "--as=jane", "--as-group=devs").requireSuccess().stdout())
                .contains("jane", "[devs system:authenticated]").doesNotContain("system:masters");
        assertThat(kubectl.run("api-resources", "--api-group=authorization.k8s.io", "-o", "wide").requireSuccess()
                .stdout()).containsPattern("selfsubjectaccessreviews .* SelfSubjectAccessReview +create");
    }

    @Test
    void createOfAReviewKindFromAManifestWithDefaultValidation() throws Exception {
        // A kind with no PATCH operation sends kubectl to /openapi/v2 for client-side validation.
        String review = """
                apiVersion: authorization.k8s.io/v1
                kind: SelfSubjectAccessReview
                spec:
                  resourceAttributes: {verb: get, resource: pods}
                """;
        assertThat(kubectl.runWithInput(review, "create", "-f", "-", "-o", "jsonpath={.status.allowed}")
                .requireSuccess().stdout()).isEqualTo("true");
        assertThat(kubectl.run("get", "--raw", "/openapi/v2").requireSuccess().stdout())
                .startsWith("{\"swagger\":\"2.0\"");
    }

    @Test
    void rbacObjectsFromTheTypedClientAndManifests() throws Exception {
        kubectl.run("create", "namespace", "rbac").requireSuccess();
        kubectl.run("-n", "rbac", "create", "role", "pod-reader", "--verb=get,list", "--resource=pods").requireSuccess();
        kubectl.run("-n", "rbac", "create", "rolebinding", "read", "--role=pod-reader", "--user=alice",
                "--serviceaccount=rbac:ci").requireSuccess();
        String wide = kubectl.run("-n", "rbac", "get", "rolebindings", "-o", "wide").requireSuccess().stdout();
        assertThat(wide.lines().findFirst().orElse("")).containsPattern("NAME +ROLE +AGE +USERS +GROUPS +SERVICEACCOUNTS");
        assertThat(wide).containsPattern("read +Role/pod-reader +\\S+ +alice +rbac/ci");
        assertThat(kubectl.run("get", "clusterroles", "view", "cluster-admin").requireSuccess().stdout())
                .containsPattern("NAME +CREATED AT");

        String manifest = """
                apiVersion: rbac.authorization.k8s.io/v1
                kind: Role
                metadata: {name: leases, namespace: rbac}
                rules:
                - {apiGroups: [coordination.k8s.io], resources: [leases], verbs: [get, create, update]}
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: RoleBinding
                metadata: {name: leases, namespace: rbac}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: leases}
                subjects:
                - {kind: ServiceAccount, name: ci}
                """;
        assertThat(kubectl.runWithInput(manifest, "apply", "-f", "-").requireSuccess().stdout())
                .contains("role.rbac.authorization.k8s.io/leases created", "rolebinding.rbac.authorization.k8s.io/leases created");
        assertThat(kubectl.runWithInput(manifest, "auth", "reconcile", "-f", "-").requireSuccess().stdout())
                .contains("role.rbac.authorization.k8s.io/leases reconciled");
        Kubectl.Run changed = kubectl.run("-n", "rbac", "patch", "rolebinding", "leases", "--type=merge", "-p",
                "{\"roleRef\":{\"name\":\"other\"}}");
        assertThat(changed.exitCode()).isNotZero();
        assertThat(changed.stderr()).contains("cannot change roleRef");
        kubectl.run("delete", "namespace", "rbac", "--wait=true").requireSuccess();
    }

    @Test
    void dryRunServerStoresNothing() throws Exception {
        kubectl.run("create", "configmap", "dry", "--from-literal=a=1", "--dry-run=server").requireSuccess();
        assertThat(kubectl.run("get", "configmap", "dry").exitCode()).isNotZero();
    }

    @Test
    void dryRunServerDeleteKeepsTheObjectsAndTheirNamespace() throws Exception {
        kubectl.run("create", "namespace", "dry-delete").requireSuccess();
        kubectl.run("-n", "dry-delete", "create", "configmap", "kept", "--from-literal=a=1").requireSuccess();

        assertThat(kubectl.run("-n", "dry-delete", "delete", "configmap", "kept", "--dry-run=server")
                .requireSuccess().stdout()).contains("configmap \"kept\" deleted (server dry run)");
        kubectl.run("-n", "dry-delete", "delete", "configmap", "--all", "--dry-run=server").requireSuccess();
        kubectl.run("delete", "namespace", "dry-delete", "--dry-run=server").requireSuccess();

        assertThat(kubectl.run("get", "namespace", "dry-delete", "-o", "jsonpath={.status.phase}").requireSuccess()
                .stdout()).isEqualTo("Active");
        kubectl.run("-n", "dry-delete", "get", "configmap", "kept").requireSuccess();
        kubectl.run("delete", "namespace", "dry-delete", "--wait=false").requireSuccess();
    }

    @Test
    void badManifestFailsWithAReadableMessage() throws Exception {
        String bad = """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: Bad_Name
                spec:
                  selector:
                    matchLabels: {app: a}
                  template:
                    metadata:
                      labels: {app: b}
                    spec:
                      containers:
                      - name: app
                        image: nginx
                """;
        Kubectl.Run run = kubectl.runWithInput(bad, "apply", "-f", "-");
        assertThat(run.exitCode()).isNotZero();
        assertThat(run.stderr()).contains("is invalid").contains("metadata.name").contains("selector");
    }

    @Test
    void getWatchPrintsChanges() throws Exception {
        kubectl.run("create", "configmap", "watched", "--from-literal=a=1").requireSuccess();
        Process watch = new ProcessBuilder(Requirements.kubectl().toString(), "--kubeconfig",
                server.kubeconfig().toString(), "--cache-dir", cache.toString(), "get", "configmaps", "-w",
                "--request-timeout=20s").redirectErrorStream(true).start();
        try {
            StringBuilder seen = new StringBuilder();
            Thread reader = Thread.ofVirtual().start(() -> {
                try (var in = new java.io.BufferedReader(new java.io.InputStreamReader(watch.getInputStream()))) {
                    String line;
                    while ((line = in.readLine()) != null) {
                        synchronized (seen) {
                            seen.append(line).append('\n');
                        }
                    }
                } catch (java.io.IOException ignored) {
                    // The process was stopped.
                }
            });
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).until(() -> {
                synchronized (seen) {
                    return seen.toString().contains("watched");
                }
            });
            kubectl.run("create", "configmap", "watched-later", "--from-literal=a=1").requireSuccess();
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).until(() -> {
                synchronized (seen) {
                    return seen.toString().contains("watched-later");
                }
            });
            watch.destroy();
            reader.join(5000);
        } finally {
            watch.destroyForcibly();
            watch.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
        }
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
