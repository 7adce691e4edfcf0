package io.drover.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Message;
import io.drover.testing.ProtobufFrames;
import io.drover.testing.SharedCluster;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.kubernetes.client.proto.Meta;
import io.kubernetes.client.proto.V1;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * How a write's body is decoded at its endpoint, as kube-apiserver's decoders do it: a body without apiVersion or
 * kind takes the endpoint's (JSON, YAML and protobuf alike), and a subresource's body (Scale, Eviction, TokenRequest)
 * is checked for unknown fields as any object is, under fieldValidation.
 */
class BodyDecodingIT {
    @RegisterExtension
    static final SharedCluster CLUSTER = new SharedCluster();

    private static final String JSON_TYPE = "application/json";
    private static final String YAML_TYPE = "application/yaml";
    private static final String PROTOBUF_TYPE = "application/vnd.kubernetes.protobuf";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static String newNamespace(String prefix) {
        return CLUSTER.client().namespaces().resource(new NamespaceBuilder().withNewMetadata()
                .withGenerateName(prefix + "-").endMetadata().build()).create().getMetadata().getName();
    }

    private static HttpResponse<String> send(String method, String path, String contentType, byte[] body)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(CLUSTER.cluster().server().url() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body))
                .header("Authorization", "Bearer " + CLUSTER.cluster().token());
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return CLUSTER.cluster().httpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> send(String method, String path, String contentType, String body)
            throws Exception {
        return send(method, path, contentType, body == null ? null : body.getBytes(StandardCharsets.UTF_8));
    }

    private static JsonNode get(String path) throws Exception {
        HttpResponse<String> response = send("GET", path, null, (byte[]) null);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static JsonNode body(HttpResponse<String> response) throws Exception {
        return JSON.readTree(response.body());
    }

    private static String message(HttpResponse<String> response) throws Exception {
        return body(response).path("message").asText();
    }

    /** "k8s\0" + runtime.Unknown, as client-go frames a protobuf body, with the envelope's TypeMeta as given. */
    private static byte[] protobuf(String apiVersion, String kind, Message object) {
        return ProtobufFrames.body(apiVersion, kind, object);
    }

    private static V1.ConfigMap protobufConfigMap(String name, String value) {
        return V1.ConfigMap.newBuilder().setMetadata(Meta.ObjectMeta.newBuilder().setName(name))
                .putData("k", value).build();
    }

    private static void assertTypeMeta(JsonNode object, String apiVersion, String kind) {
        assertThat(object.path("apiVersion").asText()).as(object.toString()).isEqualTo(apiVersion);
        assertThat(object.path("kind").asText()).as(object.toString()).isEqualTo(kind);
    }

    /** Every managedFields entry names the version it was written in. */
    private static void assertManagedFieldsVersion(JsonNode object, String apiVersion) {
        JsonNode managed = object.path("metadata").path("managedFields");
        assertThat(managed.size()).as(object.toString()).isPositive();
        managed.forEach(entry -> assertThat(entry.path("apiVersion").asText()).as(entry.toString())
                .isEqualTo(apiVersion));
    }

    private static void createDeployment(String ns, String name) {
        CLUSTER.client().apps().deployments().inNamespace(ns).resource(new DeploymentBuilder()
                .withNewMetadata().withName(name).endMetadata()
                .withNewSpec().withReplicas(1)
                .withNewSelector().addToMatchLabels("app", name).endSelector()
                .withNewTemplate().withNewMetadata().addToLabels("app", name).endMetadata()
                .withNewSpec().addNewContainer().withName("c").withImage("nginx").endContainer().endSpec()
                .endTemplate().endSpec().build()).create();
    }

    @Nested
    class WithoutApiVersionOrKind {

        @Test
        void aCreateTakesTheEndpointsApiVersionAndKind() throws Exception {
            String ns = newNamespace("tm-create");
            String configMaps = "/api/v1/namespaces/" + ns + "/configmaps";

            HttpResponse<String> neither = send("POST", configMaps, JSON_TYPE,
                    "{\"metadata\":{\"name\":\"tb1\"},\"data\":{\"k\":\"v\"}}");
            assertThat(neither.statusCode()).as(neither.body()).isEqualTo(201);
            assertTypeMeta(body(neither), "v1", "ConfigMap");
            JsonNode stored = get(configMaps + "/tb1");
            assertTypeMeta(stored, "v1", "ConfigMap");
            assertManagedFieldsVersion(stored, "v1");

            HttpResponse<String> noKind = send("POST", configMaps, JSON_TYPE,
                    "{\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"tb2\"}}");
            assertThat(noKind.statusCode()).as(noKind.body()).isEqualTo(201);
            assertTypeMeta(get(configMaps + "/tb2"), "v1", "ConfigMap");

            HttpResponse<String> noVersion = send("POST", configMaps, JSON_TYPE,
                    "{\"kind\":\"ConfigMap\",\"apiVersion\":\"\",\"metadata\":{\"name\":\"tb3\"}}");
            assertThat(noVersion.statusCode()).as(noVersion.body()).isEqualTo(201);
            assertTypeMeta(get(configMaps + "/tb3"), "v1", "ConfigMap");

            String deployment = """
                    metadata:
                      name: d1
                    spec:
                      selector:
                        matchLabels: {app: d1}
                      template:
                        metadata:
                          labels: {app: d1}
                        spec:
                          containers:
                          - name: c
                            image: nginx
                    """;
            HttpResponse<String> yaml = send("POST", "/apis/apps/v1/namespaces/" + ns + "/deployments", YAML_TYPE,
                    deployment);
            assertThat(yaml.statusCode()).as(yaml.body()).isEqualTo(201);
            assertTypeMeta(body(yaml), "apps/v1", "Deployment");
            JsonNode storedDeployment = get("/apis/apps/v1/namespaces/" + ns + "/deployments/d1");
            assertTypeMeta(storedDeployment, "apps/v1", "Deployment");
            assertManagedFieldsVersion(storedDeployment, "apps/v1");
            assertThat(CLUSTER.client().apps().deployments().inNamespace(ns).withName("d1").get().getKind())
                    .isEqualTo("Deployment");
        }

        @Test
        void aDryRunCreateAnswersThemAndStoresNothing() throws Exception {
            String ns = newNamespace("tm-dry");
            HttpResponse<String> dry = send("POST", "/api/v1/namespaces/" + ns + "/configmaps?dryRun=All", JSON_TYPE,
                    "{\"metadata\":{\"name\":\"dry\"},\"data\":{\"k\":\"v\"}}");
            assertThat(dry.statusCode()).as(dry.body()).isEqualTo(201);
            assertTypeMeta(body(dry), "v1", "ConfigMap");
            assertManagedFieldsVersion(body(dry), "v1");
            assertThat(CLUSTER.client().configMaps().inNamespace(ns).withName("dry").get()).isNull();
        }

        @Test
        void anUpdateTakesTheEndpointsApiVersionAndKind() throws Exception {
            String ns = newNamespace("tm-put");
            String configMap = "/api/v1/namespaces/" + ns + "/configmaps/cm";
            assertThat(send("POST", "/api/v1/namespaces/" + ns + "/configmaps", JSON_TYPE,
                    "{\"metadata\":{\"name\":\"cm\"},\"data\":{\"k\":\"1\"}}").statusCode()).isEqualTo(201);

            HttpResponse<String> json = send("PUT", configMap + "?fieldManager=putter", JSON_TYPE,
                    "{\"metadata\":{\"name\":\"cm\"},\"data\":{\"k\":\"2\"}}");
            assertThat(json.statusCode()).as(json.body()).isEqualTo(200);
            assertTypeMeta(body(json), "v1", "ConfigMap");
            JsonNode stored = get(configMap);
            assertTypeMeta(stored, "v1", "ConfigMap");
            assertManagedFieldsVersion(stored, "v1");
            assertThat(stored.path("data").path("k").asText()).isEqualTo("2");

            HttpResponse<String> yaml = send("PUT", configMap + "?fieldManager=yamlputter", YAML_TYPE,
                    "metadata:\n  name: cm\ndata:\n  k: \"3\"\n");
            assertThat(yaml.statusCode()).as(yaml.body()).isEqualTo(200);
            stored = get(configMap);
            assertTypeMeta(stored, "v1", "ConfigMap");
            assertManagedFieldsVersion(stored, "v1");
            assertThat(stored.path("data").path("k").asText()).isEqualTo("3");
        }

        @Test
        void subresourceWritesTakeTheirKinds() throws Exception {
            String ns = newNamespace("tm-sub");
            createDeployment(ns, "d1");
            String deployment = "/apis/apps/v1/namespaces/" + ns + "/deployments/d1";

            HttpResponse<String> status = send("PUT", deployment + "/status", JSON_TYPE,
                    "{\"metadata\":{\"name\":\"d1\"},\"status\":{\"observedGeneration\":1}}");
            assertThat(status.statusCode()).as(status.body()).isEqualTo(200);
            assertTypeMeta(body(status), "apps/v1", "Deployment");

            HttpResponse<String> scale = send("PUT", deployment + "/scale", JSON_TYPE,
                    "{\"metadata\":{\"name\":\"d1\"},\"spec\":{\"replicas\":2}}");
            assertThat(scale.statusCode()).as(scale.body()).isEqualTo(200);
            assertTypeMeta(body(scale), "autoscaling/v1", "Scale");

            JsonNode stored = get(deployment);
            assertTypeMeta(stored, "apps/v1", "Deployment");
            assertThat(stored.path("spec").path("replicas").asInt()).isEqualTo(2);
            assertManagedFieldsVersion(stored, "apps/v1");
        }

        @Test
        void aProtobufEnvelopeWithoutThemTakesTheEndpoints() throws Exception {
            String ns = newNamespace("tm-pb");
            String configMaps = "/api/v1/namespaces/" + ns + "/configmaps";

            HttpResponse<String> created = send("POST", configMaps, PROTOBUF_TYPE,
                    protobuf("", "", protobufConfigMap("pb", "1")));
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            assertTypeMeta(body(created), "v1", "ConfigMap");
            assertThat(get(configMaps + "/pb").path("data").path("k").asText()).isEqualTo("1");

            HttpResponse<String> updated = send("PUT", configMaps + "/pb", PROTOBUF_TYPE,
                    protobuf("v1", "", protobufConfigMap("pb", "2")));
            assertThat(updated.statusCode()).as(updated.body()).isEqualTo(200);
            JsonNode stored = get(configMaps + "/pb");
            assertTypeMeta(stored, "v1", "ConfigMap");
            assertManagedFieldsVersion(stored, "v1");
            assertThat(stored.path("data").path("k").asText()).isEqualTo("2");
        }

        @Test
        void aKindOrVersionThatDisagreesWithTheEndpointIsStillRefused() throws Exception {
            String ns = newNamespace("tm-mismatch");
            String configMaps = "/api/v1/namespaces/" + ns + "/configmaps";

            HttpResponse<String> kind = send("POST", configMaps, JSON_TYPE,
                    "{\"kind\":\"Secret\",\"metadata\":{\"name\":\"k\"}}");
            assertThat(kind.statusCode()).isEqualTo(400);
            assertThat(message(kind)).isEqualTo("the kind in the data (Secret) does not match the expected kind "
                    + "(ConfigMap)");

            HttpResponse<String> version = send("POST", configMaps, JSON_TYPE,
                    "{\"apiVersion\":\"apps/v1\",\"metadata\":{\"name\":\"v\"}}");
            assertThat(version.statusCode()).isEqualTo(400);
            assertThat(message(version)).isEqualTo("the API version in the data (apps/v1) does not match the "
                    + "expected API version (v1)");

            HttpResponse<String> protobuf = send("POST", configMaps, PROTOBUF_TYPE,
                    protobuf("", "Secret", V1.Secret.newBuilder().setMetadata(Meta.ObjectMeta.newBuilder()
                            .setName("p")).build()));
            assertThat(protobuf.statusCode()).isEqualTo(400);
            assertThat(message(protobuf)).isEqualTo("the kind in the data (Secret) does not match the expected kind "
                    + "(ConfigMap)");
            assertThat(CLUSTER.client().configMaps().inNamespace(ns).list().getItems())
                    .extracting(cm -> cm.getMetadata().getName()).doesNotContain("k", "v", "p");
        }

        @Test
        void anApplyMustNameThem() throws Exception {
            String ns = newNamespace("tm-apply");
            String configMap = "/api/v1/namespaces/" + ns + "/configmaps/ap?fieldManager=me";

            HttpResponse<String> neither = send("PATCH", configMap, "application/apply-patch+yaml",
                    "metadata:\n  name: ap\n");
            assertThat(neither.statusCode()).isEqualTo(400);
            assertThat(message(neither)).isEqualTo("invalid object type: /, Kind=");

            HttpResponse<String> noKind = send("PATCH", configMap, "application/apply-patch+yaml",
                    "apiVersion: v1\nmetadata:\n  name: ap\n");
            assertThat(noKind.statusCode()).isEqualTo(400);
            assertThat(message(noKind)).isEqualTo("invalid object type: /v1, Kind=");
            assertThat(CLUSTER.client().configMaps().inNamespace(ns).withName("ap").get()).isNull();

            HttpResponse<String> both = send("PATCH", configMap, "application/apply-patch+yaml",
                    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ap\ndata:\n  k: v\n");
            assertThat(both.statusCode()).as(both.body()).isEqualTo(201);
            assertManagedFieldsVersion(get("/api/v1/namespaces/" + ns + "/configmaps/ap"), "v1");
        }
    }

    @Nested
    class SubresourceFieldValidation {

        private static final String UNKNOWN_SPEC_FOO = "299 - \"unknown field \\\"spec.foo\\\"\"";

        @Test
        void aScalePutIsDecodedStrictly() throws Exception {
            String ns = newNamespace("fv-scale");
            createDeployment(ns, "d1");
            String scale = "/apis/apps/v1/namespaces/" + ns + "/deployments/d1/scale";
            String body = "{\"apiVersion\":\"autoscaling/v1\",\"kind\":\"Scale\",\"metadata\":{\"name\":\"d1\","
                    + "\"namespace\":\"" + ns + "\"},\"spec\":{\"replicas\":3,\"foo\":1},\"bar\":2}";

            HttpResponse<String> strict = send("PUT", scale + "?fieldValidation=Strict", JSON_TYPE, body);
            assertThat(strict.statusCode()).isEqualTo(400);
            assertThat(message(strict)).isEqualTo("Scale in version \"v1\" cannot be handled as a Scale: strict "
                    + "decoding error: unknown field \"spec.foo\", unknown field \"bar\"");
            assertThat(CLUSTER.client().apps().deployments().inNamespace(ns).withName("d1").get().getSpec()
                    .getReplicas()).isEqualTo(1);

            HttpResponse<String> warned = send("PUT", scale, JSON_TYPE, body);
            assertThat(warned.statusCode()).as(warned.body()).isEqualTo(200);
            assertThat(warned.headers().allValues("Warning")).containsExactly(UNKNOWN_SPEC_FOO,
                    "299 - \"unknown field \\\"bar\\\"\"");
            assertThat(warned.body()).doesNotContain("foo", "bar");
            assertThat(body(warned).path("spec").path("replicas").asInt()).isEqualTo(3);

            HttpResponse<String> ignored = send("PUT", scale + "?fieldValidation=Ignore", JSON_TYPE,
                    body.replace("\"replicas\":3", "\"replicas\":4"));
            assertThat(ignored.statusCode()).as(ignored.body()).isEqualTo(200);
            assertThat(ignored.headers().allValues("Warning")).isEmpty();
            assertThat(CLUSTER.client().apps().deployments().inNamespace(ns).withName("d1").get().getSpec()
                    .getReplicas()).isEqualTo(4);
        }

        @Test
        void aScalePatchIsDecodedStrictly() throws Exception {
            String ns = newNamespace("fv-scale-patch");
            createDeployment(ns, "d1");
            String scale = "/apis/apps/v1/namespaces/" + ns + "/deployments/d1/scale";

            HttpResponse<String> strict = send("PATCH", scale + "?fieldValidation=Strict",
                    "application/merge-patch+json", "{\"spec\":{\"replicas\":2,\"foo\":1}}");
            // kube's patch handler: 422 on field "patch", naming the patched Scale (jsonPatcher)
            assertThat(strict.statusCode()).isEqualTo(422);
            assertThat(message(strict)).startsWith(" \"\" is invalid: patch: Invalid value: \"{")
                    .endsWith("\": strict decoding error: unknown field \"spec.foo\"");
            assertThat(CLUSTER.client().apps().deployments().inNamespace(ns).withName("d1").get().getSpec()
                    .getReplicas()).isEqualTo(1);

            HttpResponse<String> warned = send("PATCH", scale, "application/merge-patch+json",
                    "{\"spec\":{\"replicas\":2,\"foo\":1}}");
            assertThat(warned.statusCode()).as(warned.body()).isEqualTo(200);
            assertThat(warned.headers().allValues("Warning")).containsExactly(UNKNOWN_SPEC_FOO);
            assertThat(warned.body()).doesNotContain("foo");
            assertThat(body(warned).path("spec").path("replicas").asInt()).isEqualTo(2);
        }

        @Test
        void anEvictionIsDecodedStrictly() throws Exception {
            String ns = newNamespace("fv-evict");
            CLUSTER.client().pods().inNamespace(ns).resource(new PodBuilder().withNewMetadata().withName("p")
                    .endMetadata().withNewSpec().addNewContainer().withName("c").withImage("nginx").endContainer()
                    .endSpec().build()).create();
            String eviction = "/api/v1/namespaces/" + ns + "/pods/p/eviction";
            String body = "{\"apiVersion\":\"policy/v1\",\"kind\":\"Eviction\",\"metadata\":{\"name\":\"p\"},"
                    + "\"deleteOptions\":{\"kind\":\"DeleteOptions\",\"apiVersion\":\"v1\"},\"foo\":1}";

            HttpResponse<String> strict = send("POST", eviction + "?fieldValidation=Strict", JSON_TYPE, body);
            assertThat(strict.statusCode()).isEqualTo(400);
            assertThat(message(strict)).isEqualTo("Eviction in version \"v1\" cannot be handled as a Eviction: "
                    + "strict decoding error: unknown field \"foo\"");
            assertThat(CLUSTER.client().pods().inNamespace(ns).withName("p").get()).isNotNull();

            // DeleteOptions embeds TypeMeta: its apiVersion and kind are known fields.
            HttpResponse<String> warned = send("POST", eviction, JSON_TYPE, body);
            assertThat(warned.statusCode()).as(warned.body()).isEqualTo(201);
            assertThat(warned.headers().allValues("Warning")).containsExactly("299 - \"unknown field \\\"foo\\\"\"");
        }

        @Test
        void aTokenRequestIsDecodedStrictlyAndNeverEchoesUnknownFields() throws Exception {
            String ns = newNamespace("fv-token");
            CLUSTER.client().serviceAccounts().inNamespace(ns).resource(new ServiceAccountBuilder().withNewMetadata()
                    .withName("sa1").endMetadata().build()).create();
            String token = "/api/v1/namespaces/" + ns + "/serviceaccounts/sa1/token";

            HttpResponse<String> strict = send("POST", token + "?fieldValidation=Strict", JSON_TYPE,
                    "{\"spec\":{\"foo\":1}}");
            assertThat(strict.statusCode()).isEqualTo(400);
            assertThat(message(strict)).isEqualTo("TokenRequest in version \"v1\" cannot be handled as a "
                    + "TokenRequest: strict decoding error: unknown field \"spec.foo\"");

            HttpResponse<String> warned = send("POST", token, JSON_TYPE, "{\"spec\":{\"foo\":1}}");
            assertThat(warned.statusCode()).as(warned.body()).isEqualTo(201);
            assertThat(warned.headers().allValues("Warning")).containsExactly(UNKNOWN_SPEC_FOO);
            JsonNode answer = body(warned);
            assertThat(answer.path("spec").has("foo")).as(answer.toString()).isFalse();
            assertThat(answer.path("status").path("token").asText()).isNotEmpty();
        }
    }
}
