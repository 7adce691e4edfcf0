package io.drover.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drover.testing.SharedCluster;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What a DELETE does to an object that stays for now, as kube-apiserver 1.32's generic store, rest.BeforeDelete and
 * namespace registry do it: graceful pod deletion with the propagation policy's finalizers, grace periods that only
 * shorten, force deletes seen by watchers and the node agent, generations, and namespaces' own rules.
 */
class DeletionSemanticsIT {
    @RegisterExtension
    static final SharedCluster CLUSTER = new SharedCluster();

    /** A node without an agent: pods bound to it are "running" for the API server, and nothing stops them. */
    private static final String GHOST_NODE = "deletion-ghost";
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** Releases an object's finalizers whatever else changed meanwhile (its controller's status writes). */
    private static final PatchContext NO_FINALIZERS = PatchContext.of(PatchType.JSON_MERGE);
    private static final String NO_FINALIZERS_PATCH = "{\"metadata\":{\"finalizers\":null}}";

    private final ObjectMapper json = new ObjectMapper();

    @BeforeAll
    static void ghostNode() {
        CLUSTER.client().nodes().resource(new NodeBuilder().withNewMetadata().withName(GHOST_NODE).endMetadata()
                .build()).create();
    }

    @AfterAll
    static void noGhostNode() {
        CLUSTER.client().nodes().withName(GHOST_NODE).delete();
    }

    private String newNamespace(String prefix) {
        return CLUSTER.client().namespaces().resource(new NamespaceBuilder().withNewMetadata()
                .withGenerateName(prefix + "-").endMetadata().build()).create().getMetadata().getName();
    }

    private HttpResponse<String> send(String method, String path, String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(CLUSTER.cluster().server().url() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + CLUSTER.cluster().token())
                .build();
        return CLUSTER.cluster().httpClient().send(request, HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode body(HttpResponse<String> response) throws Exception {
        return json.readTree(response.body());
    }

    /** A pod bound to the ghost node, with terminationGracePeriodSeconds 5. */
    private Pod ghostPod(String ns, String name, String... finalizers) {
        return CLUSTER.client().pods().inNamespace(ns).resource(new PodBuilder().withNewMetadata().withName(name)
                .addToFinalizers(finalizers).endMetadata().withNewSpec().withNodeName(GHOST_NODE)
                .withTerminationGracePeriodSeconds(5L).addNewContainer().withName("c").withImage("c").endContainer()
                .endSpec().build()).create();
    }

    private void forceDelete(String ns, String pod) {
        CLUSTER.client().pods().inNamespace(ns).withName(pod).withGracePeriod(0).delete();
    }

    private void releaseConfigMap(String ns, String name) {
        CLUSTER.client().configMaps().inNamespace(ns).withName(name).patch(NO_FINALIZERS, NO_FINALIZERS_PATCH);
    }

    // Graceful pod deletion (rest.BeforeDelete, updateForGracefulDeletionAndFinalizers)

    @Test
    void aGracefulPodDeleteSetsThePolicysFinalizer() throws Exception {
        String ns = newNamespace("graceful-policy");
        ghostPod(ns, "p1");

        HttpResponse<String> response = send("DELETE", "/api/v1/namespaces/" + ns + "/pods/p1",
                "{\"propagationPolicy\":\"Foreground\",\"gracePeriodSeconds\":20}");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode metadata = body(response).path("metadata");
        assertThat(metadata.path("finalizers").toString()).isEqualTo("[\"foregroundDeletion\"]");
        assertThat(metadata.path("deletionGracePeriodSeconds").asLong()).isEqualTo(20);
        forceDelete(ns, "p1");
    }

    /** {@code kubectl delete pod --cascade=orphan} of a running pod: its dependents stay, without their reference. */
    @Test
    void orphaningARunningPodKeepsItsDependents() throws Exception {
        String ns = newNamespace("graceful-orphan");
        Pod pod = CLUSTER.client().pods().inNamespace(ns).resource(new PodBuilder().withNewMetadata().withName("owner")
                .endMetadata().withNewSpec().withTerminationGracePeriodSeconds(1L).addNewContainer().withName("c")
                .withCommand("sleep", "3600").endContainer().endSpec().build()).create();
        CLUSTER.client().configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata()
                .withName("dependent").addToOwnerReferences(new OwnerReferenceBuilder().withApiVersion("v1")
                        .withKind("Pod").withName("owner").withUid(pod.getMetadata().getUid()).build())
                .endMetadata().build()).create();
        await().atMost(WAIT).until(() -> CLUSTER.client().pods().inNamespace(ns).withName("owner").get().getSpec()
                .getNodeName() != null);

        HttpResponse<String> response = send("DELETE", "/api/v1/namespaces/" + ns + "/pods/owner",
                "{\"kind\":\"DeleteOptions\",\"apiVersion\":\"v1\",\"propagationPolicy\":\"Orphan\"}");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(body(response).path("metadata").path("finalizers").toString()).isEqualTo("[\"orphan\"]");
        await().atMost(WAIT).until(() -> CLUSTER.client().pods().inNamespace(ns).withName("owner").get() == null);
        await().atMost(WAIT).untilAsserted(() -> assertThat(CLUSTER.client().configMaps().inNamespace(ns)
                .withName("dependent").get().getMetadata().getOwnerReferences()).isEmpty());
    }

    @Test
    void shorteningTheGracePeriodMovesTheDeadlineByTheDifference() throws Exception {
        String ns = newNamespace("graceful-shorten");
        ghostPod(ns, "p");
        String path = "/api/v1/namespaces/" + ns + "/pods/p";

        JsonNode first = body(send("DELETE", path, "{\"gracePeriodSeconds\":300}")).path("metadata");
        JsonNode second = body(send("DELETE", path, "{\"gracePeriodSeconds\":100}")).path("metadata");

        assertThat(second.path("deletionGracePeriodSeconds").asLong()).isEqualTo(100);
        assertThat(Instant.parse(second.path("deletionTimestamp").asText()))
                .isEqualTo(Instant.parse(first.path("deletionTimestamp").asText()).minusSeconds(200));
        forceDelete(ns, "p");
    }

    @Test
    void aDeleteWithoutAGracePeriodLeavesAPendingGracefulDeletionAlone() throws Exception {
        String ns = newNamespace("graceful-pending");
        ghostPod(ns, "p"); // terminationGracePeriodSeconds 5
        String path = "/api/v1/namespaces/" + ns + "/pods/p";
        JsonNode first = body(send("DELETE", path, "{\"gracePeriodSeconds\":60}")).path("metadata");

        HttpResponse<String> again = send("DELETE", path, null);
        HttpResponse<String> longer = send("DELETE", path, "{\"gracePeriodSeconds\":90,\"propagationPolicy\":\"Orphan\"}");

        for (HttpResponse<String> response : List.of(again, longer)) {
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            JsonNode metadata = body(response).path("metadata");
            assertThat(metadata.path("deletionGracePeriodSeconds").asLong()).isEqualTo(60);
            assertThat(metadata.path("deletionTimestamp")).isEqualTo(first.path("deletionTimestamp"));
            assertThat(metadata.path("resourceVersion")).isEqualTo(first.path("resourceVersion"));
            assertThat(metadata.has("finalizers")).isFalse();
        }
        forceDelete(ns, "p");
    }

    /** The node agent sees the grace period end (deletionGracePeriodSeconds 0) and kills the containers at once. */
    @Test
    void aForceDeleteOfATerminatingPodThatAFinalizerKeepsEndsItsGracePeriod() throws Exception {
        String ns = newNamespace("graceful-force");
        CLUSTER.client().pods().inNamespace(ns).resource(new PodBuilder().withNewMetadata().withName("stubborn")
                .addToFinalizers("example.com/hold").endMetadata().withNewSpec()
                .withTerminationGracePeriodSeconds(600L).addNewContainer().withName("c")
                .withCommand("sh", "-c", "trap '' TERM; sleep 3600").endContainer().endSpec().build()).create();
        await().atMost(WAIT).until(() -> "Running".equals(CLUSTER.client().pods().inNamespace(ns).withName("stubborn")
                .get().getStatus().getPhase()));
        String path = "/api/v1/namespaces/" + ns + "/pods/stubborn";
        JsonNode graceful = body(send("DELETE", path, null)).path("metadata");
        assertThat(graceful.path("deletionGracePeriodSeconds").asLong()).isEqualTo(600);

        HttpResponse<String> force = send("DELETE", path, "{\"gracePeriodSeconds\":0}");

        assertThat(force.statusCode()).as(force.body()).isEqualTo(200);
        JsonNode metadata = body(force).path("metadata");
        assertThat(metadata.path("deletionGracePeriodSeconds").asLong()).isZero();
        assertThat(Instant.parse(metadata.path("deletionTimestamp").asText()))
                .isEqualTo(Instant.parse(graceful.path("deletionTimestamp").asText()).minusSeconds(600));
        // Killed long before its 600 s: the agent reports the container terminated.
        await().atMost(WAIT).untilAsserted(() -> assertThat(CLUSTER.client().pods().inNamespace(ns)
                .withName("stubborn").get().getStatus().getContainerStatuses().get(0).getState().getTerminated())
                .isNotNull());
        CLUSTER.client().pods().inNamespace(ns).withName("stubborn").patch(NO_FINALIZERS, NO_FINALIZERS_PATCH);
        await().atMost(WAIT).until(() -> CLUSTER.client().pods().inNamespace(ns).withName("stubborn").get() == null);
    }

    /** A grace-0 delete stores the marked pod before it goes, so a watcher sees why it went. */
    @Test
    void aForceDeleteIsWatchedAsTheMarkedPodAndThenItsDeletion() throws Exception {
        String ns = newNamespace("graceful-watch");
        ghostPod(ns, "p");
        List<String> events = new CopyOnWriteArrayList<>();
        try (Watch watch = CLUSTER.client().pods().inNamespace(ns).withName("p").watch(new Watcher<>() {
            @Override
            public void eventReceived(Action action, Pod pod) {
                events.add(action + " " + pod.getMetadata().getDeletionTimestamp() + " "
                        + pod.getMetadata().getDeletionGracePeriodSeconds());
            }

            @Override
            public void onClose(WatcherException cause) {}
        })) {
            await().atMost(WAIT).until(() -> !events.isEmpty()); // the ADDED of a watch from now

            HttpResponse<String> response = send("DELETE", "/api/v1/namespaces/" + ns + "/pods/p",
                    "{\"gracePeriodSeconds\":0}");

            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            assertThat(body(response).path("kind").asText()).isEqualTo("Pod");
            assertThat(body(response).path("metadata").path("deletionGracePeriodSeconds").asLong()).isZero();
            await().atMost(WAIT).until(() -> events.stream().anyMatch(e -> e.startsWith("DELETED")));
            assertThat(events.subList(events.size() - 2, events.size())).allSatisfy(e -> assertThat(e)
                    .doesNotContain("null").endsWith(" 0")).extracting(e -> e.split(" ")[0])
                    .containsExactly("MODIFIED", "DELETED");
        }
    }

    // Generic store: markAsDeleting, Create's message

    @Test
    void markingAnObjectForDeletionBumpsItsGeneration() throws Exception {
        String ns = newNamespace("generation");
        CLUSTER.client().apps().deployments().inNamespace(ns).resource(new DeploymentBuilder().withNewMetadata()
                .withName("web").addToFinalizers("example.com/hold").endMetadata().withNewSpec().withReplicas(0)
                .withNewSelector().addToMatchLabels("app", "web").endSelector().withNewTemplate().withNewMetadata()
                .addToLabels("app", "web").endMetadata().withNewSpec().addNewContainer().withName("c")
                .withImage("c").endContainer().endSpec().endTemplate().endSpec().build()).create();

        HttpResponse<String> response = send("DELETE", "/apis/apps/v1/namespaces/" + ns + "/deployments/web", null);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(body(response).path("metadata").path("generation").asLong()).isEqualTo(2);
        assertThat(body(response).path("metadata").path("deletionGracePeriodSeconds").asLong()).isZero();
        // A second delete changes nothing.
        assertThat(body(send("DELETE", "/apis/apps/v1/namespaces/" + ns + "/deployments/web", null)).path("metadata")
                .path("generation").asLong()).isEqualTo(2);
        CLUSTER.client().apps().deployments().inNamespace(ns).withName("web").patch(NO_FINALIZERS, NO_FINALIZERS_PATCH);
    }

    @Test
    void creatingANameHeldByAnObjectBeingDeletedSaysSo() throws Exception {
        String ns = newNamespace("being-deleted");
        CLUSTER.client().configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata().withName("fin1")
                .addToFinalizers("example.com/hold").endMetadata().build()).create();
        CLUSTER.client().configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata().withName("live")
                .endMetadata().build()).create();
        send("DELETE", "/api/v1/namespaces/" + ns + "/configmaps/fin1", null);

        HttpResponse<String> again = send("POST", "/api/v1/namespaces/" + ns + "/configmaps",
                "{\"metadata\":{\"name\":\"fin1\"}}");
        HttpResponse<String> live = send("POST", "/api/v1/namespaces/" + ns + "/configmaps",
                "{\"metadata\":{\"name\":\"live\"}}");
        HttpResponse<String> dryRun = send("POST", "/api/v1/namespaces/" + ns + "/configmaps?dryRun=All",
                "{\"metadata\":{\"name\":\"fin1\"}}");

        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(body(again).path("reason").asText()).isEqualTo("AlreadyExists");
        assertThat(body(again).path("message").asText())
                .isEqualTo("object is being deleted: configmaps \"fin1\" already exists");
        assertThat(body(dryRun).path("message").asText())
                .isEqualTo("object is being deleted: configmaps \"fin1\" already exists");
        assertThat(body(live).path("message").asText()).isEqualTo("configmaps \"live\" already exists");
        releaseConfigMap(ns, "fin1");
    }

    // Namespaces (pkg/registry/core/namespace/storage) and ReturnDeletedObject

    @Test
    void aTerminatingNamespaceHasNoGracePeriodAndOrphanDependentsFalseDeletesItsDependentsInTheForeground()
            throws Exception {
        String ns = newNamespace("ns-foreground");
        CLUSTER.client().configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata().withName("held")
                .addToFinalizers("example.com/hold").endMetadata().build()).create();

        HttpResponse<String> response = send("DELETE", "/api/v1/namespaces/" + ns, "{\"orphanDependents\":false}");
        HttpResponse<String> name = send("POST", "/api/v1/namespaces", "{\"metadata\":{\"name\":\"" + ns + "\"}}");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        JsonNode metadata = body(response).path("metadata");
        assertThat(metadata.path("finalizers").toString()).isEqualTo("[\"foregroundDeletion\"]");
        assertThat(metadata.path("deletionTimestamp").asText()).isNotEmpty();
        assertThat(metadata.has("deletionGracePeriodSeconds")).isFalse();
        assertThat(body(response).path("status").path("phase").asText()).isEqualTo("Terminating");
        assertThat(body(name).path("message").asText())
                .isEqualTo("object is being deleted: namespaces \"" + ns + "\" already exists");
        releaseConfigMap(ns, "held");
    }

    @Test
    void aNamespaceFinalizedBeforeItsDeleteIsMarkedTerminatingFirstAndAnsweredWhenItGoes() throws Exception {
        String ns = newNamespace("ns-prefinalized");
        CLUSTER.client().configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata()
                .withName("inside").endMetadata().build()).create();
        var namespace = CLUSTER.client().namespaces().withName(ns).get();
        namespace.getSpec().setFinalizers(List.of());
        assertThat(send("PUT", "/api/v1/namespaces/" + ns + "/finalize",
                CLUSTER.client().getKubernetesSerialization().asJson(namespace)).statusCode()).isEqualTo(200);

        HttpResponse<String> first = send("DELETE", "/api/v1/namespaces/" + ns, null);

        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        assertThat(body(first).path("status").path("phase").asText()).isEqualTo("Terminating");
        // The namespace controller skips a namespace without its finalizer, as Kubernetes' does: its content stays.
        await().during(Duration.ofSeconds(1)).atMost(WAIT).until(() -> CLUSTER.client().configMaps().inNamespace(ns)
                .withName("inside").get() != null);
        assertThat(CLUSTER.client().namespaces().withName(ns).get()).isNotNull();

        HttpResponse<String> second = send("DELETE", "/api/v1/namespaces/" + ns, null);

        assertThat(second.statusCode()).as(second.body()).isEqualTo(200);
        assertThat(body(second).path("kind").asText()).isEqualTo("Namespace");
        assertThat(CLUSTER.client().namespaces().withName(ns).get()).isNull();
    }

    @Test
    void deletingAServiceAccountAnswersIt() throws Exception {
        String ns = newNamespace("sa-delete");
        CLUSTER.client().serviceAccounts().inNamespace(ns).resource(new ServiceAccountBuilder().withNewMetadata()
                .withName("robot").endMetadata().build()).create();

        HttpResponse<String> response = send("DELETE", "/api/v1/namespaces/" + ns + "/serviceaccounts/robot", null);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(body(response).path("kind").asText()).isEqualTo("ServiceAccount");
        assertThat(body(response).path("metadata").path("name").asText()).isEqualTo("robot");
    }

    @Test
    void finalizeReportsABadFinalizerAtItsIndexAndWritesTheBodysMetadata() throws Exception {
        String ns = newNamespace("finalize-body");
        String path = "/api/v1/namespaces/" + ns + "/finalize";

        HttpResponse<String> bad = send("PUT", path, "{\"metadata\":{\"name\":\"" + ns + "\"},"
                + "\"spec\":{\"finalizers\":[\"kubernetes\",\"a/b/c\"]}}");
        HttpResponse<String> labelled = send("PUT", path, "{\"metadata\":{\"name\":\"" + ns + "\",\"labels\":"
                + "{\"team\":\"blue\"}},\"spec\":{\"finalizers\":[\"kubernetes\"]},\"status\":{\"phase\":\"Terminating\"}}");

        assertThat(bad.statusCode()).as(bad.body()).isEqualTo(422);
        assertThat(body(bad).path("details").path("causes").get(0).path("field").asText())
                .isEqualTo("spec.finalizers[1]");
        assertThat(labelled.statusCode()).as(labelled.body()).isEqualTo(200);
        var stored = CLUSTER.client().namespaces().withName(ns).get();
        assertThat(stored.getMetadata().getLabels()).containsEntry("team", "blue");
        assertThat(stored.getStatus().getPhase()).isEqualTo("Active");
        assertThat(stored.getSpec().getFinalizers()).containsExactly("kubernetes");
    }
}
