package io.drover.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.drover.testing.SharedCluster;
import io.fabric8.kubernetes.api.model.BindingBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Rollouts driven deterministically: no node agent, a {@link FakeKubelet} marks pods Ready (or,
 * for the image {@code broken}, never), and watches check the bounds throughout.
 */
class DeploymentRolloutIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    @RegisterExtension
    static final SharedCluster CLUSTER = new SharedCluster(options -> options.withNodeAgent(false));
    private FakeKubelet kubelet;

    @AfterEach
    void stopKubelet() {
        if (kubelet != null) {
            kubelet.close();
            kubelet = null;
        }
    }

    private String namespaceWithKubelet(String prefix) {
        String ns = CLUSTER.client().namespaces().resource(new NamespaceBuilder().withNewMetadata().withGenerateName(prefix + "-")
                .endMetadata().build()).create().getMetadata().getName();
        kubelet = new FakeKubelet(CLUSTER.client(), ns, image -> image.contains("broken"));
        return ns;
    }

    private Deployment create(String ns, int replicas, UnaryOperator<DeploymentBuilder> more) {
        DeploymentBuilder b = new DeploymentBuilder().withNewMetadata().withName("web").endMetadata()
                .withNewSpec().withReplicas(replicas).withNewSelector().addToMatchLabels("app", "web").endSelector()
                .withNewTemplate().withNewMetadata().addToLabels("app", "web").endMetadata()
                .withNewSpec().addNewContainer().withName("web").withImage("app:1").endContainer().endSpec()
                .endTemplate().endSpec();
        return CLUSTER.client().apps().deployments().inNamespace(ns).resource(more.apply(b).build()).create();
    }

    private Deployment get(String ns) {
        return CLUSTER.client().apps().deployments().inNamespace(ns).withName("web").get();
    }

    private void edit(String ns, UnaryOperator<Deployment> change) {
        for (int attempt = 1; ; attempt++) {
            try {
                CLUSTER.client().apps().deployments().inNamespace(ns).withName("web").edit(change);
                return;
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409 || attempt >= 10) {
                    throw e;
                }
            }
        }
    }

    private void setImage(String ns, String image) {
        edit(ns, d -> new DeploymentBuilder(d).editSpec().editTemplate().editSpec().editFirstContainer()
                .withImage(image).endContainer().endSpec().endTemplate().endSpec().build());
    }

    /** What kubectl rollout status waits for: observed, all updated, none old left, all available. */
    private void awaitRolledOut(String ns, int replicas) {
        await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> {
            Deployment d = get(ns);
            assertThat(d.getStatus().getObservedGeneration()).isEqualTo(d.getMetadata().getGeneration());
            assertThat(d.getStatus().getUpdatedReplicas()).isEqualTo(replicas);
            assertThat(d.getStatus().getReplicas()).isEqualTo(replicas);
            assertThat(d.getStatus().getAvailableReplicas()).isEqualTo(replicas);
            assertThat(condition(d, "Progressing").getReason()).isEqualTo("NewReplicaSetAvailable");
        });
    }

    private static DeploymentCondition condition(Deployment d, String type) {
        return d.getStatus().getConditions().stream().filter(c -> type.equals(c.getType())).findFirst().orElseThrow();
    }

    private List<ReplicaSet> replicaSets(String ns) {
        return CLUSTER.client().apps().replicaSets().inNamespace(ns).list().getItems();
    }

    private ReplicaSet withImage(String ns, String image) {
        return replicaSets(ns).stream().filter(rs -> image.equals(rs.getSpec().getTemplate().getSpec().getContainers()
                .get(0).getImage())).findFirst().orElseThrow();
    }

    private List<String> eventMessages(String ns) {
        return CLUSTER.client().v1().events().inNamespace(ns).list().getItems().stream().map(e -> e.getMessage()).toList();
    }

    @Test
    void rollingUpdateStaysWithinMaxSurgeAndMaxUnavailableThroughout() {
        String ns = namespaceWithKubelet("rolling");
        create(ns, 10, b -> b.editSpec().withNewStrategy().withType("RollingUpdate").withNewRollingUpdate()
                .withMaxSurge(new IntOrString(3)).withMaxUnavailable(new IntOrString("20%")).endRollingUpdate()
                .endStrategy().endSpec());
        awaitRolledOut(ns, 10);
        String first = withImage(ns, "app:1").getMetadata().getName();

        kubelet.observe();
        setImage(ns, "app:2");
        awaitRolledOut(ns, 10);

        assertThat(kubelet.maxSpecSum.get()).as("sum of ReplicaSet sizes").isBetween(11, 13);
        assertThat(kubelet.maxActive.get()).as("active pods").isBetween(11, 13);
        assertThat(kubelet.minReady.get()).as("ready pods").isGreaterThanOrEqualTo(8);
        String second = withImage(ns, "app:2").getMetadata().getName();
        assertThat(withImage(ns, "app:1").getSpec().getReplicas()).isZero();
        // The first steps: the new ReplicaSet takes the whole surge, the old one gives up maxUnavailable.
        assertThat(eventMessages(ns)).contains("Scaled up replica set " + second + " from 0 to 3",
                "Scaled down replica set " + first + " from 10 to 8");
    }

    @Test
    void recreateWaitsUntilEveryOldPodIsGone() {
        String ns = namespaceWithKubelet("recreate");
        create(ns, 3, b -> b.editSpec().withNewStrategy().withType("Recreate").endStrategy().endSpec());
        awaitRolledOut(ns, 3);
        // One old pod lingers while it terminates (a finalizer holds it). It is bound to a node, as a running pod
        // is: an unbound pod being deleted is Failed at once (PodGC), and Recreate does not wait for a Failed pod.
        Pod lingering = CLUSTER.client().pods().inNamespace(ns).list().getItems().get(0);
        CLUSTER.client().bindings().inNamespace(ns).resource(new BindingBuilder().withNewMetadata()
                .withName(lingering.getMetadata().getName()).endMetadata().withNewTarget().withKind("Node")
                .withName("elsewhere").endTarget().build()).create();
        CLUSTER.client().pods().inNamespace(ns).withName(lingering.getMetadata().getName()).edit(p -> new PodBuilder(p)
                .editMetadata().addToFinalizers("test.drover.io/hold").endMetadata().build());

        kubelet.observe();
        setImage(ns, "app:2");
        await().atMost(WAIT).until(() -> withImage(ns, "app:1").getSpec().getReplicas() == 0
                && CLUSTER.client().pods().inNamespace(ns).withName(lingering.getMetadata().getName()).get()
                        .getMetadata().getDeletionTimestamp() != null);
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                .until(() -> replicaSets(ns).size() == 1 && CLUSTER.client().pods().inNamespace(ns).list().getItems().size() == 1);

        CLUSTER.client().pods().inNamespace(ns).withName(lingering.getMetadata().getName()).edit(p -> new PodBuilder(p)
                .editMetadata().withFinalizers().endMetadata().build());
        awaitRolledOut(ns, 3);
        assertThat(kubelet.maxActive.get()).isLessThanOrEqualTo(3);
        assertThat(eventMessages(ns)).contains("Scaled up replica set " + withImage(ns, "app:2").getMetadata().getName()
                + " from 0 to 3");
    }

    @Test
    void revisionsAreKeptUpToTheHistoryLimitAndRollbackToGivesTheOldReplicaSetTheNextRevision() {
        String ns = namespaceWithKubelet("history");
        create(ns, 2, b -> b.editSpec().withRevisionHistoryLimit(2).endSpec());
        awaitRolledOut(ns, 2);
        for (int version = 2; version <= 4; version++) {
            setImage(ns, "app:" + version);
            awaitRolledOut(ns, 2);
        }
        await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> assertThat(replicaSets(ns))
                .extracting(rs -> rs.getMetadata().getAnnotations().get(Revisions.REVISION))
                .containsExactlyInAnyOrder("2", "3", "4"));
        assertThat(get(ns).getMetadata().getAnnotations()).containsEntry(Revisions.REVISION, "4");

        edit(ns, d -> new DeploymentBuilder(d).editMetadata().addToAnnotations(Revisions.ROLLBACK_TO, "0")
                .endMetadata().build());
        awaitRolledOut(ns, 2);
        Deployment d = get(ns);
        assertThat(d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage()).isEqualTo("app:3");
        assertThat(d.getMetadata().getAnnotations()).doesNotContainKey(Revisions.ROLLBACK_TO)
                .containsEntry(Revisions.REVISION, "5");
        assertThat(withImage(ns, "app:3").getMetadata().getAnnotations()).containsEntry(Revisions.REVISION, "5")
                .containsEntry(Revisions.REVISION_HISTORY, "3");
        assertThat(eventMessages(ns)).contains("Rolled back deployment \"web\" to revision 3");
    }

    @Test
    void aPausedDeploymentDoesNotRollOutUntilResumed() {
        String ns = namespaceWithKubelet("pause");
        create(ns, 2, b -> b);
        awaitRolledOut(ns, 2);
        edit(ns, d -> new DeploymentBuilder(d).editSpec().withPaused(true).endSpec().build());
        setImage(ns, "app:2");
        await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> {
            Deployment d = get(ns);
            assertThat(d.getStatus().getObservedGeneration()).isEqualTo(d.getMetadata().getGeneration());
            assertThat(condition(d, "Progressing").getStatus()).isEqualTo("Unknown");
            assertThat(condition(d, "Progressing").getReason()).isEqualTo("DeploymentPaused");
            assertThat(condition(d, "Progressing").getMessage()).isEqualTo("Deployment is paused");
        });
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> replicaSets(ns).size() == 1);

        edit(ns, d -> new DeploymentBuilder(d).editSpec().withPaused(false).endSpec().build());
        awaitRolledOut(ns, 2);
        assertThat(withImage(ns, "app:2").getMetadata().getAnnotations()).containsEntry(Revisions.REVISION, "2");
    }

    @Test
    void aNewVersionThatNeverBecomesReadyStallsAndExceedsTheProgressDeadline() {
        String ns = namespaceWithKubelet("stall");
        create(ns, 4, b -> b.editSpec().withProgressDeadlineSeconds(3).endSpec());
        awaitRolledOut(ns, 4);

        setImage(ns, "app:broken");
        await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> {
            Deployment d = get(ns);
            assertThat(condition(d, "Progressing").getStatus()).isEqualTo("False");
            assertThat(condition(d, "Progressing").getReason()).isEqualTo("ProgressDeadlineExceeded");
            assertThat(condition(d, "Progressing").getMessage()).isEqualTo("ReplicaSet \""
                    + withImage(ns, "app:broken").getMetadata().getName() + "\" has timed out progressing.");
        });
        // 25% of 4: one surge pod, one old pod may go; three old pods keep serving.
        ReplicaSet old = withImage(ns, "app:1");
        assertThat(old.getSpec().getReplicas()).isEqualTo(3);
        assertThat(old.getStatus().getAvailableReplicas()).isEqualTo(3);
        assertThat(withImage(ns, "app:broken").getSpec().getReplicas()).isEqualTo(2);
        Deployment d = get(ns);
        assertThat(d.getStatus().getAvailableReplicas()).isEqualTo(3);
        assertThat(d.getStatus().getUnavailableReplicas()).isEqualTo(2);
        assertThat(d.getStatus().getUpdatedReplicas()).isEqualTo(2);
        assertThat(condition(d, "Available").getStatus()).isEqualTo("True");
        assertThat(d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage()).isEqualTo("app:broken");
    }

    @Test
    void theRollbackOnFailureAnnotationRollsBackAfterTheProgressDeadline() {
        String ns = namespaceWithKubelet("autoundo");
        create(ns, 3, b -> b.editMetadata().addToAnnotations(Rollbacks.ROLLBACK_ON_FAILURE, "true").endMetadata()
                .editSpec().withProgressDeadlineSeconds(3).endSpec());
        awaitRolledOut(ns, 3);
        String good = withImage(ns, "app:1").getMetadata().getName();

        setImage(ns, "app:broken");
        await().atMost(WAIT).until(() -> "app:1".equals(get(ns).getSpec().getTemplate().getSpec().getContainers()
                .get(0).getImage()));
        awaitRolledOut(ns, 3);
        ReplicaSet failed = withImage(ns, "app:broken");
        assertThat(failed.getSpec().getReplicas()).isZero();
        assertThat(failed.getMetadata().getAnnotations()).containsEntry(Rollbacks.ROLLOUT_FAILED,
                "ProgressDeadlineExceeded");
        // The opt-in is copied to ReplicaSets like any annotation, so kubectl's undo (which sets the Deployment's
        // annotations to a ReplicaSet's) keeps it; the rollout-failed mark stays the ReplicaSet's own.
        assertThat(withImage(ns, "app:1").getMetadata().getAnnotations()).containsEntry(Revisions.REVISION, "3")
                .doesNotContainKey(Rollbacks.ROLLOUT_FAILED).containsEntry(Rollbacks.ROLLBACK_ON_FAILURE, "true");
        assertThat(get(ns).getMetadata().getAnnotations()).containsEntry(Rollbacks.ROLLBACK_ON_FAILURE, "true")
                .doesNotContainKey(Rollbacks.ROLLOUT_FAILED);
        assertThat(eventMessages(ns)).contains("ReplicaSet \"" + failed.getMetadata().getName()
                + "\" exceeded its progress deadline; rolling back to revision 1 (drover.io/rollback-on-failure)",
                "Rolled back deployment \"web\" to revision 1");
        assertThat(good).isEqualTo(withImage(ns, "app:1").getMetadata().getName());
    }

    @Test
    void replicaSetAvailabilityWaitsForMinReadySeconds() {
        String ns = namespaceWithKubelet("minready");
        create(ns, 2, b -> b.editSpec().withMinReadySeconds(2).endSpec());
        await().atMost(WAIT).until(() -> replicaSets(ns).size() == 1 && replicaSets(ns).get(0).getStatus() != null
                && Integer.valueOf(2).equals(replicaSets(ns).get(0).getStatus().getReadyReplicas()));
        ReplicaSet rs = replicaSets(ns).get(0);
        assertThat(rs.getSpec().getMinReadySeconds()).isEqualTo(2);
        assertThat(rs.getStatus().getAvailableReplicas()).isIn(null, 0);
        awaitRolledOut(ns, 2);
    }
}
