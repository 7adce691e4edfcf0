package io.drover.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drover.testing.SharedCluster;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A DELETE's DeleteOptions body, as kubectl and client-go send it: its dryRun deletes nothing, and
 * what kube-apiserver refuses is refused with its Status.
 */
class DeleteOptionsIT {
    @RegisterExtension
    static final SharedCluster CLUSTER = new SharedCluster();

    /** What kubectl 1.32 sends for {@code kubectl delete --dry-run=server}. */
    private static final String DRY_RUN_BODY = "{\"kind\":\"DeleteOptions\",\"apiVersion\":\"v1\",\"dryRun\":[\"All\"]}";

    private final ObjectMapper json = new ObjectMapper();

    private String newNamespaceWithConfigMaps(String prefix, String... names) {
        Namespace ns = CLUSTER.client().namespaces().resource(new NamespaceBuilder()
                .withNewMetadata().withGenerateName(prefix + "-").endMetadata().build()).create();
        String name = ns.getMetadata().getName();
        // Every namespace gets a kube-root-ca.crt ConfigMap; these tests count on it being there.
        await().atMost(Duration.ofSeconds(30)).until(() -> CLUSTER.client().configMaps().inNamespace(name)
                .withName("kube-root-ca.crt").get() != null);
        for (String cm : names) {
            CLUSTER.client().configMaps().inNamespace(name).resource(new ConfigMapBuilder().withNewMetadata()
                    .withName(cm).endMetadata().build()).create();
        }
        return name;
    }

    private HttpResponse<String> delete(String path, String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(CLUSTER.cluster().server().url() + path))
                .method("DELETE", HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + CLUSTER.cluster().token())
                .build();
        return CLUSTER.cluster().httpClient().send(request, HttpResponse.BodyHandlers.ofString());
    }

    /**
     * A namespace with ConfigMap "owner" and its dependent "child" (blockOwnerDeletion), which a
     * finalizer keeps until the test removes it: it holds its owner's foreground deletion.
     */
    private String ownerWithAHeldChild(String prefix) {
        String ns = newNamespaceWithConfigMaps(prefix, "owner");
        String ownerUid = CLUSTER.client().configMaps().inNamespace(ns).withName("owner").get().getMetadata().getUid();
        CLUSTER.client().configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata().withName("child")
                .addToFinalizers("example.com/hold").addToOwnerReferences(new io.fabric8.kubernetes.api.model
                        .OwnerReferenceBuilder().withApiVersion("v1").withKind("ConfigMap").withName("owner")
                        .withUid(ownerUid).withBlockOwnerDeletion(true).build()).endMetadata().build()).create();
        return ns;
    }

    private JsonNode status(HttpResponse<String> response) throws Exception {
        return json.readTree(response.body());
    }

    @Test
    void dryRunInTheBodyDeletesNothing() throws Exception {
        String ns = newNamespaceWithConfigMaps("dry-one", "kept");

        HttpResponse<String> response = delete("/api/v1/namespaces/" + ns + "/configmaps/kept", DRY_RUN_BODY);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(CLUSTER.client().configMaps().inNamespace(ns).withName("kept").get()).isNotNull();
    }

    @Test
    void aDryRunDeleteOfAnObjectThatStaysAnswersItAsTheDeleteWouldLeaveIt() throws Exception {
        String ns = newNamespaceWithConfigMaps("dry-held");
        CLUSTER.client().configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata().withName("held")
                .addToFinalizers("example.com/a").endMetadata().build()).create();

        HttpResponse<String> response = delete("/api/v1/namespaces/" + ns + "/configmaps/held?propagationPolicy=Foreground",
                DRY_RUN_BODY);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(status(response).path("kind").asText()).isEqualTo("ConfigMap");
        assertThat(status(response).path("metadata").path("deletionTimestamp").asText()).isNotEmpty();
        assertThat(status(response).path("metadata").path("finalizers").toString())
                .isEqualTo("[\"example.com/a\",\"foregroundDeletion\"]");
        var stored = CLUSTER.client().configMaps().inNamespace(ns).withName("held").get().getMetadata();
        assertThat(stored.getDeletionTimestamp()).isNull();
        assertThat(stored.getFinalizers()).containsExactly("example.com/a");
        CLUSTER.client().configMaps().inNamespace(ns).withName("held")
                .edit(c -> new ConfigMapBuilder(c).editMetadata().withFinalizers().endMetadata().build());
    }

    @Test
    void dryRunInTheBodyOfADeleteCollectionDeletesNothing() throws Exception {
        String ns = newNamespaceWithConfigMaps("dry-all", "a", "b");

        HttpResponse<String> response = delete("/api/v1/namespaces/" + ns + "/configmaps", DRY_RUN_BODY);

        assertThat(response.statusCode()).isEqualTo(200);
        // The two and the namespace's kube-root-ca.crt.
        assertThat(status(response).path("items")).hasSize(3);
        assertThat(CLUSTER.client().configMaps().inNamespace(ns).list().getItems()).hasSize(3);
    }

    @Test
    void dryRunInTheBodyKeepsANamespaceAndItsContent() throws Exception {
        String ns = newNamespaceWithConfigMaps("dry-ns", "inside");

        HttpResponse<String> response = delete("/api/v1/namespaces/" + ns, DRY_RUN_BODY);

        assertThat(response.statusCode()).isEqualTo(200);
        Namespace kept = CLUSTER.client().namespaces().withName(ns).get();
        assertThat(kept.getMetadata().getDeletionTimestamp()).isNull();
        assertThat(kept.getStatus().getPhase()).isEqualTo("Active");
        assertThat(CLUSTER.client().configMaps().inNamespace(ns).withName("inside").get()).isNotNull();
    }

    @Test
    void fabric8DryRunDeleteKeepsTheObject() {
        String ns = newNamespaceWithConfigMaps("dry-f8", "kept");

        CLUSTER.client().configMaps().inNamespace(ns).withName("kept").dryRun().delete();

        assertThat(CLUSTER.client().configMaps().inNamespace(ns).withName("kept").get()).isNotNull();
    }

    @Test
    void anUnsupportedDryRunValueIsInvalid() throws Exception {
        String ns = newNamespaceWithConfigMaps("dry-bad", "kept");

        HttpResponse<String> response = delete("/api/v1/namespaces/" + ns + "/configmaps/kept",
                "{\"dryRun\":[\"All\",\"Server\"]}");

        assertThat(response.statusCode()).isEqualTo(422);
        JsonNode status = status(response);
        assertThat(status.path("reason").asText()).isEqualTo("Invalid");
        assertThat(status.path("message").asText()).isEqualTo("DeleteOptions.meta.k8s.io \"\" is invalid: "
                + "dryRun: Unsupported value: []string{\"All\", \"Server\"}: supported values: \"All\"");
        assertThat(CLUSTER.client().configMaps().inNamespace(ns).withName("kept").get()).isNotNull();
    }

    @Test
    void orphanDependentsWithAPropagationPolicyIsInvalid() throws Exception {
        String ns = newNamespaceWithConfigMaps("orphan", "kept");

        HttpResponse<String> response = delete("/api/v1/namespaces/" + ns + "/configmaps/kept",
                "{\"orphanDependents\":false,\"propagationPolicy\":\"Foreground\"}");

        assertThat(response.statusCode()).isEqualTo(422);
        assertThat(status(response).path("message").asText()).isEqualTo("DeleteOptions.meta.k8s.io \"\" is invalid: "
                + "propagationPolicy: Invalid value: \"Foreground\": orphanDependents and deletionPropagation cannot "
                + "be both set");
        assertThat(status(response).path("details").path("causes").get(0).path("field").asText())
                .isEqualTo("propagationPolicy");
        assertThat(status(response).path("details").path("group").asText()).isEqualTo("meta.k8s.io");
        assertThat(status(response).path("details").path("kind").asText()).isEqualTo("DeleteOptions");
        assertThat(status(response).path("details").has("name")).isFalse();
        assertThat(CLUSTER.client().configMaps().inNamespace(ns).withName("kept").get()).isNotNull();
    }

    @Test
    void orphanDependentsWithAPropagationPolicyInTheQueryIsInvalid() throws Exception {
        String ns = newNamespaceWithConfigMaps("orphan-query", "kept");

        HttpResponse<String> response = delete("/api/v1/namespaces/" + ns
                + "/configmaps/kept?orphanDependents=true&propagationPolicy=Orphan", "");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(422);
        assertThat(status(response).path("message").asText()).isEqualTo("DeleteOptions.meta.k8s.io \"\" is invalid: "
                + "propagationPolicy: Invalid value: \"Orphan\": orphanDependents and deletionPropagation cannot "
                + "be both set");
        assertThat(CLUSTER.client().configMaps().inNamespace(ns).withName("kept").get()).isNotNull();
    }

    @Test
    void orphanDependentsFalseIsABackgroundDeleteAnsweredAcceptedWhileTheObjectStays() throws Exception {
        String ns = newNamespaceWithConfigMaps("cascade");
        CLUSTER.client().configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata().withName("owner")
                .addToFinalizers("example.com/keep").endMetadata().build()).create();

        HttpResponse<String> response = delete("/api/v1/namespaces/" + ns + "/configmaps/owner",
                "{\"orphanDependents\":false}");

        // shouldDeleteDependents is false once orphanDependents is given: no foregroundDeletion finalizer.
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        assertThat(status(response).path("metadata").path("finalizers").toString()).isEqualTo("[\"example.com/keep\"]");
        CLUSTER.client().configMaps().inNamespace(ns).withName("owner")
                .edit(c -> new ConfigMapBuilder(c).editMetadata().withFinalizers().endMetadata().build());
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() -> CLUSTER.client()
                .configMaps().inNamespace(ns).withName("owner").get() == null);
    }

    @Test
    void aSecondDeleteWithAnotherPolicyReplacesTheFirstOnesFinalizer() throws Exception {
        String ns = ownerWithAHeldChild("recascade");
        String owner = "/api/v1/namespaces/" + ns + "/configmaps/owner";

        HttpResponse<String> foreground = delete(owner, "{\"propagationPolicy\":\"Foreground\"}");
        assertThat(status(foreground).path("metadata").path("finalizers").toString()).isEqualTo("[\"foregroundDeletion\"]");
        HttpResponse<String> orphan = delete(owner, "{\"propagationPolicy\":\"Orphan\"}");
        assertThat(status(orphan).path("metadata").path("finalizers").toString()).isEqualTo("[\"orphan\"]");

        // Orphaned after all: the owner goes, the child stays without its reference.
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() -> CLUSTER.client()
                .configMaps().inNamespace(ns).withName("owner").get() == null);
        var child = CLUSTER.client().configMaps().inNamespace(ns).withName("child").get();
        assertThat(child.getMetadata().getOwnerReferences()).isEmpty();
        CLUSTER.client().configMaps().inNamespace(ns).withName("child")
                .edit(c -> new ConfigMapBuilder(c).editMetadata().withFinalizers().endMetadata().build());
    }

    @Test
    void failedPreconditionsAreWordedAsBeforeDeleteWordsThem() throws Exception {
        String ns = newNamespaceWithConfigMaps("pre", "d1");
        var stored = CLUSTER.client().configMaps().inNamespace(ns).withName("d1").get().getMetadata();

        HttpResponse<String> uid = delete("/api/v1/namespaces/" + ns + "/configmaps/d1", "{\"preconditions\":{\"uid\":\"abc\"}}");
        HttpResponse<String> rv = delete("/api/v1/namespaces/" + ns + "/configmaps/d1",
                "{\"preconditions\":{\"resourceVersion\":\"1\"}}");

        assertThat(uid.statusCode()).isEqualTo(409);
        assertThat(status(uid).path("message").asText()).isEqualTo("Operation cannot be fulfilled on ConfigMap \"d1\": "
                + "the UID in the precondition (abc) does not match the UID in record (" + stored.getUid()
                + "). The object might have been deleted and then recreated");
        assertThat(status(uid).path("details").path("kind").asText()).isEqualTo("ConfigMap");
        assertThat(status(rv).path("message").asText()).isEqualTo("Operation cannot be fulfilled on ConfigMap \"d1\": "
                + "the ResourceVersion in the precondition (1) does not match the ResourceVersion in record ("
                + stored.getResourceVersion() + "). The object might have been modified");
        assertThat(CLUSTER.client().configMaps().inNamespace(ns).withName("d1").get()).isNotNull();
    }

    @Test
    void aNegativeGracePeriodIsOneSecond() throws Exception {
        String ns = newNamespaceWithConfigMaps("grace");
        CLUSTER.client().pods().inNamespace(ns).resource(new io.fabric8.kubernetes.api.model.PodBuilder()
                .withNewMetadata().withName("p").endMetadata().withNewSpec().addNewContainer().withName("c")
                .withCommand("sleep", "3600").endContainer().endSpec().build()).create();
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() -> CLUSTER.client().pods()
                .inNamespace(ns).withName("p").get().getSpec().getNodeName() != null);

        HttpResponse<String> response = delete("/api/v1/namespaces/" + ns + "/pods/p", "{\"gracePeriodSeconds\":-5}");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(status(response).path("metadata").path("deletionGracePeriodSeconds").asLong()).isEqualTo(1);
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() -> CLUSTER.client().pods()
                .inNamespace(ns).withName("p").get() == null);
    }

    @Test
    void aBodyThatIsNotDeleteOptionsIsABadRequest() throws Exception {
        String ns = newNamespaceWithConfigMaps("not-options", "kept");
        String path = "/api/v1/namespaces/" + ns + "/configmaps/kept";

        for (String body : List.of("\"x\"", "5", "[]", "{\"kind\":\"Pod\"}", "{\"dryRun\":\"All\"}")) {
            HttpResponse<String> response = delete(path, body);
            assertThat(response.statusCode()).as(body).isEqualTo(400);
            assertThat(status(response).path("reason").asText()).as(body).isEqualTo("BadRequest");
        }
        assertThat(status(delete(path, "[]")).path("message").asText()).isEqualTo("couldn't get version/kind; json "
                + "parse error: json: cannot unmarshal array into Go value of type struct { APIVersion string "
                + "\"json:\\\"apiVersion,omitempty\\\"\"; Kind string \"json:\\\"kind,omitempty\\\"\" }");
        assertThat(status(delete(path, "{\"kind\":\"Pod\"}")).path("message").asText())
                .isEqualTo("no kind \"Pod\" is registered for version \"meta.k8s.io/v1\"");
        assertThat(status(delete(path, "{\"dryRun\":\"All\"}")).path("message").asText())
                .isEqualTo("json: cannot unmarshal string into Go struct field DeleteOptions.dryRun of type []string");
        assertThat(CLUSTER.client().configMaps().inNamespace(ns).withName("kept").get()).isNotNull();
    }

    @Test
    void deleteOptionsOfAnyGroupVersionAreAccepted() throws Exception {
        String ns = newNamespaceWithConfigMaps("any-version", "gone");

        HttpResponse<String> response = delete("/api/v1/namespaces/" + ns + "/configmaps/gone",
                "{\"kind\":\"DeleteOptions\",\"apiVersion\":\"meta.k8s.io/v1\",\"propagationPolicy\":\"Background\"}");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(CLUSTER.client().configMaps().inNamespace(ns).withName("gone").get()).isNull();
    }
}
