package io.drover.api.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.ApiException;
import io.drover.api.ClusterBootstrap;
import io.drover.api.resource.ResourceRegistry;
import io.drover.api.resource.ResourceType;
import io.drover.api.storage.ObjectStorage;
import io.drover.json.Mappers;
import io.drover.testing.DefaultServiceAccounts;
import io.drover.testing.TempSqliteStore;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The eviction decisions of kube-apiserver's EvictionREST, each branch on a real store: the
 * budget's status is written as the disruption controller would have, and the pods' as their
 * agent would have.
 */
class EvictionsTest {
    private static final ObjectMapper JSON = Mappers.json();
    private static final JsonNode NOW = JSON.createObjectNode().put("gracePeriodSeconds", 0);

    @RegisterExtension
    final TempSqliteStore temp = new TempSqliteStore("drover-evictions");

    private ObjectStorage storage;
    private ResourceType pods;
    private ResourceType budgets;
    private Evictions evictions;

    @BeforeEach
    void store() {
        ResourceRegistry registry = ResourceRegistry.builtin();
        storage = new ObjectStorage(temp.store(), JSON, Clock.systemUTC());
        ClusterBootstrap.run(storage, registry, JSON);
        DefaultServiceAccounts.create(storage, registry, "default");
        pods = registry.find("", "v1", "pods").orElseThrow();
        budgets = registry.find("policy", "v1", "poddisruptionbudgets").orElseThrow();
        evictions = new Evictions(storage, budgets, Clock.systemUTC());
    }

    @Test
    void aPodNoBudgetCoversIsDeleted() {
        pod("a", "Running", true);
        evictions.evict(pods, "default", "a", NOW, List.of());
        assertThat(exists("a")).isFalse();
    }

    @Test
    void aBudgetWithADisruptionLeftRecordsThePodAndRunsOut() {
        budget("web", 1, 3, 2, null);
        pod("a", "Running", true);
        evictions.evict(pods, "default", "a", NOW, List.of());

        assertThat(exists("a")).isFalse();
        JsonNode status = storage.get(budgets, "default", "web").path("status");
        assertThat(status.path("disruptionsAllowed").asInt()).isZero();
        assertThat(status.path("disruptedPods").has("a")).isTrue();
        assertThat(status.path("conditions").get(0).path("reason").asText()).isEqualTo("InsufficientPods");
        assertThat(status.path("conditions").get(0).path("status").asText()).isEqualTo("False");
    }

    @Test
    void aBudgetWithoutDisruptionsLeftAnswersTooManyRequestsWithItsNumbers() {
        budget("web", 0, 2, 2, null);
        pod("a", "Running", true);
        assertThatThrownBy(() -> evictions.evict(pods, "default", "a", NOW, List.of()))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.code()).isEqualTo(429);
                    assertThat(e.getMessage()).isEqualTo(
                            "Cannot evict pod as it would violate the pod's disruption budget.");
                    JsonNode cause = e.toStatus().path("details").path("causes").get(0);
                    assertThat(cause.path("reason").asText()).isEqualTo("DisruptionBudget");
                    assertThat(cause.path("message").asText())
                            .isEqualTo("The disruption budget web needs 2 healthy pods and has 2 currently");
                    assertThat(cause.has("field")).isFalse();
                    assertThat(e.retryAfterSeconds()).isZero();
                });
        assertThat(exists("a")).isTrue();
    }

    @Test
    void aBudgetTheControllerHasNotSeenAsksToComeBackInTenSeconds() {
        budget("web", 1, 3, 2, null);
        storage.update(budgets, "default", "web", pdb -> {
            ((ObjectNode) pdb.path("spec")).put("minAvailable", 1);
            ((ObjectNode) pdb.path("metadata")).remove("resourceVersion");
            return pdb;
        }, false, false);
        pod("a", "Running", true);
        assertThatThrownBy(() -> evictions.evict(pods, "default", "a", NOW, List.of()))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.code()).isEqualTo(429);
                    assertThat(e.retryAfterSeconds()).isEqualTo(10);
                    assertThat(e.toStatus().path("details").path("causes").get(0).path("message").asText())
                            .isEqualTo("The disruption budget web is still being processed by the server.");
                });
    }

    @Test
    void twoBudgetsForOnePodAreRefused() {
        budget("one", 1, 3, 2, null);
        budget("two", 1, 3, 2, null);
        pod("a", "Running", true);
        assertThatThrownBy(() -> evictions.evict(pods, "default", "a", NOW, List.of()))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.code()).isEqualTo(500);
                    assertThat(e.getMessage()).isEqualTo("This pod has more than one PodDisruptionBudget, which the "
                            + "eviction subresource does not support.");
                    assertThat(e.toStatus().has("reason")).as("a bare Status, as eviction.go answers").isFalse();
                    assertThat(e.toStatus().has("details")).isFalse();
                });
    }

    @Test
    void unreadyAndPendingPodsGoWithoutUsingTheBudget() {
        budget("web", 0, 1, 2, "AlwaysAllow");
        pod("unready", "Running", false);
        pod("pending", "Pending", false);
        evictions.evict(pods, "default", "unready", NOW, List.of());
        evictions.evict(pods, "default", "pending", NOW, List.of());
        assertThat(exists("unready")).isFalse();
        assertThat(exists("pending")).isFalse();
        assertThat(storage.get(budgets, "default", "web").path("status").path("disruptedPods").isMissingNode())
                .isTrue();
    }

    @Test
    void anUnreadyPodUnderIfHealthyBudgetGoesOnlyWhileTheBudgetIsMet() {
        budget("web", 0, 1, 2, null);
        pod("unready", "Running", false);
        assertThatThrownBy(() -> evictions.evict(pods, "default", "unready", NOW, List.of()))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(429));
        budget("met", 0, 2, 2, null, "tier", "met");
        pod("unready-met", "Running", false, "tier", "met");
        evictions.evict(pods, "default", "unready-met", NOW, List.of());
        assertThat(exists("unready-met")).isFalse();
    }

    @Test
    void theEvictedPodIsMarkedAsADisruptionTargetBeforeItGoes() {
        pod("graceful", "Running", true);
        evictions.evict(pods, "default", "graceful", JSON.createObjectNode().put("gracePeriodSeconds", 30), List.of());
        JsonNode pod = storage.get(pods, "default", "graceful");
        assertThat(pod.path("metadata").has("deletionTimestamp")).isTrue();
        assertThat(pod.path("status").path("conditions")).anySatisfy(c -> {
            assertThat(c.path("type").asText()).isEqualTo("DisruptionTarget");
            assertThat(c.path("reason").asText()).isEqualTo("EvictionByEvictionAPI");
            assertThat(c.path("message").asText()).isEqualTo("Eviction API: evicting");
        });
    }

    @Test
    void invalidDeleteOptionsAreRefusedAsTheStoreDeleteRefusesThem() {
        pod("a", "Running", true);
        ObjectNode both = JSON.createObjectNode().put("propagationPolicy", "Bad").put("orphanDependents", true);
        assertThatThrownBy(() -> evictions.evict(pods, "default", "a", both, List.of()))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.code()).isEqualTo(422);
                    assertThat(e.getMessage()).startsWith("DeleteOptions.meta.k8s.io \"\" is invalid: ")
                            .contains("propagationPolicy: Invalid value: \"Bad\": orphanDependents and "
                                    + "deletionPropagation cannot be both set")
                            .contains("propagationPolicy: Unsupported value: \"Bad\": supported values: "
                                    + "\"Foreground\", \"Background\", \"Orphan\", \"nil\"");
                });
        ObjectNode bogus = JSON.createObjectNode();
        bogus.putArray("dryRun").add("Bogus");
        assertThatThrownBy(() -> evictions.evict(pods, "default", "a", bogus, List.of()))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getMessage()).isEqualTo(
                        "DeleteOptions.meta.k8s.io \"\" is invalid: dryRun: Unsupported value: []string{\"Bogus\"}: "
                                + "supported values: \"All\""));
        assertThat(exists("a")).isTrue();
    }

    @Test
    void invalidDeleteOptionsMeetTheBudgetFirst() {
        budget("web", 0, 2, 2, null);
        pod("a", "Running", true);
        ObjectNode bad = JSON.createObjectNode().put("propagationPolicy", "Bad");
        assertThatThrownBy(() -> evictions.evict(pods, "default", "a", bad, List.of()))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(429));
    }

    @Test
    void aDryRunInTheQueryAndAnotherInTheEvictionIsABare500() {
        pod("a", "Running", true);
        ObjectNode bogus = JSON.createObjectNode();
        bogus.putArray("dryRun").add("Bogus");
        assertThatThrownBy(() -> evictions.evict(pods, "default", "a", bogus, List.of("All")))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.code()).isEqualTo(500);
                    assertThat(e.getMessage())
                            .isEqualTo("Non-matching dry-run options in request and content: [All] and [Bogus]");
                    assertThat(e.toStatus().has("reason")).isFalse();
                });
        ObjectNode all = JSON.createObjectNode();
        all.putArray("dryRun").add("All");
        evictions.evict(pods, "default", "a", all, List.of("All"));
        evictions.evict(pods, "default", "a", JSON.createObjectNode(), List.of("All"));
        assertThat(exists("a")).as("only dry runs").isTrue();
    }

    @Test
    void aPreconditionThatFailsOnTheMarkedPodIsAConflictOnPod() {
        pod("lone2", "Running", true);
        ObjectNode options = JSON.createObjectNode();
        options.putObject("preconditions").put("uid", "other");
        assertThatThrownBy(() -> evictions.evict(pods, "default", "lone2", options, List.of()))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.code()).isEqualTo(409);
                    assertThat(e.getMessage()).startsWith("Operation cannot be fulfilled on Pod \"lone2\": the UID in "
                            + "the precondition (other) does not match the UID in record (");
                    assertThat(e.toStatus().path("details").path("kind").asText()).isEqualTo("Pod");
                });
    }

    private void budget(String name, int allowed, int currentHealthy, int desiredHealthy, String policy,
            String... selectorLabel) {
        ObjectNode pdb = JSON.createObjectNode();
        pdb.put("apiVersion", "policy/v1").put("kind", "PodDisruptionBudget");
        pdb.putObject("metadata").put("name", name);
        ObjectNode spec = pdb.putObject("spec");
        spec.put("minAvailable", desiredHealthy);
        spec.putObject("selector").putObject("matchLabels")
                .put(selectorLabel.length > 0 ? selectorLabel[0] : "app", selectorLabel.length > 0 ? selectorLabel[1] : "web");
        if (policy != null) {
            spec.put("unhealthyPodEvictionPolicy", policy);
        }
        storage.create(budgets, "default", pdb, false);
        storage.update(budgets, "default", name, stored -> {
            ObjectNode status = stored.putObject("status");
            status.put("disruptionsAllowed", allowed).put("currentHealthy", currentHealthy)
                    .put("desiredHealthy", desiredHealthy).put("expectedPods", 3).put("observedGeneration", 1);
            ((ObjectNode) stored.path("metadata")).remove("resourceVersion");
            return stored;
        }, true, false);
    }

    private void pod(String name, String phase, boolean ready, String... label) {
        ObjectNode pod = JSON.createObjectNode();
        pod.put("apiVersion", "v1").put("kind", "Pod");
        pod.putObject("metadata").put("name", name).putObject("labels")
                .put(label.length > 0 ? label[0] : "app", label.length > 0 ? label[1] : "web");
        pod.putObject("spec").put("nodeName", "node-1").putArray("containers").addObject().put("name", "app")
                .put("image", "process");
        storage.create(pods, "default", pod, false);
        storage.update(pods, "default", name, stored -> {
            ObjectNode status = stored.putObject("status");
            status.put("phase", phase);
            status.putArray("conditions").addObject().put("type", "Ready").put("status", ready ? "True" : "False");
            ((ObjectNode) stored.path("metadata")).remove("resourceVersion");
            return stored;
        }, true, false);
    }

    private boolean exists(String name) {
        try {
            storage.get(pods, "default", name);
            return true;
        } catch (ApiException e) {
            if (e.code() == 404) {
                return false;
            }
            throw e;
        }
    }
}
