package io.drover.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.testing.SharedCluster;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ConfigMapList;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.MicroTime;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.StatusDetails;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReviewBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReviewBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The API server through the fabric8 client and raw HTTPS, against a real server and store. */
class ApiServerIT {
    private static final String ROOT_CA = "kube-root-ca.crt";
    @RegisterExtension
    static final SharedCluster CLUSTER = new SharedCluster();

    /**
     * A new namespace, once the controllers have published its kube-root-ca.crt ConfigMap: every
     * namespace has one, and the lists and watches of these tests should not see it arrive.
     */
    private String newNamespace(String prefix) {
        Namespace ns = CLUSTER.client().namespaces().resource(new NamespaceBuilder()
                .withNewMetadata().withGenerateName(prefix + "-").endMetadata().build()).create();
        String name = ns.getMetadata().getName();
        await().atMost(Duration.ofSeconds(30)).until(() -> CLUSTER.client().configMaps().inNamespace(name)
                .withName(ROOT_CA).get() != null);
        return name;
    }

    /** The ConfigMaps a test made: all but the namespace's kube-root-ca.crt. */
    private static List<ConfigMap> own(List<ConfigMap> items) {
        return items.stream().filter(c -> !c.getMetadata().getName().equals(ROOT_CA)).toList();
    }

    private HttpResponse<String> raw(String method, String path, String contentType, String body, boolean auth)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(CLUSTER.cluster().server().url() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        if (auth) {
            request.header("Authorization", "Bearer " + CLUSTER.cluster().token());
        }
        return CLUSTER.cluster().httpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void bootstrapNamespacesExist() {
        assertThat(CLUSTER.client().namespaces().list().getItems()).extracting(n -> n.getMetadata().getName())
                .contains("default", "kube-system", "kube-public", "kube-node-lease");
        assertThat(CLUSTER.client().genericKubernetesResources("node.k8s.io/v1", "RuntimeClass").withName("process").get()
                .get("handler").toString()).isEqualTo("process");
    }

    @Test
    void configMapCrudWithOptimisticConcurrency() {
        String ns = newNamespace("crud");
        ConfigMap created = CLUSTER.client().configMaps().inNamespace(ns).resource(new ConfigMapBuilder()
                .withNewMetadata().withName("settings").addToLabels("app", "web").endMetadata()
                .addToData("color", "blue").build()).create();
        assertThat(created.getMetadata().getUid()).isNotBlank();
        assertThat(created.getMetadata().getCreationTimestamp()).isNotBlank();
        assertThat(created.getMetadata().getResourceVersion()).isNotBlank();

        ConfigMap stale = CLUSTER.client().configMaps().inNamespace(ns).withName("settings").get();
        ConfigMap updated = CLUSTER.client().configMaps().inNamespace(ns).resource(new ConfigMapBuilder(stale)
                .addToData("color", "green").build()).update();
        assertThat(updated.getData()).containsEntry("color", "green");
        assertThat(Long.parseLong(updated.getMetadata().getResourceVersion()))
                .isGreaterThan(Long.parseLong(created.getMetadata().getResourceVersion()));
        assertThat(updated.getMetadata().getUid()).isEqualTo(created.getMetadata().getUid());

        assertThatThrownBy(() -> CLUSTER.client().configMaps().inNamespace(ns).resource(new ConfigMapBuilder(stale)
                .addToData("color", "red").build()).update())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(409);
                    assertThat(e.getStatus().getReason()).isEqualTo("Conflict");
                });

        List<StatusDetails> deleted = CLUSTER.client().configMaps().inNamespace(ns).withName("settings").delete();
        assertThat(deleted).hasSize(1);
        assertThat(CLUSTER.client().configMaps().inNamespace(ns).withName("settings").get()).isNull();
    }

    @Test
    void createOfAnExistingNameIsAlreadyExists() {
        String ns = newNamespace("exists");
        ConfigMap cm = new ConfigMapBuilder().withNewMetadata().withName("twice").endMetadata().build();
        CLUSTER.client().configMaps().inNamespace(ns).resource(cm).create();
        assertThatThrownBy(() -> CLUSTER.client().configMaps().inNamespace(ns).resource(cm).create())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(409);
                    assertThat(e.getStatus().getReason()).isEqualTo("AlreadyExists");
                    assertThat(e.getStatus().getMessage()).isEqualTo("configmaps \"twice\" already exists");
                });
    }

    @Test
    void generationMovesOnSpecChangesOnlyAndOnlyForKindsThatHaveOne() {
        // An EndpointSlice no Service owns: no controller writes to it, so the edits below do not race.
        String name = "gen-" + java.util.UUID.randomUUID().toString().substring(0, 8);
        var slices = CLUSTER.client().discovery().v1().endpointSlices().inNamespace("default");
        var slice = slices.resource(new io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder()
                .withNewMetadata().withName(name).endMetadata().withAddressType("IPv4").build()).create();
        assertThat(slice.getMetadata().getGeneration()).isEqualTo(1);

        var annotated = slices.withName(name).edit(s -> new io.fabric8.kubernetes.api.model.discovery.v1
                .EndpointSliceBuilder(s).editMetadata().addToAnnotations("tier", "front").endMetadata().build());
        assertThat(annotated.getMetadata().getGeneration()).isEqualTo(1);

        var changed = slices.withName(name).edit(s -> new io.fabric8.kubernetes.api.model.discovery.v1
                .EndpointSliceBuilder(s).addNewEndpoint().withAddresses("10.0.0.9").endEndpoint().build());
        assertThat(changed.getMetadata().getGeneration()).isEqualTo(2);
        // An EndpointSlice's labels move it too (endpointSliceStrategy): they say which Service it serves.
        var relabelled = slices.withName(name).edit(s -> new io.fabric8.kubernetes.api.model.discovery.v1
                .EndpointSliceBuilder(s).editMetadata().addToLabels("tier", "front").endMetadata().build());
        assertThat(relabelled.getMetadata().getGeneration()).isEqualTo(3);
        slices.withName(name).delete();

        // A ConfigMap has none, as in Kubernetes, whatever the client sends.
        var cm = CLUSTER.client().configMaps().inNamespace("default").resource(new io.fabric8.kubernetes.api.model
                .ConfigMapBuilder().withNewMetadata().withName(name).withGeneration(7L).endMetadata()
                .addToData("a", "1").build()).create();
        assertThat(cm.getMetadata().getGeneration()).isNull();
        var edited = CLUSTER.client().configMaps().inNamespace("default").withName(name).edit(c -> {
            c.getData().put("a", "2");
            return c;
        });
        assertThat(edited.getMetadata().getGeneration()).isNull();
        CLUSTER.client().configMaps().inNamespace("default").withName(name).delete();
    }

    @Test
    void scaleSubresourceChangesReplicas() throws Exception {
        String ns = newNamespace("scale");
        CLUSTER.client().apps().deployments().inNamespace(ns).resource(deployment("web", 1)).create();

        HttpResponse<String> patched = raw("PATCH", "/apis/apps/v1/namespaces/" + ns + "/deployments/web/scale",
                "application/merge-patch+json", "{\"spec\":{\"replicas\":10}}", true);
        assertThat(patched.statusCode()).isEqualTo(200);
        assertThat(patched.body()).contains("\"kind\":\"Scale\"").contains("\"replicas\":10")
                .contains("\"selector\":\"app=web\"");
        assertThat(CLUSTER.client().apps().deployments().inNamespace(ns).withName("web").get().getSpec().getReplicas())
                .isEqualTo(10);
    }

    @Test
    void scaleStatusCarriesTheSelectorInItsCanonicalOrder() throws Exception {
        String ns = newNamespace("scale-selector");
        var deployment = new io.fabric8.kubernetes.api.model.apps.DeploymentBuilder(deployment("web", 1))
                .editSpec().withNewSelector().addToMatchLabels("tier", "front").addToMatchLabels("app", "web")
                .addNewMatchExpression().withKey("env").withOperator("In").withValues("prod", "dev").endMatchExpression()
                .endSelector().editTemplate().editMetadata()
                .withLabels(Map.of("tier", "front", "app", "web", "env", "dev")).endMetadata().endTemplate().endSpec()
                .build();
        CLUSTER.client().apps().deployments().inNamespace(ns).resource(deployment).create();

        HttpResponse<String> scale = raw("GET", "/apis/apps/v1/namespaces/" + ns + "/deployments/web/scale", null,
                null, true);

        // LabelSelectorAsSelector(...).String(): requirements sorted by key, set values sorted.
        assertThat(scale.body()).contains("\"selector\":\"app=web,env in (dev,prod),tier=front\"");
    }

    @Test
    void aWriteThroughScaleOwnsTheReplicasSoThatAnApplyOfTheOldCountConflicts() throws Exception {
        String ns = newNamespace("scale-owner");
        String deployments = "/apis/apps/v1/namespaces/" + ns + "/deployments/";
        // Pods that no node may run: the test is about the Deployment's fields only.
        String manifest = "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"web\"},"
                + "\"spec\":{\"replicas\":1,\"selector\":{\"matchLabels\":{\"app\":\"web\"}},\"template\":{"
                + "\"metadata\":{\"labels\":{\"app\":\"web\"}},\"spec\":{\"nodeSelector\":{\"no\":\"node\"},"
                + "\"containers\":[{\"name\":\"web\",\"image\":\"web\"}]}}}}";
        assertThat(raw("PATCH", deployments + "web?fieldManager=owner", "application/apply-patch+yaml", manifest, true)
                .statusCode()).isEqualTo(201);

        HttpResponse<String> scaled = raw("PATCH", deployments + "web/scale?fieldManager=scaler",
                "application/merge-patch+json", "{\"spec\":{\"replicas\":3}}", true);
        HttpResponse<String> reapplied = raw("PATCH", deployments + "web?fieldManager=owner",
                "application/apply-patch+yaml", manifest, true);

        assertThat(scaled.statusCode()).isEqualTo(200);
        var entries = CLUSTER.client().apps().deployments().inNamespace(ns).withName("web").get().getMetadata()
                .getManagedFields();
        assertThat(entries).anySatisfy(e -> {
            assertThat(e.getManager()).isEqualTo("scaler");
            assertThat(e.getSubresource()).isEqualTo("scale");
            assertThat(e.getFieldsV1().getAdditionalProperties().toString()).isEqualTo("{f:spec={f:replicas={}}}");
        });
        assertThat(reapplied.statusCode()).isEqualTo(409);
        assertThat(reapplied.body()).contains("conflict with \\\"scaler\\\"").contains(".spec.replicas");

        String scale = "{\"apiVersion\":\"autoscaling/v1\",\"kind\":\"Scale\",\"metadata\":{\"name\":\"web\"},"
                + "\"spec\":{\"replicas\":5}}";
        HttpResponse<String> unforced = raw("PATCH", deployments + "web/scale?fieldManager=hpa",
                "application/apply-patch+yaml", scale, true);
        HttpResponse<String> forced = raw("PATCH", deployments + "web/scale?fieldManager=hpa&force=true",
                "application/apply-patch+yaml", scale, true);
        HttpResponse<String> wrongVersion = raw("PATCH", deployments + "web/scale?fieldManager=hpa",
                "application/apply-patch+yaml", scale.replace("autoscaling/v1", "apps/v1"), true);

        assertThat(unforced.statusCode()).isEqualTo(409);
        assertThat(forced.statusCode()).isEqualTo(200);
        assertThat(forced.body()).contains("\"kind\":\"Scale\"").contains("\"replicas\":5");
        assertThat(CLUSTER.client().apps().deployments().inNamespace(ns).withName("web").get().getMetadata()
                .getManagedFields()).anySatisfy(e -> {
                    assertThat(e.getManager()).isEqualTo("hpa");
                    assertThat(e.getOperation()).isEqualTo("Apply");
                    assertThat(e.getSubresource()).isEqualTo("scale");
                });
        assertThat(wrongVersion.statusCode()).isEqualTo(400);
        assertThat(wrongVersion.body()).contains("Specified patch version: apps/v1, expected: autoscaling/v1");
    }

    @Test
    void aScaleIsCheckedAsKubeApiserverChecksIt() throws Exception {
        String ns = newNamespace("scale-input");
        CLUSTER.client().apps().deployments().inNamespace(ns).resource(deployment("web", 0)).create();
        String scale = "/apis/apps/v1/namespaces/" + ns + "/deployments/web/scale";

        HttpResponse<String> otherName = raw("PUT", scale, "application/json",
                "{\"metadata\":{\"name\":\"other\"},\"spec\":{\"replicas\":1}}", true);
        HttpResponse<String> negative = raw("PATCH", scale, "application/merge-patch+json",
                "{\"spec\":{\"replicas\":-1}}", true);
        HttpResponse<String> fraction = raw("PATCH", scale, "application/merge-patch+json",
                "{\"spec\":{\"replicas\":1.5}}", true);
        HttpResponse<String> aPod = raw("PUT", scale, "application/json", "{\"apiVersion\":\"v1\",\"kind\":\"Pod\","
                + "\"metadata\":{\"name\":\"web\"},\"spec\":{\"replicas\":3}}", true);
        HttpResponse<String> nameless = raw("PUT", scale, "application/json", "{\"spec\":{\"replicas\":3}}", true);
        HttpResponse<String> elsewhere = raw("PUT", scale, "application/json",
                "{\"metadata\":{\"name\":\"web\",\"namespace\":\"other\"},\"spec\":{\"replicas\":3}}", true);

        assertThat(otherName.statusCode()).isEqualTo(400);
        assertThat(otherName.body()).contains("the name of the object (other) does not match the name on the URL (web)");
        assertThat(negative.statusCode()).isEqualTo(422);
        assertThat(negative.body()).contains("Scale.autoscaling \\\"web\\\" is invalid: spec.replicas: Invalid value: -1: "
                + "must be greater than or equal to 0");
        assertThat(fraction.statusCode()).isEqualTo(422); // a patched Scale that does not decode (handlers/patch.go)
        assertThat(fraction.body()).contains("patch: Invalid value: ",
                "cannot unmarshal number 1.5 into Go struct field ScaleSpec.spec.replicas");
        assertThat(aPod.statusCode()).isEqualTo(400);
        assertThat(aPod.body()).contains("the API version in the data (v1) does not match the expected API version "
                + "(autoscaling/v1)");
        assertThat(nameless.statusCode()).isEqualTo(400);
        assertThat(nameless.body()).contains("the name of the object (web based on URL) was undeterminable");
        assertThat(elsewhere.statusCode()).isEqualTo(400);
        assertThat(elsewhere.body()).contains("the namespace of the provided object does not match the namespace sent "
                + "on the request");
        assertThat(CLUSTER.client().apps().deployments().inNamespace(ns).withName("web").get().getSpec().getReplicas())
                .isZero();
    }

    /** A subresource's PUT names its object as the main resource's does: the body's name is checked first. */
    @Test
    void aSubresourcePutOfAnotherNameIsRefused() throws Exception {
        String ns = newNamespace("subresource-name");
        CLUSTER.client().apps().deployments().inNamespace(ns).resource(deployment("web", 0)).create();

        HttpResponse<String> status = raw("PUT", "/apis/apps/v1/namespaces/" + ns + "/deployments/web/status",
                "application/json", "{\"metadata\":{\"name\":\"other\"},\"status\":{\"replicas\":0}}", true);
        HttpResponse<String> finalize = raw("PUT", "/api/v1/namespaces/" + ns + "/finalize", "application/json",
                "{\"metadata\":{\"name\":\"other\"},\"spec\":{\"finalizers\":[]}}", true);
        HttpResponse<String> nameless = raw("PUT", "/api/v1/namespaces/" + ns + "/status", "application/json",
                "{\"status\":{\"phase\":\"Active\"}}", true);

        assertThat(status.statusCode()).as(status.body()).isEqualTo(400);
        assertThat(status.body()).contains("the name of the object (other) does not match the name on the URL (web)");
        assertThat(finalize.statusCode()).as(finalize.body()).isEqualTo(400);
        assertThat(finalize.body()).contains("the name of the object (other) does not match the name on the URL (" + ns + ")");
        assertThat(nameless.statusCode()).as(nameless.body()).isEqualTo(400);
        assertThat(nameless.body()).contains("was undeterminable: name must be provided");
        assertThat(CLUSTER.client().namespaces().withName(ns).get().getSpec().getFinalizers()).containsExactly("kubernetes");
    }

    @Test
    void aStatusWriteIsItsManagersEntryForTheStatusSubresourceAndOwnsNothingElse() throws Exception {
        String name = "managed-" + java.util.UUID.randomUUID().toString().substring(0, 8);
        CLUSTER.client().nodes().resource(new io.fabric8.kubernetes.api.model.NodeBuilder().withNewMetadata().withName(name)
                .endMetadata().build()).create();
        // A status write whose body also changes a label: the label is not written, nor owned.
        HttpResponse<String> put = raw("PATCH", "/api/v1/nodes/" + name + "/status?fieldManager=status-writer",
                "application/merge-patch+json",
                "{\"metadata\":{\"labels\":{\"x\":\"y\"}},\"status\":{\"allocatable\":{\"pods\":\"10\"}}}", true);
        assertThat(put.statusCode()).isEqualTo(200);

        var node = CLUSTER.client().nodes().withName(name).get();
        assertThat(node.getMetadata().getLabels()).doesNotContainKey("x");
        var entry = node.getMetadata().getManagedFields().stream()
                .filter(e -> e.getManager().equals("status-writer")).findFirst().orElseThrow();
        assertThat(entry.getSubresource()).isEqualTo("status");
        assertThat(entry.getOperation()).isEqualTo("Update");
        assertThat(entry.getFieldsV1().getAdditionalProperties()).containsOnlyKeys("f:status");
        // The same manager writing the object itself gets an entry of its own.
        assertThat(raw("PATCH", "/api/v1/nodes/" + name + "?fieldManager=status-writer", "application/merge-patch+json",
                "{\"metadata\":{\"labels\":{\"x\":\"y\"}}}", true).statusCode()).isEqualTo(200);
        assertThat(CLUSTER.client().nodes().withName(name).get().getMetadata().getManagedFields())
                .filteredOn(e -> e.getManager().equals("status-writer"))
                .extracting(e -> String.valueOf(e.getSubresource())).containsExactlyInAnyOrder("status", "null");
        CLUSTER.client().nodes().withName(name).delete();
    }

    @Test
    void theComponentsWritesAreRecordedUnderTheKubernetesComponentsNames() {
        String ns = newNamespace("components");
        CLUSTER.client().apps().deployments().inNamespace(ns).resource(new DeploymentBuilder().withNewMetadata().withName("web")
                .endMetadata().withNewSpec().withReplicas(1).withNewSelector().addToMatchLabels("app", "web")
                .endSelector().withNewTemplate().withNewMetadata().addToLabels("app", "web").endMetadata()
                .withNewSpec().withTerminationGracePeriodSeconds(1L).addNewContainer().withName("web")
                .withCommand("sleep", "1000").endContainer().endSpec().endTemplate().endSpec().build()).create();

        await().atMost(Duration.ofSeconds(30)).until(() -> CLUSTER.client().pods().inNamespace(ns).list().getItems().stream()
                .anyMatch(p -> p.getStatus() != null && "Running".equals(p.getStatus().getPhase())));
        Pod pod = CLUSTER.client().pods().inNamespace(ns).list().getItems().get(0);
        assertThat(pod.getMetadata().getManagedFields()).anySatisfy(e -> {
            // The ReplicaSet controller created it.
            assertThat(e.getManager()).isEqualTo("kube-controller-manager");
            assertThat(e.getSubresource()).isNull();
            assertThat(e.getFieldsV1().getAdditionalProperties()).containsKeys("f:metadata", "f:spec");
        }).anySatisfy(e -> {
            // The scheduler marks it scheduled.
            assertThat(e.getManager()).isEqualTo("kube-scheduler");
            assertThat(e.getSubresource()).isEqualTo("status");
        }).anySatisfy(e -> {
            // The node agent reports its status.
            assertThat(e.getManager()).isEqualTo("kubelet");
            assertThat(e.getSubresource()).isEqualTo("status");
            assertThat(e.getFieldsV1().getAdditionalProperties()).containsOnlyKeys("f:status");
        });
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(CLUSTER.client().apps().replicaSets()
                .inNamespace(ns).list().getItems().get(0).getMetadata().getManagedFields()).anySatisfy(e -> {
                    assertThat(e.getManager()).isEqualTo("kube-controller-manager");
                    assertThat(e.getSubresource()).isEqualTo("status");
                }));
        CLUSTER.client().namespaces().withName(ns).delete();
    }

    @Test
    void statusWritesGoThroughTheStatusSubresourceOnly() {
        String name = "status-" + java.util.UUID.randomUUID().toString().substring(0, 8);
        CLUSTER.client().nodes().resource(new io.fabric8.kubernetes.api.model.NodeBuilder().withNewMetadata().withName(name)
                .endMetadata().build()).create();
        var withStatus = CLUSTER.client().nodes().withName(name).editStatus(n -> new io.fabric8.kubernetes.api.model.NodeBuilder(n)
                .editOrNewStatus().addToAllocatable("pods", new io.fabric8.kubernetes.api.model.Quantity("10"))
                .endStatus().build());
        assertThat(withStatus.getStatus().getAllocatable()).containsKey("pods");

        // A main-resource update cannot change status.
        var main = CLUSTER.client().nodes().withName(name).edit(n -> new io.fabric8.kubernetes.api.model.NodeBuilder(n)
                .editStatus().addToAllocatable("pods", new io.fabric8.kubernetes.api.model.Quantity("99")).endStatus()
                .build());
        assertThat(main.getStatus().getAllocatable().get("pods").getAmount()).isEqualTo("10");
        CLUSTER.client().nodes().withName(name).delete();
    }

    @Test
    void mergeAndJsonPatches() {
        String ns = newNamespace("patch");
        CLUSTER.client().configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata().withName("p")
                .endMetadata().addToData(Map.of("a", "1", "b", "2")).build()).create();

        ConfigMap merged = CLUSTER.client().configMaps().inNamespace(ns).withName("p").patch(
                PatchContext.of(PatchType.JSON_MERGE), "{\"data\":{\"a\":null,\"c\":\"3\"}}");
        assertThat(merged.getData()).containsOnly(Map.entry("b", "2"), Map.entry("c", "3"));

        ConfigMap jsonPatched = CLUSTER.client().configMaps().inNamespace(ns).withName("p").patch(
                PatchContext.of(PatchType.JSON), "[{\"op\":\"replace\",\"path\":\"/data/b\",\"value\":\"20\"}]");
        assertThat(jsonPatched.getData()).containsEntry("b", "20");

        assertThatThrownBy(() -> CLUSTER.client().configMaps().inNamespace(ns).withName("p").patch(
                PatchContext.of(PatchType.JSON), "[{\"op\":\"remove\",\"path\":\"/data/missing\"}]"))
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(422));
        // Indices of an existing array (managedFields) that are not ones: zjsonpatch's Java exceptions were 500s.
        for (String index : List.of("-", "-9", "09", "1e0")) {
            assertThatThrownBy(() -> CLUSTER.client().configMaps().inNamespace(ns).withName("p").patch(
                    PatchContext.of(PatchType.JSON),
                    "[{\"op\":\"replace\",\"path\":\"/metadata/managedFields/" + index + "\",\"value\":{}}]"))
                    .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                        assertThat(e.getCode()).as(index).isEqualTo(422);
                        assertThat(e.getStatus().getMessage()).doesNotContain("Exception");
                    });
        }
        // Go's forms of an index, a negative one from the end, as evanphx/json-patch reads them.
        ConfigMap labelled = CLUSTER.client().configMaps().inNamespace(ns).withName("p").patch(
                PatchContext.of(PatchType.JSON), "[{\"op\":\"add\",\"path\":\"/metadata/finalizers\","
                        + "\"value\":[\"a.io/x\",\"a.io/y\"]},{\"op\":\"remove\",\"path\":\"/metadata/finalizers/-1\"},"
                        + "{\"op\":\"add\",\"path\":\"/metadata/finalizers/+00\",\"value\":\"a.io/z\"}]");
        assertThat(labelled.getMetadata().getFinalizers()).containsExactly("a.io/z", "a.io/x");
        CLUSTER.client().configMaps().inNamespace(ns).withName("p").edit(c -> new ConfigMapBuilder(c).editMetadata()
                .withFinalizers(List.of()).endMetadata().build());
    }

    @Test
    void managedFieldsThatCannotBeDecodedAreIgnoredAsKubernetesIgnoresThem() throws Exception {
        String ns = newNamespace("mf");
        String base = "/api/v1/namespaces/" + ns + "/configmaps";
        for (String key : List.of("q:x", "", "i:x", "k:notjson", "v:notjson")) {
            String entry = "{\"manager\":\"m\",\"operation\":\"Update\",\"apiVersion\":\"v1\","
                    + "\"fieldsType\":\"FieldsV1\",\"fieldsV1\":{\"" + key.replace("\"", "\\\"") + "\":{}}}";
            String name = "cm-" + Integer.toHexString(key.hashCode());
            String object = "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"" + name
                    + "\",\"managedFields\":[" + entry + "]},\"data\":{\"a\":\"1\"}}";
            List<HttpResponse<String>> writes = List.of(
                    raw("POST", base, "application/json", object, true),
                    raw("PUT", base + "/" + name, "application/json", object.replace("\"1\"", "\"2\""), true),
                    raw("PATCH", base + "/" + name, "application/merge-patch+json",
                            "{\"metadata\":{\"managedFields\":[" + entry + "]},\"data\":{\"a\":\"3\"}}", true),
                    raw("PATCH", base + "/" + name, "application/json-patch+json",
                            "[{\"op\":\"replace\",\"path\":\"/metadata/managedFields\",\"value\":[" + entry
                                    + "]},{\"op\":\"replace\",\"path\":\"/data/a\",\"value\":\"4\"}]", true));
            assertThat(writes).extracting(HttpResponse::statusCode).as(key).containsExactly(201, 200, 200, 200);
        }
        assertThat(own(CLUSTER.client().configMaps().inNamespace(ns).list().getItems())).allSatisfy(cm -> {
            assertThat(cm.getData()).containsEntry("a", "4");
            assertThat(cm.getMetadata().getManagedFields()).extracting(f -> f.getManager()).doesNotContain("m");
        });
    }

    @Test
    void labelSelectorsAndPagination() {
        String ns = newNamespace("list");
        for (int i = 0; i < 7; i++) {
            CLUSTER.client().configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata()
                    .withName("cm-" + i).addToLabels("parity", i % 2 == 0 ? "even" : "odd").endMetadata()
                    .build()).create();
        }
        assertThat(CLUSTER.client().configMaps().inNamespace(ns).withLabel("parity", "even").list().getItems()).hasSize(4);
        assertThat(CLUSTER.client().configMaps().inNamespace(ns).withLabelIn("parity", "odd", "none").list().getItems())
                .hasSize(3);
        assertThat(own(CLUSTER.client().configMaps().inNamespace(ns).withoutLabel("parity", "even").list().getItems()))
                .hasSize(3);
        assertThat(CLUSTER.client().configMaps().inNamespace(ns).withField("metadata.name", "cm-3").list().getItems())
                .extracting(c -> c.getMetadata().getName()).containsExactly("cm-3");

        List<String> names = new ArrayList<>();
        String token = null;
        int pages = 0;
        do {
            ConfigMapList page = CLUSTER.client().configMaps().inNamespace(ns)
                    .list(new ListOptionsBuilder().withLimit(3L).withContinue(token).build());
            page.getItems().forEach(c -> names.add(c.getMetadata().getName()));
            token = page.getMetadata().getContinue();
            pages++;
        } while (token != null && !token.isEmpty());
        assertThat(pages).isEqualTo(3);
        assertThat(names).containsExactly("cm-0", "cm-1", "cm-2", "cm-3", "cm-4", "cm-5", "cm-6", ROOT_CA);
        // resourceVersion=0 is kube-apiserver's watch cache, which ignores the limit: all of it, no continue.
        ConfigMapList fromCache = CLUSTER.client().configMaps().inNamespace(ns)
                .list(new ListOptionsBuilder().withLimit(3L).withResourceVersion("0").build());
        assertThat(own(fromCache.getItems())).hasSize(7);
        assertThat(fromCache.getMetadata().getContinue()).isNullOrEmpty();
    }

    @Test
    void watchFromAResourceVersion() {
        String ns = newNamespace("watch");
        ConfigMap first = CLUSTER.client().configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata()
                .withName("w1").endMetadata().build()).create();
        List<String> events = new CopyOnWriteArrayList<>();
        try (Watch ignored = CLUSTER.client().configMaps().inNamespace(ns).withResourceVersion(
                first.getMetadata().getResourceVersion()).watch(new Watcher<>() {
                    @Override
                    public void eventReceived(Action action, ConfigMap cm) {
                        events.add(action + " " + cm.getMetadata().getName());
                    }

                    @Override
                    public void onClose(WatcherException cause) {}
                })) {
            CLUSTER.client().configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata().withName("w2")
                    .endMetadata().build()).create();
            CLUSTER.client().configMaps().inNamespace(ns).withName("w1")
                    .edit(c -> new ConfigMapBuilder(c).addToData("k", "v").build());
            CLUSTER.client().configMaps().inNamespace(ns).withName("w2").delete();
            await().atMost(Duration.ofSeconds(20)).until(() -> events.size() >= 3);
        }
        assertThat(events).containsExactly("ADDED w2", "MODIFIED w1", "DELETED w2");
    }

    @Test
    void finalizersHoldDeletionUntilRemoved() {
        String ns = newNamespace("fin");
        CLUSTER.client().configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata().withName("held")
                .addToFinalizers("example.com/hold").endMetadata().build()).create();
        CLUSTER.client().configMaps().inNamespace(ns).withName("held").delete();

        ConfigMap marked = CLUSTER.client().configMaps().inNamespace(ns).withName("held").get();
        assertThat(marked.getMetadata().getDeletionTimestamp()).isNotBlank();

        CLUSTER.client().configMaps().inNamespace(ns).withName("held")
                .edit(c -> new ConfigMapBuilder(c).editMetadata().withFinalizers().endMetadata().build());
        assertThat(CLUSTER.client().configMaps().inNamespace(ns).withName("held").get()).isNull();
    }

    @Test
    void invalidNameIsUnprocessableWithCauses() {
        String ns = newNamespace("invalid");
        assertThatThrownBy(() -> CLUSTER.client().configMaps().inNamespace(ns).resource(new ConfigMapBuilder()
                .withNewMetadata().withName("Not_Valid").endMetadata().build()).create())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(422);
                    assertThat(e.getStatus().getReason()).isEqualTo("Invalid");
                    assertThat(e.getStatus().getDetails().getCauses()).extracting(c -> c.getField())
                            .contains("metadata.name");
                });
    }

    @Test
    void createInAMissingNamespaceIsNotFound() {
        assertThatThrownBy(() -> CLUSTER.client().configMaps().inNamespace("no-such-ns").resource(new ConfigMapBuilder()
                .withNewMetadata().withName("x").endMetadata().build()).create())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(404));
    }

    @Test
    void malformedJsonIsABadRequestNamingThePosition() throws Exception {
        HttpResponse<String> response = raw("POST", "/api/v1/namespaces/default/configmaps", "application/json",
                "{\"metadata\": {\"name\": \"x\",}", true);
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("\"kind\":\"Status\"").contains("\"reason\":\"BadRequest\"")
                .contains("line 1");
    }

    @Test
    void yamlBodiesExpandAliasesAndMergeKeysAndRefuseExcessiveAliasing() throws Exception {
        String ns = newNamespace("yaml");
        String configMaps = "/api/v1/namespaces/" + ns + "/configmaps";
        HttpResponse<String> created = raw("POST", configMaps, "application/yaml", """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: aliased
                  labels: &labels {app: web}
                  annotations:
                    <<: *labels
                    note: merged
                data: {a: &v hello, b: *v}
                """, true);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        ConfigMap stored = CLUSTER.client().configMaps().inNamespace(ns).withName("aliased").get();
        assertThat(stored.getData()).containsExactlyInAnyOrderEntriesOf(Map.of("a", "hello", "b", "hello"));
        assertThat(stored.getMetadata().getAnnotations()).containsEntry("app", "web").containsEntry("note", "merged");

        HttpResponse<String> applied = raw("PATCH", configMaps + "/aliased?fieldManager=yaml-test&force=true",
                "application/apply-patch+yaml", """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: aliased}
                data: {c: &w there, d: *w}
                """, true);
        assertThat(applied.statusCode()).as(applied.body()).isEqualTo(200);
        assertThat(CLUSTER.client().configMaps().inNamespace(ns).withName("aliased").get().getData())
                .containsEntry("c", "there").containsEntry("d", "there");

        HttpResponse<String> undefined = raw("POST", configMaps, "application/yaml",
                "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: undefined}\ndata: {a: *x}\n", true);
        assertThat(undefined.statusCode()).isEqualTo(400);
        assertThat(undefined.body()).contains("\"reason\":\"BadRequest\"", "the object provided is unrecognized "
                + "(must be of type ConfigMap): yaml: unknown anchor 'x' referenced (");

        StringBuilder laughs = new StringBuilder("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: laughs}\n"
                + "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for (int level = 1; level < 9; level++) {
            laughs.append("a").append(level).append(": &a").append(level).append(" [")
                    .append(String.join(", ", Collections.nCopies(9, "*a" + (level - 1)))).append("]\n");
        }
        long start = System.nanoTime();
        HttpResponse<String> bomb = raw("PATCH", configMaps + "/laughs?fieldManager=yaml-test",
                "application/apply-patch+yaml", laughs.toString(), true);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(bomb.statusCode()).isEqualTo(400);
        assertThat(bomb.body()).contains("error decoding YAML: error converting YAML to JSON: "
                + "yaml: document contains excessive aliasing");
        assertThat(CLUSTER.client().configMaps().inNamespace(ns).withName("undefined").get()).isNull();
        assertThat(CLUSTER.client().configMaps().inNamespace(ns).withName("laughs").get()).isNull();
    }

    @Test
    void aValueOfTheWrongTypeIsABadRequestAndNothingIsStored() throws Exception {
        String ns = newNamespace("types");
        HttpResponse<String> labels = raw("POST", "/api/v1/namespaces/" + ns + "/configmaps", "application/json",
                "{\"metadata\":{\"name\":\"x\",\"labels\":[]}}", true);
        assertThat(labels.statusCode()).isEqualTo(400);
        assertThat(labels.body()).contains("\"reason\":\"BadRequest\"", "ConfigMap in version \\\"v1\\\" cannot be "
                + "handled as a ConfigMap: json: cannot unmarshal array into Go struct field ObjectMeta.metadata.labels "
                + "of type map[string]string");
        HttpResponse<String> cpu = raw("POST", "/api/v1/namespaces/" + ns + "/pods", "application/json",
                "{\"metadata\":{\"name\":\"p\"},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"i\","
                        + "\"resources\":{\"limits\":{\"cpu\":\"abc\"}}}]}}", true);
        assertThat(cpu.statusCode()).isEqualTo(400);
        assertThat(cpu.body()).contains("quantities must match the regular expression");
        CLUSTER.client().configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata().withName("y")
                .endMetadata().build()).create();
        HttpResponse<String> patched = raw("PATCH", "/api/v1/namespaces/" + ns + "/configmaps/y",
                "application/merge-patch+json", "{\"metadata\":{\"annotations\":{\"a\":true}}}", true);
        // A patched object that does not decode is kube's 422 on field "patch" (handlers/patch.go), naming the
        // patched object, not a body's 400.
        assertThat(patched.statusCode()).isEqualTo(422);
        JsonNode status = new ObjectMapper().readTree(patched.body());
        assertThat(status.path("reason").asText()).isEqualTo("Invalid");
        assertThat(status.path("message").asText()).startsWith(" \"\" is invalid: patch: Invalid value: \"{")
                .endsWith("\": json: cannot unmarshal bool into Go struct field "
                        + "ObjectMeta.metadata.annotations of type string");
        assertThat(status.at("/details/causes/0/field").asText()).isEqualTo("patch");
        assertThat(status.at("/details/kind").isMissingNode()).isTrue();
        HttpResponse<String> strategic = raw("PATCH", "/api/v1/namespaces/" + ns + "/configmaps/y?fieldValidation=Strict",
                "application/strategic-merge-patch+json", "{\"data\":{\"k\":\"v\"},\"dataa\":{\"n\":1.5}}", true);
        assertThat(strategic.statusCode()).isEqualTo(422);
        assertThat(new ObjectMapper().readTree(strategic.body()).path("message").asText()).isEqualTo(
                " \"\" is invalid: patch: Invalid value: \"map[data:map[k:v] dataa:map[n:1.5]]\": "
                        + "strict decoding error: unknown field \"dataa\"");

        assertThat(own(CLUSTER.client().configMaps().inNamespace(ns).list().getItems()))
                .extracting(c -> c.getMetadata().getName()).containsExactly("y");
        assertThat(CLUSTER.client().pods().inNamespace(ns).list().getItems()).isEmpty();
    }

    @Test
    void selfReviewsAnswerThatTheAdminMayDoEverything() throws Exception {
        SelfSubjectAccessReview access = CLUSTER.client().authorization().v1().selfSubjectAccessReview().create(
                new SelfSubjectAccessReviewBuilder().withNewSpec().withNewResourceAttributes().withVerb("delete")
                        .withResource("pods").withNamespace("default").endResourceAttributes().endSpec().build());
        assertThat(access.getStatus().getAllowed()).isTrue();
        assertThat(access.getSpec().getResourceAttributes().getVerb()).isEqualTo("delete");

        SelfSubjectRulesReview rules = CLUSTER.client().authorization().v1().selfSubjectRulesReview().create(
                new SelfSubjectRulesReviewBuilder().withNewSpec().withNamespace("default").endSpec().build());
        assertThat(rules.getStatus().getResourceRules()).singleElement().satisfies(r -> {
            assertThat(r.getVerbs()).containsExactly("*");
            assertThat(r.getResources()).containsExactly("*");
        });
        assertThat(rules.getStatus().getIncomplete()).isFalse();

        HttpResponse<String> neither = raw("POST", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
                "application/json", "{\"spec\":{}}", true);
        assertThat(neither.statusCode()).isEqualTo(422);
        assertThat(neither.body()).contains("spec.resourceAttributes: Invalid value: \\\"null\\\": exactly one of "
                + "nonResourceAttributes or resourceAttributes must be specified");

        HttpResponse<String> whoami = raw("POST", "/apis/authentication.k8s.io/v1/selfsubjectreviews",
                "application/json", "{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"SelfSubjectReview\"}",
                true);
        assertThat(whoami.statusCode()).isEqualTo(201);
        assertThat(whoami.body()).contains("\"username\":\"admin\"", "\"system:masters\"");

        assertThat(raw("GET", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", null, null, true)
                .statusCode()).isEqualTo(405);
        assertThat(raw("POST", "/apis/authentication.k8s.io/v1/selfsubjectreviews", "application/json", "{}", false)
                .statusCode()).isEqualTo(401);
    }

    @Test
    void aWatchWithTimeoutSecondsZeroRunsForTheDefaultTimeNotNone() throws Exception {
        String ns = newNamespace("watch-zero");
        HttpRequest request = HttpRequest.newBuilder(URI.create(CLUSTER.cluster().server().url()
                        + "/api/v1/namespaces/" + ns + "/configmaps?watch=true&timeoutSeconds=0"))
                .header("Authorization", "Bearer " + CLUSTER.cluster().token()).build();
        HttpResponse<java.io.InputStream> watch = CLUSTER.cluster().httpClient().send(request,
                HttpResponse.BodyHandlers.ofInputStream());
        try (java.io.InputStream events = watch.body()) {
            assertThat(watch.statusCode()).isEqualTo(200);
            CompletableFuture<Integer> firstByte = CompletableFuture.supplyAsync(() -> {
                try {
                    return events.read();
                } catch (java.io.IOException e) {
                    return -2;
                }
            });
            // As kube's watch handler: 0 means the server's default (30-60 min), not "end at once".
            CLUSTER.client().configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata()
                    .withName("seen").endMetadata().build()).create();
            assertThat(firstByte.get(10, TimeUnit.SECONDS)).isEqualTo((int) '{');
        }
    }

    @Test
    void aWatchListSendsTheInitialEventsThenABookmarkMarkingTheirEnd() throws Exception {
        String ns = newNamespace("wl");
        for (String name : List.of("a", "b")) {
            CLUSTER.client().configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata().withName(name)
                    .endMetadata().build()).create();
        }
        String url = "/api/v1/namespaces/" + ns + "/configmaps?watch=true&timeoutSeconds=2";

        HttpResponse<String> watchList = raw("GET", url + "&sendInitialEvents=true&resourceVersionMatch=NotOlderThan"
                + "&allowWatchBookmarks=true", null, null, true);
        List<JsonNode> events = new ArrayList<>();
        for (String line : watchList.body().split("\n")) {
            JsonNode event = CLUSTER.client().getKubernetesSerialization().unmarshal(line, JsonNode.class);
            if (!event.at("/object/metadata/name").asText().equals(ROOT_CA)) {
                events.add(event);
            }
        }
        assertThat(events).extracting(e -> e.path("type").asText()).startsWith("ADDED", "ADDED", "BOOKMARK");
        JsonNode end = events.get(2).path("object").path("metadata");
        assertThat(end.path("annotations").path("k8s.io/initial-events-end").asText()).isEqualTo("true");
        assertThat(end.path("resourceVersion").asLong()).isGreaterThanOrEqualTo(
                events.get(1).path("object").path("metadata").path("resourceVersion").asLong());
        // watchListTransformer's blueprint: the empty list, encoded, from which WatchListClient builds its list.
        assertThat(new String(java.util.Base64.getDecoder().decode(end.path("annotations")
                .path("kubernetes.io/initial-events-list-blueprint").asText()), java.nio.charset.StandardCharsets.UTF_8))
                .isEqualTo("{\"kind\":\"ConfigMapList\",\"apiVersion\":\"v1\",\"metadata\":{},\"items\":null}\n");

        // SetListOptionsDefaults: a watch from "0" (or "") asking neither is a watch list too.
        HttpResponse<String> legacy = raw("GET", url + "&resourceVersion=0&allowWatchBookmarks=true", null, null, true);
        List<String> legacyTypes = new ArrayList<>();
        for (String line : legacy.body().split("\n")) {
            JsonNode event = CLUSTER.client().getKubernetesSerialization().unmarshal(line, JsonNode.class);
            if (!event.at("/object/metadata/name").asText().equals(ROOT_CA)) {
                legacyTypes.add(event.path("type").asText() + (event.at("/object/metadata/annotations")
                        .has("k8s.io/initial-events-end") ? " end" : ""));
            }
        }
        assertThat(legacyTypes).startsWith("ADDED", "ADDED", "BOOKMARK end");

        HttpResponse<String> noInitial = raw("GET", url + "&sendInitialEvents=false&resourceVersionMatch=NotOlderThan",
                null, null, true);
        assertThat(noInitial.statusCode()).isEqualTo(200);
        assertThat(noInitial.body()).doesNotContain("ADDED");

        HttpResponse<String> noMatch = raw("GET", url + "&sendInitialEvents=true", null, null, true);
        assertThat(noMatch.statusCode()).isEqualTo(422);
        assertThat(noMatch.body()).contains("sendInitialEvents requires setting resourceVersionMatch to NotOlderThan");
        HttpResponse<String> matchAlone = raw("GET", url + "&resourceVersionMatch=NotOlderThan", null, null, true);
        assertThat(matchAlone.statusCode()).isEqualTo(422);
        assertThat(matchAlone.body()).contains("resourceVersionMatch is forbidden for watch unless sendInitialEvents "
                + "is provided");
        HttpResponse<String> onList = raw("GET", "/api/v1/namespaces/" + ns + "/configmaps?sendInitialEvents=true",
                null, null, true);
        assertThat(onList.statusCode()).isEqualTo(422);
        assertThat(onList.body()).contains("sendInitialEvents is forbidden for list");
    }

    @Test
    void theDeprecatedWatchPathsWatchACollectionOrOneObject() throws Exception {
        String ns = newNamespace("legacy-watch");
        for (String name : List.of("a", "b")) {
            CLUSTER.client().configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata().withName(name)
                    .endMetadata().build()).create();
        }

        HttpResponse<String> collection = raw("GET", "/api/v1/watch/namespaces/" + ns
                + "/configmaps?resourceVersion=0&timeoutSeconds=1", null, null, true);
        HttpResponse<String> one = raw("GET", "/api/v1/watch/namespaces/" + ns + "/configmaps/b?resourceVersion=0"
                + "&timeoutSeconds=1", null, null, true);
        HttpResponse<String> namespace = raw("GET", "/api/v1/watch/namespaces/" + ns + "?resourceVersion=0"
                + "&timeoutSeconds=1", null, null, true);
        HttpResponse<String> otherName = raw("GET", "/api/v1/watch/namespaces/" + ns + "/configmaps/b?fieldSelector="
                + "metadata.name%3Da&timeoutSeconds=1", null, null, true);
        HttpResponse<String> post = raw("POST", "/api/v1/watch/namespaces/" + ns + "/configmaps", "application/json",
                "{}", true);

        assertThat(collection.statusCode()).isEqualTo(200);
        assertThat(collection.body()).contains("\"name\":\"a\"").contains("\"name\":\"b\"");
        assertThat(one.statusCode()).isEqualTo(200);
        assertThat(one.body()).contains("\"type\":\"ADDED\"").contains("\"name\":\"b\"")
                .doesNotContain("\"name\":\"a\"");
        assertThat(namespace.body()).contains("\"kind\":\"Namespace\"").contains("\"name\":\"" + ns + "\"")
                .doesNotContain("\"name\":\"default\"");
        assertThat(otherName.statusCode()).isEqualTo(400);
        assertThat(otherName.body()).contains("fieldSelector metadata.name doesn't match requested name");
        assertThat(post.statusCode()).isEqualTo(405);
    }

    @Test
    void anUpdateCarryingAnotherObjectsUidFailsItsPrecondition() throws Exception {
        String ns = newNamespace("uid-pre");
        ConfigMap old = CLUSTER.client().configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata()
                .withName("x").endMetadata().addToData("v", "old").build()).create();
        CLUSTER.client().configMaps().inNamespace(ns).withName("x").delete();
        await().atMost(Duration.ofSeconds(10)).until(() ->
                CLUSTER.client().configMaps().inNamespace(ns).withName("x").get() == null);
        ConfigMap recreated = CLUSTER.client().configMaps().inNamespace(ns).resource(new ConfigMapBuilder()
                .withNewMetadata().withName("x").endMetadata().addToData("v", "new").build()).create();
        old.getMetadata().setResourceVersion(null);
        old.getData().put("v", "stale");

        HttpResponse<String> put = raw("PUT", "/api/v1/namespaces/" + ns + "/configmaps/x", "application/json",
                CLUSTER.client().getKubernetesSerialization().asJson(old), true);

        assertThat(put.statusCode()).isEqualTo(409);
        assertThat(put.body()).contains("Operation cannot be fulfilled on configmaps \\\"x\\\": Precondition failed: "
                + "UID in precondition: " + old.getMetadata().getUid() + ", UID in object meta: "
                + recreated.getMetadata().getUid());
        assertThat(CLUSTER.client().configMaps().inNamespace(ns).withName("x").get().getData()).containsEntry("v", "new");
    }

    @Test
    void aPatchMayNotChangeTheUidNorStartADeletion() throws Exception {
        String ns = newNamespace("meta-patch");
        CLUSTER.client().configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata()
                .withName("x").endMetadata().build()).create();
        String path = "/api/v1/namespaces/" + ns + "/configmaps/x";

        HttpResponse<String> uid = raw("PATCH", path, "application/merge-patch+json",
                "{\"metadata\":{\"uid\":\"00000000-0000-0000-0000-000000000001\"}}", true);
        HttpResponse<String> deletion = raw("PATCH", path, "application/merge-patch+json",
                "{\"metadata\":{\"deletionTimestamp\":\"2001-01-01T00:00:00Z\",\"deletionGracePeriodSeconds\":5}}", true);

        assertThat(uid.statusCode()).isEqualTo(422);
        assertThat(uid.body()).contains("ConfigMap \\\"x\\\" is invalid: metadata.uid: Invalid value: "
                + "\\\"00000000-0000-0000-0000-000000000001\\\": field is immutable");
        assertThat(deletion.statusCode()).isEqualTo(422);
        assertThat(deletion.body()).contains("metadata.deletionTimestamp: Invalid value: 2001-01-01 00:00:00 +0000 UTC: "
                + "field is immutable").contains("metadata.deletionGracePeriodSeconds: Invalid value: 5: field is immutable");
        assertThat(CLUSTER.client().configMaps().inNamespace(ns).withName("x").get().getMetadata().getDeletionTimestamp())
                .isNull();
    }

    /**
     * Times are stored as Kubernetes encodes them (UTC, whole seconds; MicroTime with six digits), so an object read
     * and written back by a client that writes every time with milliseconds (the JavaScript client) is unchanged:
     * same resourceVersion, no event (fuzz round 24: it made a new resourceVersion every time).
     */
    @Test
    void timesAreStoredAsKubernetesEncodesThemSoAWriteBackWithMillisecondsChangesNothing() throws Exception {
        String ns = newNamespace("times");
        ConfigMap stored = CLUSTER.client().configMaps().inNamespace(ns).resource(new ConfigMapBuilder()
                .withNewMetadata().withName("c").endMetadata().addToData("k", "v").build()).create();
        String time = stored.getMetadata().getManagedFields().get(0).getTime();
        stored.getMetadata().getManagedFields().get(0).setTime(time.replace("Z", ".000Z"));

        ConfigMap written = CLUSTER.client().configMaps().inNamespace(ns).resource(stored).update();

        assertThat(written.getMetadata().getResourceVersion()).isEqualTo(stored.getMetadata().getResourceVersion());
        assertThat(written.getMetadata().getManagedFields().get(0).getTime()).isEqualTo(time);

        HttpResponse<String> lease = raw("POST", "/apis/coordination.k8s.io/v1/namespaces/" + ns + "/leases",
                "application/json", """
                {"metadata": {"name": "l"}, "spec": {"holderIdentity": "a",
                 "renewTime": "2026-12-02T09:08:05.123456+02:00"}}""", true);
        assertThat(lease.statusCode()).isEqualTo(201);
        HttpResponse<String> read = raw("GET", "/apis/coordination.k8s.io/v1/namespaces/" + ns + "/leases/l", null,
                null, true);
        assertThat(new ObjectMapper().readTree(read.body()).at("/spec/renewTime").asText())
                .isEqualTo("2026-12-02T07:08:05.123456Z");
    }

    @Test
    void aTerminatingNamespaceAnswersASecondDeleteUnchangedAndIsReleasedThroughFinalize() throws Exception {
        String ns = newNamespace("stuck");
        // Content the namespace controller cannot remove keeps the namespace Terminating.
        CLUSTER.client().configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata().withName("held")
                .addToFinalizers("example.com/hold").endMetadata().build()).create();
        HttpResponse<String> first = raw("DELETE", "/api/v1/namespaces/" + ns, null, null, true);
        assertThat(first.statusCode()).isEqualTo(200);
        // The namespace controller says what it waits for, as Kubernetes' deleter does.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(CLUSTER.client().namespaces().withName(ns)
                .get().getStatus().getConditions()).extracting(c -> c.getType() + "=" + c.getStatus() + ": " + c.getMessage())
                .contains("NamespaceContentRemaining=True: Some resources are remaining: configmaps. has 1 resource "
                                + "instances",
                        "NamespaceFinalizersRemaining=True: Some content in the namespace has finalizers remaining: "
                                + "example.com/hold in 1 resource instances",
                        "NamespaceDeletionContentFailure=False: All content successfully deleted, may be waiting on "
                                + "finalization"));
        String settled = CLUSTER.client().namespaces().withName(ns).get().getMetadata().getResourceVersion();

        HttpResponse<String> again = raw("DELETE", "/api/v1/namespaces/" + ns, null, null, true);
        HttpResponse<String> collection = raw("DELETE", "/api/v1/namespaces?labelSelector=none%3Dnone", null, null, true);
        HttpResponse<String> getFinalize = raw("GET", "/api/v1/namespaces/" + ns + "/finalize", null, null, true);

        // kube-apiserver 1.32's namespace registry answers the namespace, unchanged, while its spec.finalizers remain.
        assertThat(again.statusCode()).isEqualTo(200);
        JsonNode againNamespace = new ObjectMapper().readTree(again.body());
        assertThat(againNamespace.path("kind").asText()).isEqualTo("Namespace");
        assertThat(againNamespace.path("metadata").path("resourceVersion").asText()).isEqualTo(settled);
        assertThat(againNamespace.path("metadata").path("deletionTimestamp"))
                .isEqualTo(new ObjectMapper().readTree(first.body()).path("metadata").path("deletionTimestamp"));
        assertThat(collection.statusCode()).isEqualTo(405);
        assertThat(getFinalize.statusCode()).isEqualTo(405);

        // The recipe for a stuck namespace: `kubectl get ns X -o json`, empty spec.finalizers, PUT to /finalize.
        var stuck = CLUSTER.client().namespaces().withName(ns).get();
        stuck.getSpec().setFinalizers(List.of());
        stuck.getMetadata().getLabels().put("written", "by-finalize");
        HttpResponse<String> finalized = raw("PUT", "/api/v1/namespaces/" + ns + "/finalize", "application/json",
                CLUSTER.client().getKubernetesSerialization().asJson(stuck), true);

        assertThat(finalized.statusCode()).as(finalized.body()).isEqualTo(200);
        // namespaceFinalizeStrategy resets the status only: the body's metadata is written too.
        assertThat(finalized.body()).contains("by-finalize");
        await().atMost(Duration.ofSeconds(10)).until(() -> CLUSTER.client().namespaces().withName(ns).get() == null);
        CLUSTER.client().configMaps().inNamespace(ns).withName("held").edit(c -> new ConfigMapBuilder(c)
                .editMetadata().withFinalizers(List.of()).endMetadata().build());
    }

    @Test
    void aPodRunsAsItsNamespacesDefaultServiceAccountAndMayNameOnlyOneThatExists() throws Exception {
        // Created at once after its namespace: admission waits for the controller's "default" account.
        String ns = newNamespace("accounts");
        Pod plain = CLUSTER.client().pods().inNamespace(ns).resource(new PodBuilder().withNewMetadata()
                .withName("plain").endMetadata().withNewSpec().addNewContainer().withName("c").withImage("c")
                .endContainer().withNodeName("nowhere").endSpec().build()).create();
        HttpResponse<String> ghost = raw("POST", "/api/v1/namespaces/" + ns + "/pods", "application/json",
                "{\"metadata\":{\"generateName\":\"web-\"},\"spec\":{\"serviceAccountName\":\"ghost\","
                        + "\"nodeName\":\"nowhere\",\"containers\":[{\"name\":\"c\",\"image\":\"c\"}]}}", true);
        Pod aliased = CLUSTER.client().pods().inNamespace(ns).resource(new PodBuilder().withNewMetadata()
                .withName("aliased").endMetadata().withNewSpec().withServiceAccount("default").addNewContainer()
                .withName("c").withImage("c").endContainer().withNodeName("nowhere").endSpec().build()).create();

        assertThat(plain.getSpec().getServiceAccountName()).isEqualTo("default");
        assertThat(plain.getSpec().getServiceAccount()).isEqualTo("default");
        assertThat(aliased.getSpec().getServiceAccountName()).isEqualTo("default");
        assertThat(ghost.statusCode()).isEqualTo(403);
        assertThat(ghost.body()).contains("pods \\\"web-\\\" is forbidden: error looking up service account " + ns
                + "/ghost: serviceaccount \\\"ghost\\\" not found");
        CLUSTER.client().pods().inNamespace(ns).withGracePeriod(0).delete();
    }

    /** The ServiceAccount admission's Admit: a pod that names no imagePullSecrets gets its account's. */
    @Test
    void aPodWithoutImagePullSecretsGetsItsAccounts() {
        String ns = newNamespace("pullsecrets");
        CLUSTER.client().serviceAccounts().inNamespace(ns).resource(new io.fabric8.kubernetes.api.model
                .ServiceAccountBuilder().withNewMetadata().withName("puller").endMetadata()
                .addNewImagePullSecret("registry-a").addNewImagePullSecret("registry-b").build()).create();
        Pod inherits = CLUSTER.client().pods().inNamespace(ns).resource(new PodBuilder().withNewMetadata()
                .withName("inherits").endMetadata().withNewSpec().withServiceAccountName("puller").addNewContainer()
                .withName("c").withImage("c").endContainer().withNodeName("nowhere").endSpec().build()).create();
        Pod own = CLUSTER.client().pods().inNamespace(ns).resource(new PodBuilder().withNewMetadata()
                .withName("own").endMetadata().withNewSpec().withServiceAccountName("puller")
                .addNewImagePullSecret("mine").addNewContainer().withName("c").withImage("c").endContainer()
                .withNodeName("nowhere").endSpec().build()).create();

        assertThat(inherits.getSpec().getImagePullSecrets()).extracting(r -> r.getName())
                .containsExactly("registry-a", "registry-b");
        assertThat(own.getSpec().getImagePullSecrets()).extracting(r -> r.getName()).containsExactly("mine");
        CLUSTER.client().pods().inNamespace(ns).withGracePeriod(0).delete();
    }

    @Test
    void anUpdateOfANamespaceKeepsItsSpecFinalizersWhichOnlyFinalizeChanges() throws Exception {
        String ns = newNamespace("keepfin");
        var updated = CLUSTER.client().namespaces().withName(ns).edit(n -> new NamespaceBuilder(n).editSpec()
                .withFinalizers(List.of("example.com/other")).endSpec().editMetadata().addToLabels("changed", "yes")
                .endMetadata().build());
        HttpResponse<String> patched = raw("PATCH", "/api/v1/namespaces/" + ns, "application/merge-patch+json",
                "{\"spec\":{\"finalizers\":null}}", true);

        // namespaceStrategy.PrepareForUpdate: the labels change, spec.finalizers stay.
        assertThat(updated.getMetadata().getLabels()).containsEntry("changed", "yes");
        assertThat(updated.getSpec().getFinalizers()).containsExactly("kubernetes");
        assertThat(patched.statusCode()).isEqualTo(200);
        assertThat(CLUSTER.client().namespaces().withName(ns).get().getSpec().getFinalizers())
                .containsExactly("kubernetes");
        // The namespace controller releases its finalizer through finalize, so deletion still completes.
        CLUSTER.client().namespaces().withName(ns).delete();
        await().atMost(Duration.ofSeconds(20)).until(() -> CLUSTER.client().namespaces().withName(ns).get() == null);
    }

    @Test
    void emptyValuesAreUnsetSoATypedClientsUpdateChangesNoTemplate() throws Exception {
        String ns = newNamespace("empties");
        String template = "{\"metadata\":{\"labels\":{\"app\":\"e\"}},\"spec\":{\"nodeSelector\":{\"no\":\"node\"},"
                + "\"containers\":[{\"name\":\"c\",\"image\":\"c\",%s}]}}";
        String withEmpties = "\"workingDir\":\"\",\"env\":[{\"name\":\"X\",\"value\":\"\"}]";
        String without = "\"env\":[{\"name\":\"X\"}]";
        String deployment = "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"e\"%s},"
                + "\"spec\":{\"replicas\":0,\"selector\":{\"matchLabels\":{\"app\":\"e\"}},\"template\":" + template + "}}";
        String path = "/apis/apps/v1/namespaces/" + ns + "/deployments";
        assertThat(raw("POST", path, "application/json", deployment.formatted("", withEmpties), true).statusCode())
                .isEqualTo(201);

        // What client-go sends back after a Get: the omitempty fields that were empty are gone.
        HttpResponse<String> relabelled = raw("PUT", path + "/e", "application/json",
                deployment.formatted(",\"labels\":{\"team\":\"a\"}", without), true);

        assertThat(relabelled.statusCode()).isEqualTo(200);
        Deployment stored = CLUSTER.client().apps().deployments().inNamespace(ns).withName("e").get();
        assertThat(stored.getMetadata().getGeneration()).isEqualTo(1L);
        assertThat(stored.getSpec().getTemplate().getSpec().getContainers().get(0).getWorkingDir()).isNull();

        String pod = "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\"%s},\"spec\":"
                + "{\"schedulerName\":\"nobody\",\"containers\":[{\"name\":\"c\",\"image\":\"c\",%s}]}}";
        assertThat(raw("POST", "/api/v1/namespaces/" + ns + "/pods", "application/json", pod.formatted("", withEmpties),
                true).statusCode()).isEqualTo(201);
        // A typed client's Get and Update: what it read, less the empty omitempty fields, plus a label.
        ObjectNode read = (ObjectNode) new ObjectMapper().readTree(raw("GET", "/api/v1/namespaces/" + ns + "/pods/p",
                null, null, true).body());
        ObjectNode container = (ObjectNode) read.at("/spec/containers/0");
        container.remove("workingDir");
        ((ObjectNode) container.at("/env/0")).remove("value");
        read.withObject("metadata").withObject("labels").put("team", "a");
        HttpResponse<String> podRelabelled = raw("PUT", "/api/v1/namespaces/" + ns + "/pods/p", "application/json",
                read.toString(), true);
        assertThat(podRelabelled.statusCode()).as(podRelabelled.body()).isEqualTo(200);
        CLUSTER.client().pods().inNamespace(ns).withName("p").withGracePeriod(0).delete();
    }

    @Test
    void aGetAtAResourceVersionTheStoreHasNotReachedTimesOutAsAListDoes() throws Exception {
        ConfigMap created = CLUSTER.client().configMaps().inNamespace("default").resource(new ConfigMapBuilder()
                .withNewMetadata().withGenerateName("rv-get-").endMetadata().build()).create();
        String path = "/api/v1/namespaces/default/configmaps/" + created.getMetadata().getName();
        long rv = Long.parseLong(created.getMetadata().getResourceVersion());

        HttpResponse<String> future = raw("GET", path + "?resourceVersion=" + (rv + 1_000_000), null, null, true);
        HttpResponse<String> reached = raw("GET", path + "?resourceVersion=" + rv, null, null, true);
        HttpResponse<String> malformed = raw("GET", path + "?resourceVersion=abc", null, null, true);

        assertThat(future.statusCode()).isEqualTo(504);
        assertThat(future.body()).contains("Too large resource version").contains("ResourceVersionTooLarge");
        assertThat(reached.statusCode()).isEqualTo(200);
        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(malformed.body()).contains("invalid resource version: abc");
    }

    @Test
    void aListRefusesATimeoutThatIsNotANumber() throws Exception {
        HttpResponse<String> list = raw("GET", "/api/v1/namespaces/default/configmaps?timeoutSeconds=abc", null, null,
                true);

        HttpResponse<String> limit = raw("GET", "/api/v1/namespaces/default/configmaps?limit=99999999999999999999",
                null, null, true);

        // DecodeParameters' conversion error, as ListResource answers it.
        assertThat(list.statusCode()).isEqualTo(400);
        assertThat(list.body()).contains("strconv.ParseInt: parsing \\\"abc\\\": invalid syntax");
        assertThat(limit.statusCode()).isEqualTo(400);
        assertThat(limit.body()).contains("strconv.ParseInt: parsing \\\"99999999999999999999\\\": value out of range");
    }

    @Test
    void eventsAreServedAsEventsK8sIoV1Too() throws Exception {
        String ns = newNamespace("ev");
        io.fabric8.kubernetes.api.model.events.v1.Event written = CLUSTER.client().events().v1().events().inNamespace(ns)
                .resource(new io.fabric8.kubernetes.api.model.events.v1.EventBuilder().withNewMetadata()
                        .withName("started").endMetadata().withNewRegarding().withKind("Pod").withName("p")
                        .withNamespace(ns).endRegarding().withReason("Started").withNote("it started")
                        .withAction("Starting").withType("Normal").withReportingController("drover.io/test")
                        .withReportingInstance("test-1").withEventTime(new MicroTime("2026-01-01T00:00:00.000000Z"))
                        .build()).create();
        assertThat(written.getApiVersion()).isEqualTo("events.k8s.io/v1");
        assertThat(written.getNote()).isEqualTo("it started");

        Event core = CLUSTER.client().v1().events().inNamespace(ns).withName("started").get();
        assertThat(core.getMessage()).isEqualTo("it started");
        assertThat(core.getInvolvedObject().getName()).isEqualTo("p");
        assertThat(core.getReportingComponent()).isEqualTo("drover.io/test");

        // Go's always-written zero values, in each API's names (an empty reporting string only in core/v1's).
        assertThat(raw("GET", "/api/v1/namespaces/" + ns + "/events/started", null, null, true).body())
                .contains("\"source\":{}", "\"firstTimestamp\":null", "\"lastTimestamp\":null");
        assertThat(raw("GET", "/apis/events.k8s.io/v1/namespaces/" + ns + "/events/started", null, null, true).body())
                .contains("\"deprecatedSource\":{}", "\"deprecatedFirstTimestamp\":null",
                        "\"deprecatedLastTimestamp\":null");
        CLUSTER.client().v1().events().inNamespace(ns).resource(new io.fabric8.kubernetes.api.model.EventBuilder()
                .withNewMetadata().withName("old-style").endMetadata().withNewInvolvedObject().withKind("Pod")
                .withName("o").withNamespace(ns).endInvolvedObject().withReason("R").build()).create();
        assertThat(raw("GET", "/api/v1/namespaces/" + ns + "/events/old-style", null, null, true).body())
                .contains("\"reportingComponent\":\"\"", "\"reportingInstance\":\"\"", "\"eventTime\":null");
        assertThat(raw("GET", "/apis/events.k8s.io/v1/namespaces/" + ns + "/events/old-style", null, null, true).body())
                .contains("\"eventTime\":null").doesNotContain("reportingController", "reportingInstance");

        assertThat(CLUSTER.client().events().v1().events().inNamespace(ns).withField("regarding.name", "p").list().getItems())
                .extracting(e -> e.getRegarding().getName()).containsExactly("p");
        assertThat(CLUSTER.client().events().v1().events().inNamespace(ns).withField("regarding.name", "q").list().getItems())
                .isEmpty();

        // Through events.k8s.io/v1 what an event says is immutable (ValidateEventUpdate); through core/v1 an update is an upsert.
        HttpResponse<String> rewritten = raw("PATCH", "/apis/events.k8s.io/v1/namespaces/" + ns + "/events/started",
                "application/merge-patch+json", "{\"note\":\"y\",\"action\":\"b\"}", true);
        assertThat(rewritten.statusCode()).as(rewritten.body()).isEqualTo(422);
        assertThat(rewritten.body()).contains("Event.events.k8s.io \\\"started\\\" is invalid: [",
                "\"group\":\"events.k8s.io\"");
        assertThat(rewritten.body()).contains("message: Invalid value: \\\"y\\\": field is immutable",
                "action: Invalid value: \\\"b\\\": field is immutable");
        HttpResponse<String> labelled = raw("PATCH", "/apis/events.k8s.io/v1/namespaces/" + ns + "/events/started",
                "application/merge-patch+json", "{\"metadata\":{\"labels\":{\"seen\":\"yes\"}}}", true);
        assertThat(labelled.statusCode()).as(labelled.body()).isEqualTo(200);
        HttpResponse<String> upsert = raw("PATCH", "/api/v1/namespaces/" + ns + "/events/started",
                "application/merge-patch+json", "{\"message\":\"y\"}", true);
        assertThat(upsert.statusCode()).as(upsert.body()).isEqualTo(200);
        HttpResponse<String> coreLabel = raw("GET", "/apis/events.k8s.io/v1/namespaces/" + ns
                + "/events?fieldSelector=involvedObject.name%3Dp", null, null, true);
        assertThat(coreLabel.statusCode()).isEqualTo(400);
        assertThat(coreLabel.body()).contains("field label not supported: involvedObject.name");

        // What core/v1 writes, events.k8s.io/v1 reads in its own names.
        CLUSTER.client().v1().events().inNamespace(ns).withName("started")
                .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"message\":\"it started again\"}");
        assertThat(CLUSTER.client().events().v1().events().inNamespace(ns).withName("started").get().getNote())
                .isEqualTo("it started again");

        // A series changed through events.k8s.io/v1 is checked again (validateV1EventSeries), before what is immutable.
        HttpResponse<String> series = raw("PATCH", "/apis/events.k8s.io/v1/namespaces/" + ns + "/events/started",
                "application/merge-patch+json", "{\"series\":{\"count\":1,\"lastObservedTime\":null},\"note\":\"z\"}",
                true);
        assertThat(series.statusCode()).as(series.body()).isEqualTo(422);
        assertThat(series.body()).contains("is invalid: [series.count: Invalid value: \\\"\\\": should be at least 2, "
                + "series.lastObservedTime: Required value, message: Invalid value: \\\"z\\\": field is immutable]");

        // The legacy checks name the reporting controller after the internal field, whichever API is asked.
        String unreported = "{\"apiVersion\":\"%s\",\"kind\":\"Event\",\"metadata\":{\"name\":\"x\"},"
                + "\"eventTime\":\"2026-01-01T00:00:00.000000Z\",\"type\":\"Normal\",\"reason\":\"R\",\"action\":\"A\","
                + "\"reportingInstance\":\"i\",\"%s\":{\"kind\":\"Pod\",\"name\":\"p\",\"namespace\":\"" + ns + "\"}}";
        HttpResponse<String> viaEvents = raw("POST", "/apis/events.k8s.io/v1/namespaces/" + ns + "/events",
                "application/json", unreported.formatted("events.k8s.io/v1", "regarding"), true);
        assertThat(viaEvents.statusCode()).isEqualTo(422);
        assertThat(viaEvents.body()).contains("reportingController: Required value").doesNotContain("reportingComponent");
        HttpResponse<String> viaCore = raw("POST", "/api/v1/namespaces/" + ns + "/events",
                "application/json", unreported.formatted("v1", "involvedObject"), true);
        assertThat(viaCore.statusCode()).isEqualTo(422);
        assertThat(viaCore.body()).contains("reportingController: Required value").doesNotContain("reportingComponent");
        // Through events.k8s.io/v1 the legacy problems come first, then the strict ones (ValidateEventCreate).
        HttpResponse<String> both = raw("POST", "/apis/events.k8s.io/v1/namespaces/" + ns + "/events",
                "application/json", unreported.formatted("events.k8s.io/v1", "regarding").replace("Normal", "Info"),
                true);
        assertThat(both.statusCode()).isEqualTo(422);
        assertThat(both.body()).contains("is invalid: [reportingController: Required value, ",
                "[A-Za-z0-9]'), type: Invalid value: \\\"\\\": has invalid value: Info]");
    }

    @Test
    void whatJettyRefusesItselfIsAStatusToo() throws Exception {
        // Headers over Jetty's 8 KiB never reach the router: Jetty answers, in a Status, not its HTML page.
        HttpRequest request = HttpRequest.newBuilder(URI.create(CLUSTER.cluster().server().url() + "/api/v1/namespaces"))
                .header("Authorization", "Bearer " + CLUSTER.cluster().token()).header("X-Padding", "a".repeat(20_000)).build();
        HttpResponse<String> response = CLUSTER.cluster().httpClient().send(request, HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(431);
        assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(response.body()).contains("\"kind\":\"Status\"").contains("\"code\":431")
                .contains("\"message\":\"Request Header Fields Too Large\"").doesNotContain("<html");
    }

    @Test
    void oversizedBodyIsRefused() throws Exception {
        String big = "{\"metadata\":{\"name\":\"big\"},\"data\":{\"x\":\"" + "a".repeat(3 * 1024 * 1024) + "\"}}";
        HttpResponse<String> response = raw("POST", "/api/v1/namespaces/default/configmaps", "application/json",
                big, true);
        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(CLUSTER.client().configMaps().inNamespace("default").withName("big").get()).isNull();
    }

    @Test
    void whatARequestMayHoldIsReadBackByGetsListsAndTheServersOwnClients() throws Exception {
        String ns = newNamespace("limits");
        String configMaps = "/api/v1/namespaces/" + ns + "/configmaps";
        // An env var's name becomes the managedFields key k:{"name":"..."}, longer than a body's names may be.
        String longName = "{\"metadata\":{\"name\":\"long-name\"},\"spec\":{\"replicas\":0,\"selector\":"
                + "{\"matchLabels\":{\"a\":\"b\"}},\"template\":{\"metadata\":{\"labels\":{\"a\":\"b\"}},"
                + "\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"i\",\"env\":[{\"name\":\""
                + "E".repeat(49_990) + "\",\"value\":\"v\"}]}]}}}}";
        String deployments = "/apis/apps/v1/namespaces/" + ns + "/deployments";
        assertThat(raw("POST", deployments, "application/json", longName, true).statusCode()).isEqualTo(201);
        // managedFields nested nearly as deep as a body may be: a list puts them two levels deeper.
        String fields = "{\"f:x\":".repeat(990) + "{}" + "}".repeat(990);
        String deep = "{\"metadata\":{\"name\":\"deep\",\"managedFields\":[{\"manager\":\"m\",\"operation\":"
                + "\"Update\",\"apiVersion\":\"v1\",\"fieldsType\":\"FieldsV1\",\"fieldsV1\":" + fields + "}]}}";
        assertThat(raw("POST", configMaps, "application/json", deep, true).statusCode()).isEqualTo(201);

        assertThat(raw("GET", deployments + "/long-name", null, null, true).statusCode()).isEqualTo(200);
        assertThat(raw("GET", deployments, null, null, true).body()).contains("\"name\":\"long-name\"");
        HttpResponse<String> list = raw("GET", configMaps, null, null, true);
        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(list.body()).contains("\"name\":\"deep\"");
        // The server's own controllers read them too: the Deployment gets its ReplicaSet. (Raw: a client under
        // Jackson's default limits, as this test's fabric8 one is, cannot read such objects back, from any server.)
        await().atMost(Duration.ofSeconds(30)).until(() -> raw("GET", "/apis/apps/v1/namespaces/" + ns + "/replicasets",
                null, null, true).body().contains("\"name\":\"long-name-"));
        // A namespace deletion lists and deletes them all.
        CLUSTER.client().namespaces().withName(ns).delete();
        await().atMost(Duration.ofSeconds(30)).until(() -> CLUSTER.client().namespaces().withName(ns).get() == null);
    }

    @Test
    void oversizedChunkedBodyIsRefused() throws Exception {
        // No Content-Length: the body is read up to the limit and refused there.
        byte[] big = ("{\"metadata\":{\"name\":\"big-chunked\"},\"data\":{\"x\":\"" + "a".repeat(3 * 1024 * 1024)
                + "\"}}").getBytes(StandardCharsets.UTF_8);
        HttpRequest request = HttpRequest.newBuilder(URI.create(CLUSTER.cluster().server().url()
                        + "/api/v1/namespaces/default/configmaps"))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big)))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + CLUSTER.cluster().token())
                .build();
        HttpResponse<String> response = CLUSTER.cluster().httpClient().send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(response.body()).contains("\"reason\":\"RequestEntityTooLarge\"");
        assertThat(CLUSTER.client().configMaps().inNamespace("default").withName("big-chunked").get()).isNull();
    }

    @Test
    void anonymousRequestsAreUnauthorizedExceptHealthAndVersion() throws Exception {
        assertThat(raw("GET", "/api/v1/namespaces", null, null, false).statusCode()).isEqualTo(401);
        for (String open : List.of("/healthz", "/livez", "/readyz", "/version")) {
            assertThat(raw("GET", open, null, null, false).statusCode()).as(open).isEqualTo(200);
        }
        assertThat(raw("GET", "/version", null, null, false).body()).contains("\"minor\":\"32\"");
        // A token that fails is refused everywhere: anonymous access is for requests without credentials.
        HttpResponse<String> bogus = CLUSTER.cluster().httpClient().send(HttpRequest.newBuilder(
                URI.create(CLUSTER.cluster().server().url() + "/version")).header("Authorization", "Bearer bogus").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(bogus.statusCode()).isEqualTo(401);
        // /api names the port the server listens on (it was started with port 0).
        assertThat(raw("GET", "/api", null, null, true).body())
                .contains(":" + CLUSTER.cluster().server().url().getPort() + "\"");
    }

    @Test
    void healthEndpointsRunNamedChecksAsKubeApiserversDo() throws Exception {
        assertThat(raw("GET", "/readyz", null, null, false).body()).isEqualTo("ok");
        assertThat(raw("GET", "/livez?verbose", null, null, false).body())
                .isEqualTo("[+]ping ok\n[+]log ok\n[+]etcd ok\nlivez check passed\n");
        HttpResponse<String> ready = raw("GET", "/readyz?verbose&exclude=etcd&exclude=nosuch", null, null, false);
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.body()).isEqualTo("[+]ping ok\n[+]log ok\n[+]etcd excluded: ok\n[+]etcd-readiness ok\n"
                + "[+]poststarthook/start-drover-controllers ok\n[+]shutdown ok\n"
                + "warn: some health checks cannot be excluded: no matches for \"nosuch\"\nreadyz check passed\n");
        // Each check alone, for an authenticated client; an unknown one is not found.
        HttpResponse<String> ping = raw("GET", "/livez/ping", null, null, true);
        assertThat(ping.statusCode()).isEqualTo(200);
        assertThat(ping.body()).isEqualTo("ok");
        assertThat(raw("GET", "/readyz/shutdown", null, null, true).body()).isEqualTo("ok");
        assertThat(raw("GET", "/healthz/nosuch", null, null, true).statusCode()).isEqualTo(404);
        assertThat(raw("GET", "/livez/ping", null, null, false).statusCode()).isEqualTo(401);
    }

    @Test
    void unknownPathsAreNotFoundStatuses() throws Exception {
        HttpResponse<String> response = raw("GET", "/apis/nosuch.example.com/v1/things", null, null, true);
        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.body()).contains("\"kind\":\"Status\"");
    }

    @Test
    void discoveryListsResourcesWithShortNames() {
        assertThat(CLUSTER.client().getApiGroups().getGroups()).extracting(g -> g.getName())
                .contains("apps", "autoscaling", "coordination.k8s.io", "discovery.k8s.io", "node.k8s.io");
        var core = CLUSTER.client().getApiResources("v1").getResources().stream()
                .collect(Collectors.toMap(r -> r.getName(), r -> r, (a, b) -> a));
        assertThat(core.get("pods").getShortNames()).contains("po");
        assertThat(core.get("services").getShortNames()).contains("svc");
    }

    @Test
    void strategicMergePatchMergesContainersByName() {
        String ns = newNamespace("smp");
        CLUSTER.client().apps().deployments().inNamespace(ns).resource(new DeploymentBuilder(deployment("web", 1))
                .editSpec().editTemplate().editSpec().addNewContainer().withName("sidecar").withImage("busybox")
                .endContainer().endSpec().endTemplate().endSpec().build()).create();

        Deployment patched = CLUSTER.client().apps().deployments().inNamespace(ns).withName("web").patch(
                PatchContext.of(PatchType.STRATEGIC_MERGE),
                "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"web\",\"image\":\"nginx:1.28\"}]}}}}");
        assertThat(patched.getSpec().getTemplate().getSpec().getContainers())
                .extracting(c -> c.getName() + "=" + c.getImage())
                .containsExactlyInAnyOrder("web=nginx:1.28", "sidecar=busybox");
    }

    @Test
    void aNullStrategicMergePatchChangesNothingAsGoDecodesItToANilMap() throws Exception {
        String ns = newNamespace("smp-null");
        ConfigMap made = CLUSTER.client().configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata()
                .withName("x").endMetadata().addToData("k", "v").build()).create();
        String path = "/api/v1/namespaces/" + ns + "/configmaps/x";

        HttpResponse<String> response = raw("PATCH", path, "application/strategic-merge-patch+json", "null", true);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(CLUSTER.client().configMaps().inNamespace(ns).withName("x").get().getMetadata().getResourceVersion())
                .isEqualTo(made.getMetadata().getResourceVersion());
        assertThat(raw("PATCH", path, "application/strategic-merge-patch+json", "[1]", true).statusCode()).isEqualTo(400);
    }

    @Test
    void dryRunCreatesNothing() throws Exception {
        HttpResponse<String> response = raw("POST", "/api/v1/namespaces/default/configmaps?dryRun=All",
                "application/json", "{\"metadata\":{\"name\":\"dry\"}}", true);
        assertThat(response.statusCode()).isEqualTo(201);
        assertThat(response.body()).contains("\"name\":\"dry\"");
        assertThat(CLUSTER.client().configMaps().inNamespace("default").withName("dry").get()).isNull();

        HttpResponse<String> unsupported = raw("POST", "/api/v1/namespaces/default/configmaps?dryRun=Server",
                "application/json", "{\"metadata\":{\"name\":\"dry\"}}", true);
        assertThat(unsupported.statusCode()).isEqualTo(422);
        assertThat(unsupported.body()).contains("CreateOptions.meta.k8s.io \\\"\\\" is invalid: dryRun: Unsupported "
                + "value: []string{\\\"Server\\\"}: supported values: \\\"All\\\"");
        assertThat(CLUSTER.client().configMaps().inNamespace("default").withName("dry").get()).isNull();
    }

    @Test
    void deleteCollectionRemovesTheSelectedObjects() {
        String ns = newNamespace("dc");
        for (String name : List.of("a", "b", "c")) {
            CLUSTER.client().configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata().withName(name)
                    .addToLabels("drop", name.equals("c") ? "no" : "yes").endMetadata().build()).create();
        }
        List<StatusDetails> deleted = CLUSTER.client().configMaps().inNamespace(ns).withLabel("drop", "yes").delete();
        assertThat(deleted).extracting(StatusDetails::getName).containsExactlyInAnyOrder("a", "b");
        assertThat(own(CLUSTER.client().configMaps().inNamespace(ns).list().getItems()))
                .extracting(c -> c.getMetadata().getName()).containsExactly("c");
    }

    @Test
    void deletingAServiceAnswersTheServiceAndDeletingAConfigMapAStatus() throws Exception {
        String ns = newNamespace("del");
        CLUSTER.client().services().inNamespace(ns).resource(new ServiceBuilder().withNewMetadata().withName("web")
                .endMetadata().withNewSpec().addNewPort().withPort(80).endPort().endSpec().build()).create();
        CLUSTER.client().configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata().withName("cm")
                .endMetadata().build()).create();

        HttpResponse<String> service = raw("DELETE", "/api/v1/namespaces/" + ns + "/services/web", null, null, true);
        HttpResponse<String> configMap = raw("DELETE", "/api/v1/namespaces/" + ns + "/configmaps/cm", null, null,
                true);

        assertThat(service.statusCode()).isEqualTo(200);
        Service deleted = CLUSTER.client().getKubernetesSerialization().unmarshal(service.body(), Service.class);
        assertThat(deleted.getKind()).isEqualTo("Service");
        assertThat(deleted.getSpec().getClusterIP()).isNotEmpty();
        assertThat(configMap.statusCode()).isEqualTo(200);
        assertThat(configMap.body()).contains("\"kind\":\"Status\"", "\"name\":\"cm\"");
    }

    /** A pod that drover's scheduler leaves alone, so these tests place it themselves. */
    private Pod unscheduledPod(String ns, String name) {
        return CLUSTER.client().pods().inNamespace(ns).resource(new PodBuilder().withNewMetadata().withName(name).endMetadata()
                .withNewSpec().withSchedulerName("other-scheduler").addNewContainer().withName("main")
                .withImage("busybox").withCommand("sleep", "600").endContainer().endSpec().build()).create();
    }

    @Test
    void bindingAssignsAPodToANodeOnce() throws Exception {
        String ns = newNamespace("bind");
        unscheduledPod(ns, "p");
        String url = "/api/v1/namespaces/" + ns + "/pods/p/binding";

        HttpResponse<String> wrongName = raw("POST", url, "application/json",
                "{\"apiVersion\":\"v1\",\"kind\":\"Binding\",\"metadata\":{\"name\":\"q\"},"
                        + "\"target\":{\"kind\":\"Node\",\"name\":\"elsewhere\"}}", true);
        assertThat(wrongName.statusCode()).isEqualTo(400);
        assertThat(wrongName.body()).contains("name in URL does not match name in Binding object");
        HttpResponse<String> wrongKind = raw("POST", url, "application/json",
                "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"p\"}}", true);
        assertThat(wrongKind.statusCode()).isEqualTo(400);
        assertThat(wrongKind.body()).contains("the API version in the data (apps/v1) does not match the expected API "
                + "version (v1)");
        HttpResponse<String> wrongNamespace = raw("POST", url, "application/json",
                "{\"kind\":\"Binding\",\"metadata\":{\"name\":\"p\",\"namespace\":\"other\"},"
                        + "\"target\":{\"name\":\"elsewhere\"}}", true);
        assertThat(wrongNamespace.statusCode()).isEqualTo(400);
        assertThat(wrongNamespace.body()).contains("the namespace of the provided object does not match the namespace "
                + "sent on the request");
        assertThat(CLUSTER.client().pods().inNamespace(ns).withName("p").get().getSpec().getNodeName()).isNull();
        HttpResponse<String> noTarget = raw("POST", url, "application/json",
                "{\"apiVersion\":\"v1\",\"kind\":\"Binding\",\"metadata\":{\"name\":\"p\"},\"target\":{}}", true);
        assertThat(noTarget.statusCode()).isEqualTo(422);
        assertThat(noTarget.body()).contains("target.name");

        HttpResponse<String> bound = raw("POST", url, "application/json",
                "{\"apiVersion\":\"v1\",\"kind\":\"Binding\",\"metadata\":{\"name\":\"p\","
                        + "\"annotations\":{\"bound-by\":\"test\"}},\"target\":{\"kind\":\"Node\",\"name\":\"elsewhere\"}}",
                true);
        assertThat(bound.statusCode()).isEqualTo(201);
        assertThat(bound.body()).contains("\"status\":\"Success\"", "\"code\":201");
        Pod pod = CLUSTER.client().pods().inNamespace(ns).withName("p").get();
        assertThat(pod.getSpec().getNodeName()).isEqualTo("elsewhere");
        assertThat(pod.getMetadata().getAnnotations()).containsEntry("bound-by", "test");
        assertThat(pod.getStatus().getConditions()).anyMatch(c -> c.getType().equals("PodScheduled")
                && c.getStatus().equals("True"));

        HttpResponse<String> again = raw("POST", url, "application/json",
                "{\"apiVersion\":\"v1\",\"kind\":\"Binding\",\"metadata\":{\"name\":\"p\"},"
                        + "\"target\":{\"name\":\"other\"}}", true);
        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(again.body()).contains("Operation cannot be fulfilled on pods/binding \\\"p\\\": "
                + "pod p is already assigned to node \\\"elsewhere\\\"");

        CLUSTER.client().pods().inNamespace(ns).resource(new PodBuilder().withNewMetadata().withName("gated").endMetadata()
                .withNewSpec().addNewSchedulingGate("example.com/wait").addNewContainer().withName("main")
                .withImage("busybox").withCommand("sleep", "600").endContainer().endSpec().build()).create();
        HttpResponse<String> gated = raw("POST", "/api/v1/namespaces/" + ns + "/pods/gated/binding", "application/json",
                "{\"apiVersion\":\"v1\",\"kind\":\"Binding\",\"metadata\":{\"name\":\"gated\"},"
                        + "\"target\":{\"name\":\"elsewhere\"}}", true);
        assertThat(gated.statusCode()).isEqualTo(409);
        assertThat(gated.body()).contains("Operation cannot be fulfilled on pods/binding \\\"gated\\\": "
                + "pod gated has non-empty .spec.schedulingGates");
    }

    @Test
    void theLegacyBindingsResourceBindsThePodItsBodyNames() throws Exception {
        String ns = newNamespace("legacy-bind");
        unscheduledPod(ns, "p");
        String url = "/api/v1/namespaces/" + ns + "/bindings";

        HttpResponse<String> unnamed = raw("POST", url, "application/json",
                "{\"apiVersion\":\"v1\",\"kind\":\"Binding\",\"metadata\":{},\"target\":{\"name\":\"elsewhere\"}}", true);
        assertThat(unnamed.statusCode()).isEqualTo(422);
        assertThat(raw("GET", url, null, null, true).statusCode()).isEqualTo(405);
        assertThat(raw("POST", "/api/v1/bindings", "application/json",
                "{\"kind\":\"Binding\",\"metadata\":{\"name\":\"p\"},\"target\":{\"name\":\"n\"}}", true).statusCode())
                .isEqualTo(404);
        assertThat(raw("POST", url, "application/json",
                "{\"kind\":\"Binding\",\"metadata\":{\"name\":\"a/b\"},\"target\":{\"name\":\"n\"}}", true).statusCode())
                .isEqualTo(400);

        // What fabric8's bindings() and older schedulers send.
        CLUSTER.client().bindings().inNamespace(ns).resource(new io.fabric8.kubernetes.api.model.BindingBuilder()
                .withNewMetadata().withName("p").endMetadata().withNewTarget().withKind("Node").withName("elsewhere")
                .endTarget().build()).create();
        assertThat(CLUSTER.client().pods().inNamespace(ns).withName("p").get().getSpec().getNodeName())
                .isEqualTo("elsewhere");
        HttpResponse<String> again = raw("POST", url, "application/json",
                "{\"kind\":\"Binding\",\"metadata\":{\"name\":\"p\"},\"target\":{\"name\":\"other\"}}", true);
        assertThat(again.statusCode()).isEqualTo(409);
    }

    @Test
    void evictionDeletesThePodWithTheEvictionsDeleteOptions() throws Exception {
        String ns = newNamespace("evict");
        unscheduledPod(ns, "p");
        String url = "/api/v1/namespaces/" + ns + "/pods/p/eviction";
        String eviction = "{\"apiVersion\":\"policy/v1\",\"kind\":\"Eviction\",\"metadata\":{\"name\":\"p\"},"
                + "\"deleteOptions\":{\"gracePeriodSeconds\":0%s}}";

        HttpResponse<String> deployment = raw("POST", url, "application/json",
                "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"p\"}}", true);
        assertThat(deployment.statusCode()).isEqualTo(400);
        assertThat(deployment.body()).contains("does not match the expected API version (policy/v1)");
        HttpResponse<String> dryRun = raw("POST", url, "application/json",
                String.format(eviction, ",\"dryRun\":[\"All\"]"), true);
        assertThat(dryRun.statusCode()).isEqualTo(201);
        assertThat(CLUSTER.client().pods().inNamespace(ns).withName("p").get()).isNotNull();

        HttpResponse<String> evicted = raw("POST", url, "application/json", String.format(eviction, ""), true);
        assertThat(evicted.statusCode()).isEqualTo(201);
        assertThat(evicted.body()).contains("\"status\":\"Success\"");
        assertThat(CLUSTER.client().pods().inNamespace(ns).withName("p").get()).isNull();

        HttpResponse<String> gone = raw("POST", url, "application/json", String.format(eviction, ""), true);
        assertThat(gone.statusCode()).isEqualTo(404);
        assertThat(raw("GET", url, null, null, true).statusCode()).isEqualTo(405);
        assertThat(raw("POST", "/api/v1/bindings", "application/json",
                "{\"kind\":\"Binding\",\"metadata\":{\"name\":\"p\"},\"target\":{\"name\":\"n\"}}", true).statusCode())
                .isEqualTo(404);
        assertThat(raw("POST", url, "application/json",
                "{\"kind\":\"Binding\",\"metadata\":{\"name\":\"a/b\"},\"target\":{\"name\":\"n\"}}", true).statusCode())
                .isEqualTo(400);
    }

    @Test
    void deleteCollectionAnswersTheListOfWhatItDeletedAndHonoursItsLimit() throws Exception {
        String ns = newNamespace("dcl");
        for (String name : List.of("a", "b", "c")) {
            CLUSTER.client().configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata().withName(name)
                    .endMetadata().addToData("k", name).build()).create();
        }

        HttpResponse<String> page = raw("DELETE", "/api/v1/namespaces/" + ns + "/configmaps?limit=2", null, null,
                true);
        assertThat(page.statusCode()).isEqualTo(200);
        ConfigMapList first = CLUSTER.client().getKubernetesSerialization().unmarshal(page.body(), ConfigMapList.class);
        assertThat(first.getKind()).isEqualTo("ConfigMapList");
        assertThat(first.getItems()).extracting(c -> c.getMetadata().getName()).containsExactly("a", "b");
        assertThat(first.getItems()).extracting(c -> c.getData().get("k")).containsExactly("a", "b");
        assertThat(first.getMetadata().getContinue()).isNotEmpty();
        assertThat(own(CLUSTER.client().configMaps().inNamespace(ns).list().getItems()))
                .extracting(c -> c.getMetadata().getName()).containsExactly("c");

        HttpResponse<String> dryRun = raw("DELETE", "/api/v1/namespaces/" + ns + "/configmaps?dryRun=All", null,
                null, true);
        assertThat(own(CLUSTER.client().getKubernetesSerialization().unmarshal(dryRun.body(), ConfigMapList.class)
                .getItems())).extracting(c -> c.getMetadata().getName()).containsExactly("c");
        assertThat(CLUSTER.client().configMaps().inNamespace(ns).withName("c").get()).isNotNull();
    }

    @Test
    void watchFromACompactedResourceVersionIsGone() throws Exception {
        String ns = newNamespace("gone");
        ConfigMap first = CLUSTER.client().configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata()
                .withName("old").endMetadata().build()).create();
        CLUSTER.client().configMaps().inNamespace(ns).withName("old").edit(c -> new ConfigMapBuilder(c).addToData("a", "b")
                .build());
        CLUSTER.cluster().server().compactStore();

        HttpResponse<String> response = raw("GET", "/api/v1/namespaces/" + ns + "/configmaps?watch=true"
                + "&timeoutSeconds=2&resourceVersion=" + (Long.parseLong(first.getMetadata().getResourceVersion()) - 1),
                null, null, true);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("\"type\":\"ERROR\"").contains("\"code\":410")
                .contains("too old resource version");
    }

    @Test
    void aListAtAnExactResourceVersionShowsTheObjectsAsTheyWereThen() throws Exception {
        String ns = newNamespace("exact");
        ConfigMap a = CLUSTER.client().configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata()
                .withName("a").endMetadata().addToData("v", "1").build()).create();
        String then = a.getMetadata().getResourceVersion();
        CLUSTER.client().configMaps().inNamespace(ns).withName("a").edit(c -> new ConfigMapBuilder(c).addToData("v", "2").build());
        CLUSTER.client().configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata()
                .withName("b").endMetadata().build()).create();

        ConfigMapList exact = CLUSTER.client().configMaps().inNamespace(ns).list(new ListOptionsBuilder()
                .withResourceVersion(then).withResourceVersionMatch("Exact").build());
        ConfigMapList notOlder = CLUSTER.client().configMaps().inNamespace(ns).list(new ListOptionsBuilder()
                .withResourceVersion(then).withResourceVersionMatch("NotOlderThan").build());

        assertThat(exact.getMetadata().getResourceVersion()).isEqualTo(then);
        assertThat(own(exact.getItems())).extracting(c -> c.getData().get("v")).containsExactly("1");
        assertThat(own(notOlder.getItems())).extracting(c -> c.getMetadata().getName()).containsExactly("a", "b");
        assertThat(notOlder.getItems().get(0).getData()).containsEntry("v", "2");
        // A paged list at a resourceVersion without resourceVersionMatch: the legacy Exact semantics.
        ConfigMapList paged = CLUSTER.client().configMaps().inNamespace(ns).list(new ListOptionsBuilder()
                .withResourceVersion(then).withLimit(10L).build());
        assertThat(own(paged.getItems())).extracting(c -> c.getData().get("v")).containsExactly("1");

        CLUSTER.cluster().server().compactStore();
        HttpResponse<String> compacted = raw("GET", "/api/v1/namespaces/" + ns + "/configmaps?resourceVersion="
                + then + "&resourceVersionMatch=Exact", null, null, true);
        assertThat(compacted.statusCode()).isEqualTo(410);
        assertThat(compacted.body()).contains("\"reason\":\"Expired\"")
                .contains("The resourceVersion for the provided list is too old.");
    }

    @Test
    void anExpiredContinueTokenIsAnsweredWithOneThatGoesOnAtTheNewestRevision() throws Exception {
        String ns = newNamespace("expired");
        for (String name : List.of("a", "b", "c")) {
            CLUSTER.client().configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata().withName(name)
                    .endMetadata().build()).create();
        }
        String token = CLUSTER.client().configMaps().inNamespace(ns).list(new ListOptionsBuilder().withLimit(1L).build())
                .getMetadata().getContinue();
        CLUSTER.client().configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata().withName("d")
                .endMetadata().build()).create();
        CLUSTER.cluster().server().compactStore();

        HttpResponse<String> expired = raw("GET", "/api/v1/namespaces/" + ns + "/configmaps?limit=5&continue=" + token,
                null, null, true);
        assertThat(expired.statusCode()).isEqualTo(410);
        var status = new ObjectMapper().readTree(expired.body());
        assertThat(status.path("message").asText()).contains("use the continue token in this response");
        String latest = status.path("metadata").path("continue").asText();
        assertThat(latest).isNotEmpty();

        // Inconsistent, as its message warns: the rest as it is now, "d" created since included.
        ConfigMapList rest = CLUSTER.client().configMaps().inNamespace(ns).list(new ListOptionsBuilder().withLimit(5L)
                .withContinue(latest).build());
        assertThat(own(rest.getItems())).extracting(c -> c.getMetadata().getName()).containsExactly("b", "c", "d");
    }

    @Test
    void listResourceVersionOptionsAreCheckedAsKubernetesDoes() throws Exception {
        String configmaps = "/api/v1/namespaces/default/configmaps";

        HttpResponse<String> noVersion = raw("GET", configmaps + "?resourceVersionMatch=Exact", null, null, true);
        assertThat(noVersion.statusCode()).isEqualTo(422);
        assertThat(noVersion.body()).contains("ListOptions.meta.k8s.io \\\"\\\" is invalid: resourceVersionMatch: "
                + "Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided");

        HttpResponse<String> unknown = raw("GET", configmaps + "?resourceVersion=5&resourceVersionMatch=Newest", null,
                null, true);
        assertThat(unknown.statusCode()).isEqualTo(422);
        assertThat(unknown.body()).contains("\"reason\":\"FieldValueNotSupported\"")
                .contains("supported values: \\\"Exact\\\", \\\"NotOlderThan\\\"");

        HttpResponse<String> exactZero = raw("GET", configmaps + "?resourceVersion=0&resourceVersionMatch=Exact", null,
                null, true);
        assertThat(exactZero.statusCode()).isEqualTo(422);
        assertThat(exactZero.body()).contains("resourceVersionMatch \\\"exact\\\" is forbidden for resourceVersion");

        String token = CLUSTER.client().configMaps().inNamespace("kube-system").list(new ListOptionsBuilder().withLimit(1L)
                .build()).getMetadata().getContinue();
        HttpResponse<String> continued = raw("GET", "/api/v1/configmaps?limit=1&resourceVersion=5&continue="
                + java.net.URLEncoder.encode(String.valueOf(token), StandardCharsets.UTF_8), null, null, true);
        assertThat(continued.statusCode()).isEqualTo(400);
        assertThat(continued.body()).contains("specifying resource version is not allowed when using continue");

        // A continue token naming a revision not reached yet (it was a 500).
        String futureToken = new io.drover.store.ContinueToken(999_999_999L, "kube-system/x").encode();
        HttpResponse<String> futureContinue = raw("GET", "/api/v1/configmaps?limit=1&continue=" + futureToken, null,
                null, true);
        assertThat(futureContinue.statusCode()).isEqualTo(504);
        assertThat(futureContinue.body()).contains("Too large resource version: 999999999");

        HttpResponse<String> future = raw("GET", configmaps + "?resourceVersion=999999999", null, null, true);
        assertThat(future.statusCode()).isEqualTo(504);
        assertThat(future.body()).contains("\"reason\":\"Timeout\"")
                .contains("\"message\":\"Timeout: Too large resource version: 999999999")
                .contains("{\"reason\":\"ResourceVersionTooLarge\",\"message\":\"Too large resource version\"}")
                .contains("\"retryAfterSeconds\":1");
        // NewTimeoutError's retry, which client-go waits for and retries after (checkWait).
        assertThat(future.headers().firstValue("Retry-After")).hasValue("1");

        for (String bad : List.of("abc", "-5")) {
            HttpResponse<String> invalid = raw("GET", configmaps + "?resourceVersion=" + bad, null, null, true);
            assertThat(invalid.statusCode()).as(bad).isEqualTo(400);
            HttpResponse<String> watch = raw("GET", configmaps + "?watch=true&resourceVersion=" + bad, null, null, true);
            assertThat(watch.statusCode()).as("watch " + bad).isEqualTo(400);
        }
    }

    @Test
    void aFieldSelectorOnAFieldTheKindCannotBeSelectedByIsRefused() throws Exception {
        HttpResponse<String> data = raw("GET", "/api/v1/namespaces/default/configmaps?fieldSelector=data.k%3Dv", null,
                null, true);
        assertThat(data.statusCode()).isEqualTo(400);
        assertThat(data.body()).contains("\\\"data.k\\\" is not a known field selector");

        HttpResponse<String> hostIp = raw("GET", "/api/v1/pods?watch=true&fieldSelector=status.hostIP%3Dx", null,
                null, true);
        assertThat(hostIp.statusCode()).isEqualTo(400);
        assertThat(hostIp.body()).contains("field label not supported: status.hostIP");

        HttpResponse<String> huge = raw("GET", "/api/v1/namespaces/default/configmaps?limit=99999999999", null, null,
                true);
        assertThat(huge.statusCode()).isEqualTo(200);
    }

    private HttpResponse<String> getAccepting(String path, String accept) throws Exception {
        return CLUSTER.cluster().httpClient().send(HttpRequest.newBuilder(URI.create(CLUSTER.cluster().server().url() + path))
                .header("Authorization", "Bearer " + CLUSTER.cluster().token()).header("Accept", accept).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void partialObjectMetadataIsServedForGetListAndWatch() throws Exception {
        String ns = newNamespace("pom");
        CLUSTER.client().configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata().withName("one")
                .addToLabels("app", "web").endMetadata().addToData("secret-ish", "payload").build()).create();
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        // What client-go's metadata client sends (protobuf first, which drover answers as JSON).
        String accept = "application/vnd.kubernetes.protobuf;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,"
                + "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json";

        var one = json.readTree(getAccepting("/api/v1/namespaces/" + ns + "/configmaps/one", accept).body());
        assertThat(one.path("kind").asText()).isEqualTo("PartialObjectMetadata");
        assertThat(one.path("apiVersion").asText()).isEqualTo("meta.k8s.io/v1");
        assertThat(one.path("metadata").path("name").asText()).isEqualTo("one");
        assertThat(one.path("metadata").path("labels").path("app").asText()).isEqualTo("web");
        assertThat(one.has("data")).isFalse();

        var list = json.readTree(getAccepting("/api/v1/namespaces/" + ns + "/configmaps",
                accept.replace("as=PartialObjectMetadata;", "as=PartialObjectMetadataList;")).body());
        assertThat(list.path("kind").asText()).isEqualTo("PartialObjectMetadataList");
        assertThat(list.path("metadata").path("resourceVersion").asText()).isNotEmpty();
        assertThat(list.path("items")).extracting(i -> i.at("/metadata/name").asText()).containsExactly(ROOT_CA, "one");
        assertThat(list.path("items").get(1).path("kind").asText()).isEqualTo("PartialObjectMetadata");
        assertThat(list.path("items").get(1).path("metadata").path("uid").asText()).isNotEmpty();
        assertThat(list.path("items")).allSatisfy(item -> assertThat(item.has("data")).isFalse());

        String from = list.path("metadata").path("resourceVersion").asText();
        var watch = CLUSTER.cluster().httpClient().sendAsync(HttpRequest.newBuilder(URI.create(CLUSTER.cluster().server().url()
                + "/api/v1/namespaces/" + ns + "/configmaps?watch=true&timeoutSeconds=3&resourceVersion=" + from))
                .header("Authorization", "Bearer " + CLUSTER.cluster().token()).header("Accept", accept).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        CLUSTER.client().configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata().withName("two")
                .endMetadata().addToData("k", "v").build()).create();
        String events = watch.get(30, java.util.concurrent.TimeUnit.SECONDS).body();
        var added = json.readTree(events.lines().filter(l -> l.contains("\"two\"")).findFirst().orElseThrow());
        assertThat(added.path("type").asText()).isEqualTo("ADDED");
        assertThat(added.path("object").path("kind").asText()).isEqualTo("PartialObjectMetadata");
        assertThat(added.path("object").path("metadata").path("name").asText()).isEqualTo("two");
        assertThat(added.path("object").has("data")).isFalse();
    }

    @Test
    void aMetadataWatchSendsItsBookmarksAsPartialObjectMetadata() throws Exception {
        String ns = newNamespace("bm-meta");
        String rv = CLUSTER.client().namespaces().withName(ns).get().getMetadata().getResourceVersion();
        String events = getAccepting("/api/v1/namespaces/" + ns + "/configmaps?watch=true&allowWatchBookmarks=true"
                + "&timeoutSeconds=7&resourceVersion=" + rv, "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1")
                .body();
        var bookmark = new ObjectMapper().readTree(events.lines().filter(l -> l.contains("\"BOOKMARK\"")).findFirst()
                .orElseThrow());
        assertThat(bookmark.path("object").path("kind").asText()).isEqualTo("PartialObjectMetadata");
        assertThat(bookmark.path("object").path("apiVersion").asText()).isEqualTo("meta.k8s.io/v1");
        assertThat(bookmark.path("object").path("metadata").path("resourceVersion").asText()).isNotEmpty();
    }

    @Test
    void anObjectLeavingAWatchsSelectionIsDeletedAsTheWatcherLastSawIt() throws Exception {
        String ns = newNamespace("leave");
        CLUSTER.client().configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata().withName("cm")
                .addToLabels("grp", "1").endMetadata().build()).create();
        String from = CLUSTER.client().configMaps().inNamespace(ns).list().getMetadata().getResourceVersion();
        var watch = CLUSTER.cluster().httpClient().sendAsync(HttpRequest.newBuilder(URI.create(CLUSTER.cluster().server()
                        .url() + "/api/v1/namespaces/" + ns + "/configmaps?watch=true&timeoutSeconds=3&labelSelector=grp%3D1"
                        + "&resourceVersion=" + from)).header("Authorization", "Bearer " + CLUSTER.cluster().token())
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        String relabelledAt = CLUSTER.client().configMaps().inNamespace(ns).withName("cm")
                .edit(c -> new ConfigMapBuilder(c).editMetadata().addToLabels("grp", "0").endMetadata().build())
                .getMetadata().getResourceVersion();

        var deleted = new ObjectMapper().readTree(watch.get(30, java.util.concurrent.TimeUnit.SECONDS).body().lines()
                .filter(l -> l.contains("\"DELETED\"")).findFirst().orElseThrow());
        assertThat(deleted.path("object").path("metadata").path("labels").path("grp").asText()).isEqualTo("1");
        assertThat(deleted.path("object").path("metadata").path("resourceVersion").asText()).isEqualTo(relabelledAt);
    }

    /**
     * A quiet watch's bookmark carries the newest revision of the store, not the watch's start revision: kube's
     * carries the watch cache's, which moves with every change of the resource in any namespace (fuzz round 23).
     */
    @Test
    void aQuietWatchsBookmarkCarriesTheRevisionTheStoreHasReached() throws Exception {
        String quiet = newNamespace("bm-quiet");
        String busy = newNamespace("bm-busy");
        String from = CLUSTER.client().namespaces().withName(quiet).get().getMetadata().getResourceVersion();
        CompletableFuture<HttpResponse<String>> watch = CLUSTER.cluster().httpClient().sendAsync(HttpRequest.newBuilder(
                URI.create(CLUSTER.cluster().server().url() + "/api/v1/namespaces/" + quiet + "/configmaps?watch=true"
                        + "&allowWatchBookmarks=true&timeoutSeconds=8&resourceVersion=" + from))
                .header("Authorization", "Bearer " + CLUSTER.cluster().token()).build(),
                HttpResponse.BodyHandlers.ofString());
        long elsewhere = Long.parseLong(CLUSTER.client().configMaps().inNamespace(busy).resource(new ConfigMapBuilder()
                .withNewMetadata().withName("elsewhere").endMetadata().build()).create().getMetadata()
                .getResourceVersion());

        String events = watch.get(30, java.util.concurrent.TimeUnit.SECONDS).body();

        JsonNode bookmark = new ObjectMapper().readTree(events.lines().filter(l -> l.contains("\"BOOKMARK\""))
                .reduce((first, second) -> second).orElseThrow());
        assertThat(bookmark.at("/object/metadata/resourceVersion").asLong()).isGreaterThanOrEqualTo(elsewhere);
    }

    @Test
    void watchSendsBookmarksWhenAsked() throws Exception {
        String ns = newNamespace("bm");
        HttpResponse<String> response = raw("GET", "/api/v1/namespaces/" + ns + "/configmaps?watch=true"
                + "&allowWatchBookmarks=true&timeoutSeconds=7&resourceVersion=" + CLUSTER.client().namespaces().withName(ns).get()
                .getMetadata().getResourceVersion(), null, null, true);
        assertThat(response.body()).contains("\"type\":\"BOOKMARK\"");
    }

    @Test
    void unknownFieldsFailUnderStrictAndAreDroppedWithAWarningOtherwise() throws Exception {
        String body = "{\"metadata\":{\"name\":\"fv\"},\"data\":{\"a\":\"b\"},\"dataa\":{\"x\":\"y\"}}";
        HttpResponse<String> strict = raw("POST", "/api/v1/namespaces/default/configmaps?fieldValidation=Strict",
                "application/json", body, true);
        assertThat(strict.statusCode()).isEqualTo(400);
        assertThat(strict.body()).contains("ConfigMap in version \\\"v1\\\" cannot be handled as a ConfigMap: "
                + "strict decoding error: unknown field \\\"dataa\\\"");

        HttpResponse<String> warned = raw("POST", "/api/v1/namespaces/default/configmaps", "application/json", body,
                true);
        assertThat(warned.statusCode()).isEqualTo(201);
        assertThat(warned.headers().allValues("Warning")).containsExactly("299 - \"unknown field \\\"dataa\\\"\"");
        assertThat(warned.body()).doesNotContain("dataa");
    }

    @Test
    void fieldsGivenTwiceAreStrictDecodingErrorsAsKubernetesReportsThem() throws Exception {
        String ns = newNamespace("dupes");
        ObjectMapper json = new ObjectMapper();
        String deployments = "/apis/apps/v1/namespaces/" + ns + "/deployments";
        String body = io.drover.api.validation.StrictDecodingTest.DEPLOYMENT;

        HttpResponse<String> strict = raw("POST", deployments + "?fieldValidation=Strict", "application/json", body, true);
        assertThat(strict.statusCode()).isEqualTo(400);
        assertThat(json.readTree(strict.body()).path("message").asText()).endsWith("strict decoding error: "
                + "duplicate field \"metadata.name\", unknown field \"metadata.unknownMeta\", unknown field "
                + "\"spec.unknown1\", unknown field \"spec.unknownDupe\", duplicate field \"spec.paused\", unknown field "
                + "\"spec.template.spec.containers[0].unknownNested\", duplicate field "
                + "\"spec.template.spec.containers[0].imagePullPolicy\"");

        HttpResponse<String> warned = raw("POST", deployments, "application/json", body, true);
        assertThat(warned.statusCode()).as(warned.body()).isEqualTo(201);
        assertThat(warned.headers().allValues("Warning")).hasSize(7)
                .startsWith("299 - \"duplicate field \\\"metadata.name\\\"\"");
        var created = CLUSTER.client().apps().deployments().inNamespace(ns).withName("web").get();
        assertThat(created.getSpec().getPaused()).isNotEqualTo(Boolean.TRUE); // the last value, as Go's decoder keeps it
        assertThat(created.getSpec().getTemplate().getSpec().getContainers().get(0).getImagePullPolicy()).isEqualTo("Never");

        HttpResponse<String> ignored = raw("PUT", deployments + "/web?fieldValidation=Ignore", "application/json",
                body, true);
        assertThat(ignored.statusCode()).as(ignored.body()).isEqualTo(200);
        assertThat(ignored.headers().allValues("Warning")).isEmpty();

        HttpResponse<String> mergePatch = raw("PATCH", deployments + "/web?fieldValidation=Strict",
                "application/merge-patch+json", "{\"spec\":{\"paused\":true,\"paused\":false}}", true);
        assertThat(mergePatch.statusCode()).isEqualTo(400);
        assertThat(json.readTree(mergePatch.body()).path("message").asText())
                .isEqualTo("strict decoding error: duplicate field \"spec.paused\"");

        HttpResponse<String> jsonPatch = raw("PATCH", deployments + "/web", "application/json-patch+json",
                "[{\"op\":\"add\",\"path\":\"/spec/paused\",\"value\":true,\"foo\":1},"
                        + "{\"op\":\"add\",\"path\":\"/spec/replicas\",\"path\":\"/spec/minReadySeconds\",\"value\":2}]",
                true);
        assertThat(jsonPatch.statusCode()).as(jsonPatch.body()).isEqualTo(200);
        assertThat(jsonPatch.headers().allValues("Warning")).containsExactly(
                "299 - \"json patch unknown field \\\"[0].foo\\\"\"",
                "299 - \"json patch duplicate field \\\"[1].path\\\"\"");
        assertThat(CLUSTER.client().apps().deployments().inNamespace(ns).withName("web").get().getSpec()
                .getMinReadySeconds()).isEqualTo(2);

        String applied = "{\n\"apiVersion\": \"apps/v1\",\n\"kind\": \"Deployment\",\n\"metadata\": {\"name\": \"web\"},\n"
                + "\"spec\": {\n\"paused\": false,\n\"paused\": true\n}\n}";
        HttpResponse<String> apply = raw("PATCH", deployments + "/web?fieldManager=dup&fieldValidation=Strict",
                "application/apply-patch+yaml", applied, true);
        assertThat(apply.statusCode()).isEqualTo(400);
        assertThat(json.readTree(apply.body()).path("message").asText()).isEqualTo("error strict decoding YAML: "
                + "error converting YAML to JSON: yaml: unmarshal errors:\n  line 7: key \"paused\" already set in map");
        assertThat(CLUSTER.client().apps().deployments().inNamespace(ns).withName("web").get().getSpec().getPaused())
                .isTrue(); // from the JSON patch: the refused apply wrote nothing
    }

    @Test
    void writesThatLeaveNoNameAreRefusedAndPatchesKeepTheEndpointsTypeMeta() throws Exception {
        String ns = newNamespace("names");
        ObjectMapper json = new ObjectMapper();
        String cms = "/api/v1/namespaces/" + ns + "/configmaps";
        CLUSTER.client().configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata().withName("sn")
                .endMetadata().addToData("a", "1").build()).create();
        String undeterminable = "the name of the object (%s based on URL) was undeterminable: name must be provided";

        HttpResponse<String> put = raw("PUT", cms + "/sn", "application/json",
                "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{},\"data\":{\"x\":\"1\"}}", true);
        HttpResponse<String> patch = raw("PATCH", cms + "/sn", "application/merge-patch+json",
                "{\"metadata\":{\"name\":null}}", true);
        HttpResponse<String> apply = raw("PATCH", cms + "/new?fieldManager=a", "application/apply-patch+yaml",
                "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"data\":{\"x\":\"1\"}}", true);

        for (HttpResponse<String> refused : List.of(put, patch, apply)) {
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
        }
        assertThat(json.readTree(put.body()).path("message").asText()).isEqualTo(undeterminable.formatted("sn"));
        assertThat(json.readTree(apply.body()).path("message").asText()).isEqualTo(undeterminable.formatted("new"));
        assertThat(CLUSTER.client().configMaps().inNamespace(ns).withName("new").get()).isNull();

        HttpResponse<String> typeMetaDropped = raw("PATCH", cms + "/sn?fieldManager=dropper", "application/merge-patch+json",
                "{\"apiVersion\":null,\"kind\":null,\"data\":{\"b\":\"2\"}}", true);
        assertThat(typeMetaDropped.statusCode()).as(typeMetaDropped.body()).isEqualTo(200);
        var answer = json.readTree(typeMetaDropped.body());
        assertThat(answer.path("apiVersion").asText()).isEqualTo("v1");
        assertThat(answer.path("kind").asText()).isEqualTo("ConfigMap");
        assertThat(CLUSTER.client().configMaps().inNamespace(ns).withName("sn").get().getMetadata().getManagedFields())
                .filteredOn(m -> m.getManager().equals("dropper")).singleElement()
                .satisfies(m -> assertThat(m.getApiVersion()).isEqualTo("v1"));
    }

    @Test
    void anApplyWithFieldsTheKindDoesNotHaveIsRefusedWhateverTheFieldValidation() throws Exception {
        String ns = newNamespace("undeclared");
        String deployment = "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"web\"},"
                + "\"spec\":{\"selector\":{\"matchLabels\":{\"app\":\"web\"}},\"template\":{\"metadata\":{\"labels\":"
                + "{\"app\":\"web\"}},\"spec\":{\"containers\":[{\"name\":\"web\",\"image\":\"nginx\",\"bogus\":1}]}}}}";
        for (String validation : List.of("Ignore", "Warn", "Strict")) {
            HttpResponse<String> apply = raw("PATCH", "/apis/apps/v1/namespaces/" + ns + "/deployments/web?fieldManager=a"
                    + "&fieldValidation=" + validation, "application/apply-patch+yaml", deployment, true);
            assertThat(apply.statusCode()).as(validation).isEqualTo(400);
            assertThat(new ObjectMapper().readTree(apply.body()).path("message").asText()).as(validation).isEqualTo(
                    "failed to create typed patch object (" + ns + "/web; apps/v1, Kind=Deployment): "
                            + ".spec.template.spec.containers[name=\"web\"].bogus: field not declared in schema");
        }
        HttpResponse<String> two = raw("PATCH", "/api/v1/namespaces/" + ns + "/configmaps/cm?fieldManager=a",
                "application/apply-patch+yaml", "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":"
                        + "{\"name\":\"cm\"},\"dta\":{},\"bogus\":1}", true);
        assertThat(new ObjectMapper().readTree(two.body()).path("message").asText()).isEqualTo("failed to create typed "
                + "patch object (" + ns + "/cm; /v1, Kind=ConfigMap): errors:\n  .dta: field not declared in schema\n"
                + "  .bogus: field not declared in schema");
        assertThat(CLUSTER.client().apps().deployments().inNamespace(ns).withName("web").get()).isNull();
    }

    @Test
    void anApplyConflictIsAStatusWithItsCausesAlone() throws Exception {
        String ns = newNamespace("conflict");
        String cm = "/api/v1/namespaces/" + ns + "/configmaps/c?fieldManager=";
        String body = "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"c\"},\"data\":{\"k\":\"%s\"}}";
        assertThat(raw("PATCH", cm + "alice", "application/apply-patch+yaml", body.formatted("a"), true).statusCode())
                .isEqualTo(201);

        HttpResponse<String> conflict = raw("PATCH", cm + "bob", "application/apply-patch+yaml", body.formatted("b"), true);

        assertThat(conflict.statusCode()).isEqualTo(409);
        var status = new ObjectMapper().readTree(conflict.body());
        assertThat(status.path("reason").asText()).isEqualTo("Conflict");
        assertThat(status.path("message").asText()).isEqualTo("Apply failed with 1 conflict: conflict with \"alice\": .data.k");
        var details = status.path("details");
        assertThat(details.has("name") || details.has("kind") || details.has("group")).isFalse();
        assertThat(details.path("causes").get(0).path("reason").asText()).isEqualTo("FieldManagerConflict");
        assertThat(details.path("causes").get(0).path("field").asText()).isEqualTo(".data.k");
    }

    /**
     * apiserver's lastAppliedManager: only the manager kubectl takes fields over from client-side apply, and only
     * those whose live value is still the one in the last-applied-configuration annotation, from any manager.
     */
    @Test
    void kubectlsApplyTakesOverWhatTheLastAppliedConfigurationStillHolds() throws Exception {
        String ns = newNamespace("csa");
        String apply = "application/apply-patch+yaml";
        String body = "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"%s\"},"
                + "\"data\":{\"k\":\"%s\"}}";
        var mapper = new ObjectMapper();
        for (String name : List.of("by-other", "shared", "patched")) {
            ObjectNode created = (ObjectNode) mapper.readTree(body.formatted(name, "v"));
            created.withObjectProperty("metadata").putObject("annotations").put("kubectl.kubernetes.io/last-applied-configuration",
                    body.formatted(name, "v"));
            assertThat(raw("POST", "/api/v1/namespaces/" + ns + "/configmaps?fieldManager=kubectl-client-side-apply",
                    "application/json", created.toString(), true).statusCode()).isEqualTo(201);
        }
        String cm = "/api/v1/namespaces/" + ns + "/configmaps/";

        HttpResponse<String> other = raw("PATCH", cm + "by-other?fieldManager=other", apply,
                body.formatted("by-other", "v2"), true);
        assertThat(other.statusCode()).isEqualTo(409);
        assertThat(mapper.readTree(other.body()).path("message").asText()).isEqualTo(
                "Apply failed with 1 conflict: conflict with \"kubectl-client-side-apply\" using v1: .data.k");

        assertThat(raw("PATCH", cm + "shared?fieldManager=helm", apply, body.formatted("shared", "v"), true)
                .statusCode()).isEqualTo(200);
        HttpResponse<String> overShared = raw("PATCH", cm + "shared?fieldManager=kubectl", apply,
                body.formatted("shared", "v3"), true);
        assertThat(overShared.statusCode()).as(overShared.body()).isEqualTo(200);
        assertThat(mapper.readTree(overShared.body()).path("data").path("k").asText()).isEqualTo("v3");

        assertThat(raw("PATCH", cm + "patched?fieldManager=kubectl-patch", "application/merge-patch+json",
                "{\"data\":{\"k\":\"patched\"}}", true).statusCode()).isEqualTo(200);
        HttpResponse<String> reverted = raw("PATCH", cm + "patched?fieldManager=kubectl", apply,
                body.formatted("patched", "v"), true);
        assertThat(reverted.statusCode()).isEqualTo(409);
        assertThat(mapper.readTree(reverted.body()).path("message").asText())
                .isEqualTo("Apply failed with 1 conflict: conflict with \"kubectl-patch\" using v1: .data.k");
    }

    /**
     * The field manager sees a write as decoded (handlers/create.go: defaulted, converted): a Secret's stringData is
     * owned as the data it becomes, the zero values a protobuf body carries for omitempty fields are owned by nobody,
     * defaulted fields by the writer; so moving to server-side apply meets no conflict kube would not raise.
     */
    @Test
    void aWriteOwnsTheObjectAsDecodedNotTheBodyAsSent() throws Exception {
        String ns = newNamespace("decoded-owner");
        var mapper = new ObjectMapper();
        String secret = "{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":\"sd\"},"
                + "\"stringData\":{\"a\":\"2\"}}";
        assertThat(raw("POST", "/api/v1/namespaces/" + ns + "/secrets?fieldManager=kubectl-client-side-apply",
                "application/json", secret, true).statusCode()).isEqualTo(201);
        HttpResponse<String> applied = raw("PATCH", "/api/v1/namespaces/" + ns + "/secrets/sd?fieldManager=kubectl",
                "application/apply-patch+yaml", secret, true);
        assertThat(applied.statusCode()).as(applied.body()).isEqualTo(200);
        JsonNode csa = managerFields(mapper.readTree(applied.body()), "kubectl-client-side-apply");
        assertThat(csa.at("/f:data/f:a").isObject()).as(csa.toString()).isTrue();
        assertThat(csa.at("/f:type").isObject()).isTrue();
        assertThat(csa.has("f:stringData")).isFalse();

        // As kubectl create deployment's protobuf body carries them: Go's non-pointer zeros.
        String deployment = "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"d\"},"
                + "\"spec\":{\"replicas\":1,\"minReadySeconds\":0,\"paused\":false,\"selector\":{\"matchLabels\":"
                + "{\"app\":\"d\"}},\"template\":{\"metadata\":{\"labels\":{\"app\":\"d\"}},\"spec\":{"
                + "\"hostNetwork\":false,\"containers\":[{\"name\":\"c\",\"image\":\"i\",\"stdin\":false,"
                + "\"tty\":false}]}}}}";
        HttpResponse<String> created = raw("POST", "/apis/apps/v1/namespaces/" + ns
                + "/deployments?fieldManager=kubectl-create", "application/json", deployment, true);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode owned = managerFields(mapper.readTree(created.body()), "kubectl-create");
        assertThat(owned.path("f:spec").has("f:paused")).as(owned.toString()).isFalse();
        assertThat(owned.path("f:spec").has("f:revisionHistoryLimit")).isTrue();
        JsonNode container = owned.at("/f:spec/f:template/f:spec/f:containers").get("k:{\"name\":\"c\"}");
        assertThat(container.has("f:stdin")).as(container.toString()).isFalse();
        assertThat(container.has("f:imagePullPolicy")).isTrue();
        assertThat(owned.at("/f:spec/f:template/f:spec").has("f:hostNetwork")).isFalse();

        HttpResponse<String> paused = raw("PATCH", "/apis/apps/v1/namespaces/" + ns + "/deployments/d?fieldManager=tool",
                "application/apply-patch+yaml", "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":"
                        + "{\"name\":\"d\"},\"spec\":{\"paused\":true,\"minReadySeconds\":5}}", true);
        assertThat(paused.statusCode()).as(paused.body()).isEqualTo(200);
    }

    private static JsonNode managerFields(JsonNode object, String manager) {
        for (JsonNode entry : object.path("metadata").path("managedFields")) {
            if (entry.path("manager").asText().equals(manager) && entry.path("subresource").asText("").isEmpty()) {
                return entry.path("fieldsV1");
            }
        }
        throw new AssertionError("no entry of " + manager + " in " + object.path("metadata").path("managedFields"));
    }

    @Test
    void aServerSideApplyWorksInEveryServedVersion() throws Exception {
        String ns = newNamespace("apply-v1");
        String hpas = "/apis/autoscaling/v1/namespaces/" + ns + "/horizontalpodautoscalers/web?fieldManager=kubectl";
        String hpa = "apiVersion: autoscaling/v1\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: web\nspec:\n"
                + "  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n  maxReplicas: %d\n"
                + "  targetCPUUtilizationPercentage: 50\n";

        HttpResponse<String> created = raw("PATCH", hpas, "application/apply-patch+yaml", hpa.formatted(3), true);
        HttpResponse<String> updated = raw("PATCH", hpas, "application/apply-patch+yaml", hpa.formatted(5), true);
        HttpResponse<String> otherVersion = raw("PATCH", hpas, "application/apply-patch+yaml",
                hpa.formatted(5).replace("autoscaling/v1", "autoscaling/v2"), true);

        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(created.body()).contains("\"apiVersion\":\"autoscaling/v1\"").contains("\"targetCPUUtilizationPercentage\":50");
        assertThat(updated.statusCode()).as(updated.body()).isEqualTo(200);
        assertThat(CLUSTER.client().autoscaling().v2().horizontalPodAutoscalers().inNamespace(ns).withName("web").get()
                .getSpec().getMaxReplicas()).isEqualTo(5);
        assertThat(otherVersion.statusCode()).isEqualTo(400);
        assertThat(otherVersion.body()).contains("Specified patch version: autoscaling/v2, expected: autoscaling/v1");

        // A v1 configuration that names no CPU target owns no metrics: a labels-only apply by another manager
        // neither conflicts with the metrics a v2 client set nor replaces them by the 80% default.
        CLUSTER.client().autoscaling().v2().horizontalPodAutoscalers().inNamespace(ns).withName("web").edit(h -> {
            h.getSpec().getMetrics().get(0).getResource().getTarget().setAverageUtilization(65);
            return h;
        });
        HttpResponse<String> labelled = raw("PATCH", hpas.replace("fieldManager=kubectl", "fieldManager=labeller"),
                "application/apply-patch+yaml", "apiVersion: autoscaling/v1\nkind: HorizontalPodAutoscaler\nmetadata:\n"
                        + "  name: web\n  labels: {team: a}\n", true);
        assertThat(labelled.statusCode()).as(labelled.body()).isEqualTo(200);
        assertThat(CLUSTER.client().autoscaling().v2().horizontalPodAutoscalers().inNamespace(ns).withName("web").get()
                .getSpec().getMetrics().get(0).getResource().getTarget().getAverageUtilization()).isEqualTo(65);

        HttpResponse<String> event = raw("PATCH", "/apis/events.k8s.io/v1/namespaces/" + ns + "/events/e?fieldManager=me",
                "application/apply-patch+yaml", "{\"apiVersion\":\"events.k8s.io/v1\",\"kind\":\"Event\","
                        + "\"metadata\":{\"name\":\"e\"},\"eventTime\":\"2026-01-01T00:00:00.000000Z\",\"type\":\"Normal\","
                        + "\"reason\":\"R\",\"action\":\"A\",\"note\":\"applied\",\"reportingController\":\"drover.io/t\","
                        + "\"reportingInstance\":\"i\",\"regarding\":{\"kind\":\"Pod\",\"name\":\"p\",\"namespace\":\""
                        + ns + "\"}}", true);
        assertThat(event.statusCode()).as(event.body()).isEqualTo(201);
        assertThat(CLUSTER.client().v1().events().inNamespace(ns).withName("e").get().getMessage()).isEqualTo("applied");
    }

    @Test
    void horizontalPodAutoscalersAreServedAsV1AndStoredAsV2() throws Exception {
        String ns = newNamespace("hpa");
        HttpResponse<String> created = raw("POST", "/apis/autoscaling/v1/namespaces/" + ns + "/horizontalpodautoscalers",
                "application/json", "{\"metadata\":{\"name\":\"web\"},\"spec\":{\"scaleTargetRef\":{\"apiVersion\":"
                        + "\"apps/v1\",\"kind\":\"Deployment\",\"name\":\"web\"},\"minReplicas\":2,\"maxReplicas\":10,"
                        + "\"targetCPUUtilizationPercentage\":80}}", true);
        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(created.body()).contains("\"apiVersion\":\"autoscaling/v1\"")
                .contains("\"targetCPUUtilizationPercentage\":80");

        var v2 = CLUSTER.client().autoscaling().v2().horizontalPodAutoscalers().inNamespace(ns).withName("web").get();
        assertThat(v2.getSpec().getMetrics()).singleElement().satisfies(m -> {
            assertThat(m.getResource().getName()).isEqualTo("cpu");
            assertThat(m.getResource().getTarget().getAverageUtilization()).isEqualTo(80);
        });
        HttpResponse<String> listed = raw("GET", "/apis/autoscaling/v1/namespaces/" + ns + "/horizontalpodautoscalers",
                null, null, true);
        assertThat(listed.body()).contains("\"kind\":\"HorizontalPodAutoscalerList\"")
                .contains("\"targetCPUUtilizationPercentage\":80").doesNotContain("\"metrics\"");

        // What v1's decoding or conversion refuses is a 400, not a 500 nor a coerced default.
        String ref = "\"scaleTargetRef\":{\"kind\":\"Deployment\",\"name\":\"web\"},\"maxReplicas\":3";
        for (String bad : List.of(
                "{\"name\":\"bad\",\"annotations\":{\"autoscaling.alpha.kubernetes.io/metrics\":\"garbage\"}},"
                        + "\"spec\":{" + ref + "}",
                "{\"name\":\"bad\",\"annotations\":[\"a\"]},\"spec\":{" + ref + "}",
                "{\"name\":\"bad\"},\"spec\":{" + ref + ",\"targetCPUUtilizationPercentage\":\"50\"}")) {
            HttpResponse<String> refused = raw("POST", "/apis/autoscaling/v1/namespaces/" + ns
                    + "/horizontalpodautoscalers", "application/json", "{\"metadata\":" + bad + "}", true);
            assertThat(refused.statusCode()).as(bad).isEqualTo(400);
            assertThat(refused.body()).as(bad).contains("cannot be handled as a HorizontalPodAutoscaler")
                    .doesNotContain("Exception");
        }
    }

    @Test
    void podsOnANodeAreDeletedGracefully() throws Exception {
        String ns = newNamespace("grace");
        CLUSTER.client().pods().inNamespace(ns).resource(new io.fabric8.kubernetes.api.model.PodBuilder().withNewMetadata()
                .withName("bound").endMetadata().withNewSpec().withNodeName("node-a").addNewContainer()
                .withName("app").withImage("nginx").endContainer().endSpec().build()).create();
        CLUSTER.client().pods().inNamespace(ns).resource(new io.fabric8.kubernetes.api.model.PodBuilder().withNewMetadata()
                .withName("unbound").endMetadata().withNewSpec().withSchedulerName("nobody")
                .addNewContainer().withName("app").withImage("nginx").endContainer().endSpec().build()).create();

        CLUSTER.client().pods().inNamespace(ns).withName("unbound").delete();
        assertThat(CLUSTER.client().pods().inNamespace(ns).withName("unbound").get()).isNull();

        CLUSTER.client().pods().inNamespace(ns).withName("bound").delete();
        var terminating = CLUSTER.client().pods().inNamespace(ns).withName("bound").get();
        assertThat(terminating.getMetadata().getDeletionTimestamp()).isNotBlank();
        assertThat(terminating.getMetadata().getDeletionGracePeriodSeconds()).isEqualTo(30);

        // Status writes by the node meanwhile do not remove it; a delete with grace period 0 does.
        CLUSTER.client().pods().inNamespace(ns).withName("bound").editStatus(p -> new io.fabric8.kubernetes.api.model.PodBuilder(p)
                .editOrNewStatus().withPhase("Running").endStatus().build());
        assertThat(CLUSTER.client().pods().inNamespace(ns).withName("bound").get()).isNotNull();
        CLUSTER.client().pods().inNamespace(ns).withName("bound").withGracePeriod(0).delete();
        assertThat(CLUSTER.client().pods().inNamespace(ns).withName("bound").get()).isNull();
    }

    private static Deployment deployment(String name, int replicas) {
        return new DeploymentBuilder()
                .withNewMetadata().withName(name).endMetadata()
                .withNewSpec().withReplicas(replicas)
                .withNewSelector().addToMatchLabels("app", name).endSelector()
                .withNewTemplate().withNewMetadata().addToLabels("app", name).endMetadata()
                .withNewSpec().addNewContainer().withName(name).withImage("nginx").endContainer().endSpec()
                .endTemplate().endSpec().build();
    }
}
