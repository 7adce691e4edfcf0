package io.drover.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drover.testing.SharedCluster;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The query options of creates, updates and patches (fieldManager, force, fieldValidation, dryRun),
 * checked and interpreted as kube-apiserver checks them, and what a server-side apply body may not
 * carry.
 */
class WriteOptionsIT {
    @RegisterExtension
    static final SharedCluster CLUSTER = new SharedCluster();

    private static final String APPLY = "application/apply-patch+yaml";
    private final ObjectMapper json = new ObjectMapper();

    private String newNamespace(String prefix) {
        return CLUSTER.client().namespaces().resource(new NamespaceBuilder().withNewMetadata()
                .withGenerateName(prefix + "-").endMetadata().build()).create().getMetadata().getName();
    }

    private HttpResponse<String> send(String method, String path, String contentType, String body,
            Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(CLUSTER.cluster().server().url() + path))
                .method(method, HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", contentType)
                .header("Authorization", "Bearer " + CLUSTER.cluster().token());
        headers.forEach(request::header);
        return CLUSTER.cluster().httpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> send(String method, String path, String contentType, String body) throws Exception {
        return send(method, path, contentType, body, Map.of());
    }

    private JsonNode body(HttpResponse<String> response) throws Exception {
        return json.readTree(response.body());
    }

    private static String configMap(String name, String value) {
        return "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"" + name + "\"},"
                + "\"data\":{\"k\":\"" + value + "\"}}";
    }

    @Test
    void aFieldManagerOverAHundredAndTwentyEightBytesIsInvalid() throws Exception {
        String ns = newNamespace("fm-long");
        String manager = "m".repeat(129);

        HttpResponse<String> response = send("POST", "/api/v1/namespaces/" + ns + "/configmaps?fieldManager=" + manager,
                "application/json", configMap("long", "v"));

        assertThat(response.statusCode()).isEqualTo(422);
        JsonNode status = body(response);
        assertThat(status.path("message").asText())
                .isEqualTo("CreateOptions.meta.k8s.io \"\" is invalid: fieldManager: Too long: may not be more than 128 bytes");
        assertThat(status.path("details").path("causes").get(0).path("reason").asText()).isEqualTo("FieldValueTooLong");
        assertThat(CLUSTER.client().configMaps().inNamespace(ns).withName("long").get()).isNull();

        HttpResponse<String> exact = send("POST", "/api/v1/namespaces/" + ns + "/configmaps?fieldManager="
                + "m".repeat(128), "application/json", configMap("exact", "v"));
        assertThat(exact.statusCode()).isEqualTo(201);
    }

    @Test
    void aFieldManagerWithAControlCharacterIsInvalid() throws Exception {
        String ns = newNamespace("fm-ctl");

        HttpResponse<String> response = send("PUT", "/api/v1/namespaces/" + ns + "/configmaps/x?fieldManager=ab%07c",
                "application/json", configMap("x", "v"));

        assertThat(response.statusCode()).isEqualTo(422);
        assertThat(body(response).path("message").asText()).isEqualTo("UpdateOptions.meta.k8s.io \"\" is invalid: "
                + "fieldManager: Invalid value: \"ab\\ac\": invalid character U+0007 (at position 2)");
    }

    @Test
    void forceIsForbiddenOutsideServerSideApply() throws Exception {
        String ns = newNamespace("force");
        CLUSTER.client().configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata()
                .withName("x").endMetadata().addToData("k", "v").build()).create();

        HttpResponse<String> response = send("PATCH", "/api/v1/namespaces/" + ns + "/configmaps/x?force=true",
                "application/merge-patch+json", "{\"data\":{\"k\":\"w\"}}");

        assertThat(response.statusCode()).isEqualTo(422);
        assertThat(body(response).path("message").asText()).isEqualTo("PatchOptions.meta.k8s.io \"\" is invalid: "
                + "force: Forbidden: may not be specified for non-apply patch");
        assertThat(CLUSTER.client().configMaps().inNamespace(ns).withName("x").get().getData()).containsEntry("k", "v");

        // CreateOptions and UpdateOptions have no force: kube-apiserver does not decode it there.
        assertThat(send("POST", "/api/v1/namespaces/" + ns + "/configmaps?force=true", "application/json",
                configMap("created", "v")).statusCode()).isEqualTo(201);
        assertThat(send("PUT", "/api/v1/namespaces/" + ns + "/configmaps/created?force=true", "application/json",
                configMap("created", "w")).statusCode()).isEqualTo(200);
    }

    @Test
    void anApplyNeedsAFieldManager() throws Exception {
        String ns = newNamespace("apply-fm");

        HttpResponse<String> response = send("PATCH", "/api/v1/namespaces/" + ns + "/configmaps/x", APPLY,
                configMap("x", "v"));

        assertThat(response.statusCode()).isEqualTo(422);
        assertThat(body(response).path("message").asText()).isEqualTo("PatchOptions.meta.k8s.io \"\" is invalid: "
                + "fieldManager: Required value: is required for apply patch");
    }

    @Test
    void forceTakesAnyValueButFalseAndZeroAsTrue() throws Exception {
        String ns = newNamespace("force-go");
        String path = "/api/v1/namespaces/" + ns + "/configmaps/x?fieldManager=";
        assertThat(send("PATCH", path + "first", APPLY, configMap("x", "one")).statusCode()).isEqualTo(201);

        assertThat(send("PATCH", path + "second&force=0", APPLY, configMap("x", "two")).statusCode()).isEqualTo(409);
        assertThat(send("PATCH", path + "second&force=False", APPLY, configMap("x", "two")).statusCode())
                .isEqualTo(409);
        // apimachinery's Convert_Slice_string_To_bool: only "0" and "false" are false.
        HttpResponse<String> forced = send("PATCH", path + "second&force=yes", APPLY, configMap("x", "two"));

        assertThat(forced.statusCode()).isEqualTo(200);
        assertThat(CLUSTER.client().configMaps().inNamespace(ns).withName("x").get().getData()).containsEntry("k", "two");
    }

    @Test
    void anApplyBodyMayNotCarryManagedFieldsOrAnotherVersion() throws Exception {
        String ns = newNamespace("apply-body");
        String path = "/api/v1/namespaces/" + ns + "/configmaps/x?fieldManager=me";

        HttpResponse<String> owned = send("PATCH", path, APPLY, "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\","
                + "\"metadata\":{\"name\":\"x\",\"managedFields\":[{\"manager\":\"other\",\"operation\":\"Apply\"}]}}");
        assertThat(owned.statusCode()).isEqualTo(400);
        assertThat(body(owned).path("message").asText()).isEqualTo("metadata.managedFields must be nil");

        HttpResponse<String> version = send("PATCH", "/apis/apps/v1/namespaces/" + ns + "/deployments/d?fieldManager=me",
                APPLY, "{\"apiVersion\":\"apps/v1beta2\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"d\"}}");
        assertThat(version.statusCode()).isEqualTo(400);
        assertThat(body(version).path("message").asText()).isEqualTo("Incorrect version specified in apply patch. "
                + "Specified patch version: apps/v1beta2, expected: apps/v1");
        assertThat(CLUSTER.client().configMaps().inNamespace(ns).withName("x").get()).isNull();

        // An applied uid is a field: another object's is immutable (422), not a failed precondition (409).
        assertThat(send("PATCH", path, APPLY, configMap("x", "v")).statusCode()).isEqualTo(201);
        HttpResponse<String> otherUid = send("PATCH", path, APPLY, "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\","
                + "\"metadata\":{\"name\":\"x\",\"uid\":\"00000000-0000-0000-0000-000000000001\"}}");
        assertThat(otherUid.statusCode()).isEqualTo(422);
        assertThat(body(otherUid).path("message").asText()).contains("metadata.uid").contains("field is immutable");
    }

    @Test
    void fieldValidationValuesAreExact() throws Exception {
        String ns = newNamespace("fv");

        HttpResponse<String> response = send("POST", "/api/v1/namespaces/" + ns + "/configmaps?fieldValidation=strict",
                "application/json", configMap("x", "v"));

        assertThat(response.statusCode()).isEqualTo(422);
        assertThat(body(response).path("message").asText()).isEqualTo("CreateOptions.meta.k8s.io \"\" is invalid: "
                + "fieldValidation: Unsupported value: \"strict\": supported values: \"\", \"Ignore\", \"Strict\", \"Warn\"");
    }

    @Test
    void aManagerNamedAfterTheUserAgentIsItsPrintablePrefixOfAtMostAHundredAndTwentyEightBytes() throws Exception {
        String ns = newNamespace("ua");

        HttpResponse<String> response = send("POST", "/api/v1/namespaces/" + ns + "/configmaps", "application/json",
                configMap("x", "v"), Map.of("User-Agent", "t".repeat(200) + "/1.0 (linux)"));

        assertThat(response.statusCode()).isEqualTo(201);
        assertThat(body(response).path("metadata").path("managedFields").get(0).path("manager").asText())
                .isEqualTo("t".repeat(128));
    }
}
