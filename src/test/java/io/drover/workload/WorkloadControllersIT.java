package io.drover.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.drover.testing.SharedCluster;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The ReplicaSet and Deployment controllers against a real server. No node agent: pods never run. */
class WorkloadControllersIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    // The controllers on their own: with a node agent, the agent would own the pods' status
    // (and overwrite the Failed phase this test sets by hand).
    @RegisterExtension
    static final SharedCluster CLUSTER = new SharedCluster(options -> options.withNodeAgent(false));

    private String newNamespace(String prefix) {
        return CLUSTER.client().namespaces().resource(new NamespaceBuilder().withNewMetadata().withGenerateName(prefix + "-")
                .endMetadata().build()).create().getMetadata().getName();
    }

    private static PodTemplateSpec template(String app, String image) {
        return new PodTemplateSpecBuilder().withNewMetadata().addToLabels("app", app).endMetadata()
                .withNewSpec().addNewContainer().withName("web").withImage(image).endContainer().endSpec().build();
    }

    private Deployment createDeployment(String ns, String name, int replicas) {
        return CLUSTER.client().apps().deployments().inNamespace(ns).resource(new DeploymentBuilder()
                .withNewMetadata().withName(name).endMetadata()
                .withNewSpec().withReplicas(replicas).withNewSelector().addToMatchLabels("app", name).endSelector()
                .withTemplate(template(name, "nginx:1.27")).endSpec().build()).create();
    }

    private List<ReplicaSet> replicaSets(String ns) {
        return CLUSTER.client().apps().replicaSets().inNamespace(ns).list().getItems();
    }

    /** Pods that count for a ReplicaSet: owned by it, not Failed/Succeeded, not terminating. */
    private List<Pod> activePodsOf(String ns, ReplicaSet rs) {
        return CLUSTER.client().pods().inNamespace(ns).list().getItems().stream()
                .filter(p -> OwnerRefs.isControlledBy(p, rs)).filter(Pods::isActive).toList();
    }

    private ReplicaSet onlyReplicaSet(String ns) {
        await().atMost(WAIT).until(() -> replicaSets(ns).size() == 1);
        return replicaSets(ns).get(0);
    }

    @Test
    void deploymentCreatesOneReplicaSetNamedByTemplateHashWithItsPods() {
        String ns = newNamespace("deploy");
        Deployment d = createDeployment(ns, "web", 3);
        ReplicaSet rs = onlyReplicaSet(ns);

        String hash = rs.getMetadata().getLabels().get(TemplateHash.LABEL);
        assertThat(rs.getMetadata().getName()).isEqualTo("web-" + hash);
        assertThat(rs.getMetadata().getAnnotations()).containsEntry(Revisions.REVISION, "1")
                .containsEntry(Revisions.DESIRED_REPLICAS, "3").containsEntry(Revisions.MAX_REPLICAS, "4");
        assertThat(OwnerRefs.isControlledBy(rs, d)).isTrue();
        assertThat(rs.getSpec().getSelector().getMatchLabels()).containsEntry("app", "web")
                .containsEntry(TemplateHash.LABEL, hash);
        assertThat(TemplateHash.equalIgnoreHash(
                CLUSTER.client().apps().deployments().inNamespace(ns).withName("web").get().getSpec().getTemplate(),
                rs.getSpec().getTemplate())).isTrue();

        await().atMost(WAIT).until(() -> activePodsOf(ns, rs).size() == 3);
        Pod pod = activePodsOf(ns, rs).get(0);
        assertThat(pod.getMetadata().getName()).matches("web-" + hash + "-[bcdfghjklmnpqrstvwxz2456789]{5}");
        assertThat(pod.getMetadata().getLabels()).containsEntry("app", "web").containsEntry(TemplateHash.LABEL, hash);
        assertThat(pod.getMetadata().getOwnerReferences()).singleElement().satisfies(o -> {
            assertThat(o.getKind()).isEqualTo("ReplicaSet");
            assertThat(o.getApiVersion()).isEqualTo("apps/v1");
            assertThat(o.getController()).isTrue();
            assertThat(o.getBlockOwnerDeletion()).isTrue();
        });

        await().atMost(WAIT).untilAsserted(() -> {
            ReplicaSet live = CLUSTER.client().apps().replicaSets().inNamespace(ns).withName(rs.getMetadata().getName()).get();
            assertThat(live.getStatus().getReplicas()).isEqualTo(3);
            assertThat(live.getStatus().getFullyLabeledReplicas()).isEqualTo(3);
            assertThat(live.getStatus().getObservedGeneration()).isEqualTo(live.getMetadata().getGeneration());
            Deployment dep = CLUSTER.client().apps().deployments().inNamespace(ns).withName("web").get();
            assertThat(dep.getMetadata().getAnnotations()).containsEntry(Revisions.REVISION, "1");
            assertThat(dep.getStatus().getObservedGeneration()).isEqualTo(dep.getMetadata().getGeneration());
            assertThat(dep.getStatus().getReplicas()).isEqualTo(3);
            assertThat(dep.getStatus().getUpdatedReplicas()).isEqualTo(3);
            // Zero counts are omitempty in apps/v1: left out, as kube-apiserver writes them.
            assertThat(dep.getStatus().getReadyReplicas()).isNull();
            assertThat(dep.getStatus().getAvailableReplicas()).isNull();
            assertThat(live.getStatus().getReadyReplicas()).isNull();
            assertThat(live.getStatus().getAvailableReplicas()).isNull();
            assertThat(dep.getStatus().getUnavailableReplicas()).isEqualTo(3);
            assertThat(condition(dep, "Available").getReason()).isEqualTo("MinimumReplicasUnavailable");
            assertThat(condition(dep, "Available").getMessage())
                    .isEqualTo("Deployment does not have minimum availability.");
            assertThat(condition(dep, "Progressing").getStatus()).isEqualTo("True");
            assertThat(condition(dep, "Progressing").getReason()).isIn("NewReplicaSetCreated", "ReplicaSetUpdated");
        });
        assertThat(CLUSTER.client().v1().events().inNamespace(ns).list().getItems())
                .anySatisfy(e -> {
                    assertThat(e.getReason()).isEqualTo("ScalingReplicaSet");
                    assertThat(e.getMessage()).isEqualTo("Scaled up replica set " + rs.getMetadata().getName()
                            + " from 0 to 3");
                    assertThat(e.getInvolvedObject().getName()).isEqualTo("web");
                    assertThat(e.getSource().getComponent()).isEqualTo("deployment-controller");
                    assertThat(e.getReportingInstance()).isEmpty(); // as kube-controller-manager's, no host
                });
    }

    @Test
    void aPodTheApiRefusesIsReportedInTheServersWordsOnOneCountingEvent() {
        String ns = newNamespace("refused");
        CLUSTER.client().apps().deployments().inNamespace(ns).resource(new DeploymentBuilder()
                .withNewMetadata().withName("pf").endMetadata()
                .withNewSpec().withReplicas(1).withNewSelector().addToMatchLabels("app", "pf").endSelector()
                .withTemplate(new PodTemplateSpecBuilder(template("pf", "nginx")).editSpec()
                        .withPriorityClassName("nope").endSpec().build()).endSpec().build()).create();
        ReplicaSet rs = onlyReplicaSet(ns);
        // Admission runs before the name is generated: the server names the prefix.
        String refusal = "pods \"" + rs.getMetadata().getName() + "-\" is forbidden: no PriorityClass with name nope "
                + "was found";

        await().atMost(WAIT).untilAsserted(() -> {
            ReplicaSet live = CLUSTER.client().apps().replicaSets().inNamespace(ns)
                    .withName(rs.getMetadata().getName()).get();
            assertThat(live.getStatus().getConditions()).singleElement().satisfies(c -> {
                assertThat(c.getType()).isEqualTo("ReplicaFailure");
                assertThat(c.getReason()).isEqualTo("FailedCreate");
                assertThat(c.getMessage()).isEqualTo(refusal);
            });
            List<Event> failures = CLUSTER.client().v1().events().inNamespace(ns)
                    .list().getItems().stream().filter(e -> "FailedCreate".equals(e.getReason())).toList();
            assertThat(failures).singleElement().satisfies(e -> {
                assertThat(e.getMessage()).isEqualTo("Error creating: " + refusal);
                assertThat(e.getCount()).isGreaterThan(1);
            });
        });
        await().atMost(WAIT).untilAsserted(() -> assertThat(condition(CLUSTER.client().apps().deployments()
                .inNamespace(ns).withName("pf").get(), "ReplicaFailure").getMessage()).isEqualTo(refusal));
    }

    private static DeploymentCondition condition(Deployment d, String type) {
        return d.getStatus().getConditions().stream().filter(c -> type.equals(c.getType())).findFirst().orElseThrow();
    }

    /**
     * fabric8's edit sends the resourceVersion it read as a precondition, so a controller writing the
     * same object meanwhile fails it with 409; like any client, read again and retry.
     */
    private static void retryOnConflict(Runnable edit) {
        for (int attempt = 1; ; attempt++) {
            try {
                edit.run();
                return;
            } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
                if (e.getCode() != 409 || attempt >= 10) {
                    throw e;
                }
            }
        }
    }

    /** What {@code kubectl scale} sends: a merge patch on /scale, without a resourceVersion. */
    private void scale(String ns, String name, int replicas) throws Exception {
        assertThat(scaleOnce(ns, name, replicas)).isTrue();
    }

    private boolean scaleOnce(String ns, String name, int replicas) throws Exception {
        HttpResponse<String> response = CLUSTER.cluster().httpClient().send(HttpRequest.newBuilder(URI.create(CLUSTER.cluster().server()
                        .url() + "/apis/apps/v1/namespaces/" + ns + "/deployments/" + name + "/scale"))
                .header("Authorization", "Bearer " + CLUSTER.cluster().token())
                .header("Content-Type", "application/merge-patch+json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"spec\":{\"replicas\":" + replicas + "}}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return true;
    }

    @Test
    void scalingThroughTheScaleSubresourceScalesTheReplicaSet() throws Exception {
        String ns = newNamespace("scale");
        createDeployment(ns, "web", 3);
        ReplicaSet rs = onlyReplicaSet(ns);
        await().atMost(WAIT).until(() -> activePodsOf(ns, rs).size() == 3);

        scale(ns, "web", 5);

        await().atMost(WAIT).until(() -> activePodsOf(ns, rs).size() == 5);
        assertThat(replicaSets(ns)).singleElement().satisfies(r -> {
            assertThat(r.getSpec().getReplicas()).isEqualTo(5);
            assertThat(r.getMetadata().getAnnotations()).containsEntry(Revisions.REVISION, "1")
                    .containsEntry(Revisions.DESIRED_REPLICAS, "5");
        });
        await().atMost(WAIT).until(() -> {
            var status = CLUSTER.client().apps().deployments().inNamespace(ns).withName("web").get().getStatus();
            return status.getReplicas() == 5 && status.getUpdatedReplicas() == 5;
        });

        scale(ns, "web", 2);
        await().atMost(WAIT).until(() -> activePodsOf(ns, rs).size() == 2);
    }

    @Test
    void deletedAndFailedPodsAreReplaced() {
        String ns = newNamespace("replace");
        createDeployment(ns, "web", 3);
        ReplicaSet rs = onlyReplicaSet(ns);
        await().atMost(WAIT).until(() -> activePodsOf(ns, rs).size() == 3);

        Pod victim = activePodsOf(ns, rs).get(0);
        CLUSTER.client().pods().inNamespace(ns).withName(victim.getMetadata().getName()).delete();
        await().atMost(WAIT).until(() -> activePodsOf(ns, rs).size() == 3
                && activePodsOf(ns, rs).stream().noneMatch(p -> p.getMetadata().getName()
                        .equals(victim.getMetadata().getName())));

        Pod failing = activePodsOf(ns, rs).get(0);
        CLUSTER.client().pods().inNamespace(ns).withName(failing.getMetadata().getName())
                .editStatus(p -> new PodBuilder(p).editOrNewStatus().withPhase("Failed").endStatus().build());
        await().atMost(WAIT).until(() -> activePodsOf(ns, rs).size() == 3
                && activePodsOf(ns, rs).stream().noneMatch(p -> p.getMetadata().getName()
                        .equals(failing.getMetadata().getName())));
        // The failed pod stays (a pod GC would remove it); the RS counts only active pods.
        assertThat(CLUSTER.client().pods().inNamespace(ns).withName(failing.getMetadata().getName()).get()).isNotNull();
        await().atMost(WAIT).until(() -> CLUSTER.client().apps().replicaSets().inNamespace(ns).withName(rs.getMetadata()
                .getName()).get().getStatus().getReplicas() == 3);
    }

    @Test
    void changingTheTemplateCreatesASecondRevisionAndScalesTheOldOneDown() {
        String ns = newNamespace("rollout");
        // A rolling update waits for new pods to be available: something must mark them Ready.
        try (FakeKubelet kubelet = new FakeKubelet(CLUSTER.client(), ns, image -> false)) {
            rollOut(ns);
        }
    }

    private void rollOut(String ns) {
        createDeployment(ns, "web", 3);
        ReplicaSet first = onlyReplicaSet(ns);
        await().atMost(WAIT).until(() -> activePodsOf(ns, first).size() == 3);

        retryOnConflict(() -> CLUSTER.client().apps().deployments().inNamespace(ns).withName("web").edit(d ->
                new DeploymentBuilder(d).editSpec().editTemplate().editSpec().editFirstContainer()
                        .withImage("nginx:1.28").endContainer().endSpec().endTemplate().endSpec().build()));

        await().atMost(WAIT).until(() -> replicaSets(ns).size() == 2);
        ReplicaSet second = replicaSets(ns).stream()
                .filter(r -> !r.getMetadata().getName().equals(first.getMetadata().getName())).findFirst().orElseThrow();
        assertThat(second.getMetadata().getAnnotations()).containsEntry(Revisions.REVISION, "2");
        assertThat(second.getSpec().getTemplate().getSpec().getContainers().get(0).getImage()).isEqualTo("nginx:1.28");
        await().atMost(WAIT).until(() -> activePodsOf(ns, second).size() == 3 && activePodsOf(ns, first).isEmpty());
        await().atMost(WAIT).untilAsserted(() -> {
            ReplicaSet old = CLUSTER.client().apps().replicaSets().inNamespace(ns).withName(first.getMetadata().getName()).get();
            assertThat(old.getSpec().getReplicas()).isZero();
            assertThat(old.getMetadata().getAnnotations()).containsEntry(Revisions.REVISION, "1");
            Deployment dep = CLUSTER.client().apps().deployments().inNamespace(ns).withName("web").get();
            assertThat(dep.getMetadata().getAnnotations()).containsEntry(Revisions.REVISION, "2");
            assertThat(dep.getStatus().getObservedGeneration()).isEqualTo(dep.getMetadata().getGeneration());
            assertThat(dep.getStatus().getReplicas()).isEqualTo(3);
            assertThat(dep.getStatus().getUpdatedReplicas()).isEqualTo(3);
        });
        assertThat(CLUSTER.client().v1().events().inNamespace(ns).list().getItems()).extracting(e -> e.getMessage())
                .contains("Scaled down replica set " + first.getMetadata().getName() + " from 1 to 0");
    }

    @Test
    void aReplicaSetAdoptsAMatchingOrphanPod() {
        String ns = newNamespace("adopt");
        CLUSTER.client().pods().inNamespace(ns).resource(new PodBuilder().withNewMetadata().withName("stray")
                .addToLabels("app", "solo").endMetadata().withSpec(template("solo", "nginx").getSpec()).build()).create();
        ReplicaSet rs = CLUSTER.client().apps().replicaSets().inNamespace(ns).resource(new ReplicaSetBuilder()
                .withNewMetadata().withName("solo").endMetadata()
                .withNewSpec().withReplicas(2).withNewSelector().addToMatchLabels("app", "solo").endSelector()
                .withTemplate(template("solo", "nginx")).endSpec().build()).create();

        await().atMost(WAIT).until(() -> activePodsOf(ns, rs).size() == 2);
        assertThat(activePodsOf(ns, rs)).extracting(p -> p.getMetadata().getName()).contains("stray");
        assertThat(CLUSTER.client().pods().inNamespace(ns).list().getItems()).hasSize(2);

        // A pod relabelled out of the selector is released, and replaced.
        retryOnConflict(() -> CLUSTER.client().pods().inNamespace(ns).withName("stray").edit(p -> new PodBuilder(p)
                .editMetadata().withLabels(Map.of("app", "elsewhere")).endMetadata().build()));
        await().atMost(WAIT).until(() -> CLUSTER.client().pods().inNamespace(ns).withName("stray").get().getMetadata()
                .getOwnerReferences().isEmpty() && activePodsOf(ns, rs).size() == 2);
    }

    @Test
    void deletingTheDeploymentRemovesItsReplicaSetsAndPods() {
        String ns = newNamespace("gone");
        createDeployment(ns, "web", 2);
        ReplicaSet rs = onlyReplicaSet(ns);
        await().atMost(WAIT).until(() -> activePodsOf(ns, rs).size() == 2);

        CLUSTER.client().apps().deployments().inNamespace(ns).withName("web")
                .withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();

        await().atMost(WAIT).until(() -> replicaSets(ns).isEmpty() && CLUSTER.client().pods().inNamespace(ns).list()
                .getItems().isEmpty());
    }
}
