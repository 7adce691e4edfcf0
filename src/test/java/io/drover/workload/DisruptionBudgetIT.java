package io.drover.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.drover.testing.Kubectl;
import io.drover.testing.Requirements;
import io.drover.testing.SharedCluster;
import io.drover.testing.TempDirs;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetStatus;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.readiness.Readiness;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * PodDisruptionBudgets with real pods: the disruption controller's status from a Deployment's
 * Ready pods and scale, and the eviction subresource that consults it (fabric8's evict and
 * {@code kubectl drain}).
 */
class DisruptionBudgetIT {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @RegisterExtension
    static final SharedCluster CLUSTER = new SharedCluster();

    @BeforeEach
    void threeReadyReplicas() {
        CLUSTER.client().apps().deployments().inNamespace("default").resource(new DeploymentBuilder().withNewMetadata()
                .withName("web").endMetadata().withNewSpec().withReplicas(3).withNewSelector()
                .addToMatchLabels("app", "web").endSelector().withNewTemplate().withNewMetadata()
                .addToLabels("app", "web").endMetadata().withNewSpec().withTerminationGracePeriodSeconds(1L)
                .addNewContainer().withName("app").withImage("process").withCommand("sleep", "3600").endContainer()
                .endSpec().endTemplate().endSpec().build()).create();
        await().atMost(WAIT).until(() -> readyPods().size() == 3);
    }

    @AfterEach
    void removeEverything() {
        CLUSTER.client().policy().v1().podDisruptionBudget().inNamespace("default").delete();
        CLUSTER.client().apps().deployments().inNamespace("default").withName("web").delete();
        await().atMost(WAIT).until(() -> CLUSTER.client().pods().inNamespace("default").list().getItems().isEmpty());
        // kubectl drain cordons the node.
        CLUSTER.client().nodes().list().getItems().stream()
                .filter(n -> n.getSpec() != null && Boolean.TRUE.equals(n.getSpec().getUnschedulable()))
                .forEach(n -> CLUSTER.client().nodes().withName(n.getMetadata().getName()).patch(
                        PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"unschedulable\":null}}"));
    }

    @Test
    void aBudgetAllowsOneEvictionAtATimeUntilTheReplacementIsReady() {
        budget(new IntOrString(2), null);
        PodDisruptionBudgetStatus status = awaitStatus(s -> s.getDisruptionsAllowed() == 1);
        assertThat(List.of(status.getCurrentHealthy(), status.getDesiredHealthy(), status.getExpectedPods()))
                .containsExactly(3, 2, 3);
        assertThat(status.getConditions()).anySatisfy(c -> {
            assertThat(c.getType()).isEqualTo("DisruptionAllowed");
            assertThat(c.getStatus()).isEqualTo("True");
            assertThat(c.getReason()).isEqualTo("SufficientPods");
        });

        List<Pod> pods = readyPods();
        assertThat(CLUSTER.client().pods().inNamespace("default").withName(pods.get(0).getMetadata().getName()).evict())
                .isTrue();
        // The first eviction used the budget up: fabric8 reports the 429 as false.
        assertThat(CLUSTER.client().pods().inNamespace("default").withName(pods.get(1).getMetadata().getName()).evict())
                .isFalse();
        assertThat(CLUSTER.client().pods().inNamespace("default").withName(pods.get(1).getMetadata().getName()).get()
                .getMetadata().getDeletionTimestamp()).isNull();
        // Once the Deployment's replacement is Ready, the budget allows one more.
        awaitStatus(s -> s.getDisruptionsAllowed() == 1 && s.getCurrentHealthy() == 3);
        assertThat(CLUSTER.client().pods().inNamespace("default").withName(pods.get(1).getMetadata().getName()).evict())
                .isTrue();
    }

    @Test
    void aPercentageCountsTheControllersScale() {
        budget(null, new IntOrString("50%"));
        awaitStatus(s -> s.getExpectedPods() == 3 && s.getDesiredHealthy() == 1 && s.getDisruptionsAllowed() == 2);
        CLUSTER.client().apps().deployments().inNamespace("default").withName("web").scale(4);
        // The scale counts at once; the fourth pod counts once it is Ready.
        awaitStatus(s -> s.getExpectedPods() == 4 && s.getDesiredHealthy() == 2 && s.getDisruptionsAllowed() == 2
                && s.getCurrentHealthy() == 4);
    }

    @Test
    void refusesTwoBudgetsForOnePodAndAnInvalidBudget() {
        budget(new IntOrString(1), null);
        CLUSTER.client().policy().v1().podDisruptionBudget().inNamespace("default").resource(new PodDisruptionBudgetBuilder()
                .withNewMetadata().withName("second").endMetadata().withNewSpec().withMaxUnavailable(new IntOrString(1))
                .withNewSelector().addToMatchLabels("app", "web").endSelector().endSpec().build()).create();
        String pod = readyPods().get(0).getMetadata().getName();
        assertThatThrownBy(() -> CLUSTER.client().pods().inNamespace("default").withName(pod).evict())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(500);
                    assertThat(e.getStatus().getMessage()).isEqualTo(
                            "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.");
                });

        assertThatThrownBy(() -> CLUSTER.client().policy().v1().podDisruptionBudget().inNamespace("default")
                .resource(new PodDisruptionBudgetBuilder().withNewMetadata().withName("both").endMetadata()
                        .withNewSpec().withMinAvailable(new IntOrString(1)).withMaxUnavailable(new IntOrString("120%"))
                        .withNewSelector().addToMatchLabels("app", "web").endSelector().endSpec().build()).create())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(422);
                    assertThat(e.getStatus().getMessage()).contains("minAvailable and maxUnavailable cannot be both set",
                            "spec.maxUnavailable: Invalid value: 120%: must not be greater than 100%");
                });
    }

    @Test
    void podsWithoutAControllerAreLeftOutWithOneWarning() {
        CLUSTER.client().pods().inNamespace("default").resource(new io.fabric8.kubernetes.api.model.PodBuilder()
                .withNewMetadata().withName("bare").addToLabels("app", "bare").endMetadata().withNewSpec()
                .withTerminationGracePeriodSeconds(1L).addNewContainer().withName("app").withImage("process")
                .withCommand("sleep", "3600").endContainer().endSpec().build()).create();
        CLUSTER.client().policy().v1().podDisruptionBudget().inNamespace("default").resource(new PodDisruptionBudgetBuilder()
                .withNewMetadata().withName("bare").endMetadata().withNewSpec().withMaxUnavailable(new IntOrString(1))
                .withNewSelector().addToMatchLabels("app", "bare").endSelector().endSpec().build()).create();
        await().atMost(WAIT).until(() -> {
            PodDisruptionBudgetStatus s = CLUSTER.client().policy().v1().podDisruptionBudget().inNamespace("default")
                    .withName("bare").get().getStatus();
            return s != null && s.getExpectedPods() == 0 && s.getDisruptionsAllowed() == 0;
        });
        // Every change of the pod is a sync of the budget; the warning is given once.
        for (int i = 0; i < 3; i++) {
            // A merge patch without a resourceVersion: an edit's would conflict with the agent's status writes.
            CLUSTER.client().pods().inNamespace("default").withName("bare").patch(PatchContext.of(PatchType.JSON_MERGE),
                    "{\"metadata\":{\"labels\":{\"touch\":\"v" + i + "\"}}}");
        }
        await().atMost(WAIT).until(() -> unmanagedWarnings() >= 1);
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> unmanagedWarnings() == 1);
        CLUSTER.client().pods().inNamespace("default").withName("bare").withGracePeriod(0).delete();
    }

    private static long unmanagedWarnings() {
        return CLUSTER.client().v1().events().inNamespace("default").list().getItems().stream()
                .filter(e -> "UnmanagedPods".equals(e.getReason())
                        && "bare".equals(e.getInvolvedObject().getName())
                        && e.getMessage().contains("(selector: &LabelSelector{MatchLabels:map[string]string{app: bare,},"
                                + "MatchExpressions:[]LabelSelectorRequirement{},})"))
                .mapToLong(e -> e.getCount() == null ? 1 : e.getCount()).sum();
    }

    @Test
    void aControllerWithoutAScaleFailsTheSyncAndKeepsTheBudgetUnprocessed() {
        ConfigMap owner = CLUSTER.client().configMaps().inNamespace("default").resource(new ConfigMapBuilder()
                .withNewMetadata().withName("owner").endMetadata().build()).create();
        ownedPod("owned", "v1", "ConfigMap", "owner", owner.getMetadata().getUid());
        otherBudget("owned");
        String message = "configmaps does not implement the scale subresource";
        await().atMost(WAIT).until(() -> {
            PodDisruptionBudget pdb = CLUSTER.client().policy().v1().podDisruptionBudget().inNamespace("default")
                    .withName("owned").get();
            PodDisruptionBudgetStatus s = pdb.getStatus();
            return s != null && s.getConditions() != null && s.getConditions().stream().anyMatch(c ->
                    "SyncFailed".equals(c.getReason()) && message.equals(c.getMessage()));
        });
        PodDisruptionBudgetStatus status = CLUSTER.client().policy().v1().podDisruptionBudget().inNamespace("default")
                .withName("owned").get().getStatus();
        // failSafe leaves observedGeneration where it was (never set here), the condition's too.
        assertThat(status.getObservedGeneration()).isNull();
        assertThat(status.getDisruptionsAllowed()).isZero();
        assertThat(status.getConditions()).singleElement().satisfies(c -> {
            assertThat(c.getStatus()).isEqualTo("False");
            assertThat(c.getObservedGeneration()).isNull();
        });
        await().atMost(WAIT).until(() -> CLUSTER.client().v1().events().inNamespace("default").list().getItems().stream()
                .anyMatch(e -> "CalculateExpectedPodCountFailed".equals(e.getReason())
                        && "owned".equals(e.getInvolvedObject().getName()) && "Warning".equals(e.getType())
                        && ("Failed to calculate the number of expected pods: " + message).equals(e.getMessage())));
        await().atMost(WAIT).until(() -> "Running".equals(CLUSTER.client().pods().inNamespace("default")
                .withName("owned").get().getStatus().getPhase()));
        // The budget is still being processed (429): the pod stays.
        assertThat(CLUSTER.client().pods().inNamespace("default").withName("owned").evict()).isFalse();
        assertThat(CLUSTER.client().pods().inNamespace("default").withName("owned").get().getMetadata()
                .getDeletionTimestamp()).isNull();
        CLUSTER.client().pods().inNamespace("default").withName("owned").withGracePeriod(0).delete();
        CLUSTER.client().configMaps().inNamespace("default").withName("owner").delete();
    }

    @Test
    void aPodADeploymentControlsDirectlyCountsTheDeploymentsScale() {
        String uid = CLUSTER.client().apps().deployments().inNamespace("default").withName("web").get().getMetadata()
                .getUid();
        ownedPod("direct", "apps/v1", "Deployment", "web", uid);
        otherBudget("direct");
        await().atMost(WAIT).until(() -> {
            PodDisruptionBudget pdb = CLUSTER.client().policy().v1().podDisruptionBudget().inNamespace("default")
                    .withName("direct").get();
            PodDisruptionBudgetStatus s = pdb.getStatus();
            return s != null && pdb.getMetadata().getGeneration().equals(s.getObservedGeneration())
                    && s.getExpectedPods() == 3 && s.getDesiredHealthy() == 2;
        });
        CLUSTER.client().pods().inNamespace("default").withName("direct").withGracePeriod(0).delete();
    }

    /** A pod labelled app=NAME whose controller is the object named. */
    private static void ownedPod(String name, String apiVersion, String kind, String owner, String uid) {
        CLUSTER.client().pods().inNamespace("default").resource(new PodBuilder().withNewMetadata().withName(name)
                .addToLabels("app", name).addNewOwnerReference().withApiVersion(apiVersion).withKind(kind)
                .withName(owner).withUid(uid).withController(true).endOwnerReference().endMetadata().withNewSpec()
                .withTerminationGracePeriodSeconds(1L).addNewContainer().withName("app").withImage("process")
                .withCommand("sleep", "3600").endContainer().endSpec().build()).create();
    }

    /** A budget named NAME of maxUnavailable 1 over the pods labelled app=NAME. */
    private static void otherBudget(String name) {
        CLUSTER.client().policy().v1().podDisruptionBudget().inNamespace("default").resource(new PodDisruptionBudgetBuilder()
                .withNewMetadata().withName(name).endMetadata().withNewSpec().withMaxUnavailable(new IntOrString(1))
                .withNewSelector().addToMatchLabels("app", name).endSelector().endSpec().build()).create();
    }

    @Test
    void aBudgetThatSelectsNoPodSaysSo() {
        CLUSTER.client().policy().v1().podDisruptionBudget().inNamespace("default").resource(new PodDisruptionBudgetBuilder()
                .withNewMetadata().withName("empty").endMetadata().withNewSpec().withMinAvailable(new IntOrString(1))
                .withNewSelector().addToMatchLabels("app", "nothing").endSelector().endSpec().build()).create();
        await().atMost(WAIT).until(() -> CLUSTER.client().v1().events().inNamespace("default").list().getItems().stream()
                .anyMatch(e -> "NoPods".equals(e.getReason()) && "empty".equals(e.getInvolvedObject().getName())
                        && "Normal".equals(e.getType()) && "No matching pods found".equals(e.getMessage())));
    }

    @Test
    void kubectlDrainWaitsForTheBudget() throws Exception {
        Path kubectlBinary = Requirements.kubectl();
        Path cache = TempDirs.create("kubectl-cache");
        try {
            budget(new IntOrString(3), null);
            awaitStatus(s -> s.getCurrentHealthy() == 3 && s.getDisruptionsAllowed() == 0);
            Kubectl kubectl = new Kubectl(kubectlBinary, CLUSTER.cluster().server().kubeconfig(), cache);
            String node = CLUSTER.client().nodes().list().getItems().get(0).getMetadata().getName();
            Kubectl.Run drain = kubectl.run("drain", node, "--timeout=7s");
            assertThat(drain.exitCode()).isNotZero();
            assertThat(drain.stdout() + drain.stderr()).contains(
                    "(will retry after 5s): Cannot evict pod as it would violate the pod's disruption budget.");
            assertThat(readyPods()).hasSize(3);
        } finally {
            TempDirs.delete(cache);
        }
    }

    private static void budget(IntOrString minAvailable, IntOrString maxUnavailable) {
        CLUSTER.client().policy().v1().podDisruptionBudget().inNamespace("default").resource(new PodDisruptionBudgetBuilder()
                .withNewMetadata().withName("web").endMetadata().withNewSpec().withMinAvailable(minAvailable)
                .withMaxUnavailable(maxUnavailable).withNewSelector().addToMatchLabels("app", "web").endSelector()
                .endSpec().build()).create();
    }

    private static PodDisruptionBudgetStatus awaitStatus(java.util.function.Predicate<PodDisruptionBudgetStatus> wanted) {
        PodDisruptionBudgetStatus[] seen = new PodDisruptionBudgetStatus[1];
        await().atMost(WAIT).until(() -> {
            PodDisruptionBudget pdb = CLUSTER.client().policy().v1().podDisruptionBudget().inNamespace("default")
                    .withName("web").get();
            seen[0] = pdb.getStatus();
            return seen[0] != null && pdb.getMetadata().getGeneration().equals(seen[0].getObservedGeneration())
                    && wanted.test(seen[0]);
        });
        return seen[0];
    }

    private static List<Pod> readyPods() {
        return CLUSTER.client().pods().inNamespace("default").withLabel("app", "web").list().getItems().stream()
                .filter(p -> p.getMetadata().getDeletionTimestamp() == null && Readiness.isPodReady(p)).toList();
    }
}
