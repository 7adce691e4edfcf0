package io.drover.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.drover.testing.SharedCluster;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** How answers are shaped by the request's Accept header and what headers every answer carries. */
class ContentNegotiationIT {
    @RegisterExtension
    static final SharedCluster CLUSTER = new SharedCluster();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String AGGREGATED_V2 = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";
    private static final String TABLE_V1 = "application/json;as=Table;v=v1;g=meta.k8s.io";

    private String namespaceWithConfigMap(String prefix) {
        String ns = CLUSTER.client().namespaces().resource(new NamespaceBuilder().withNewMetadata()
                .withGenerateName(prefix + "-").endMetadata().build()).create().getMetadata().getName();
        CLUSTER.client().configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata().withName("cm")
                .endMetadata().withData(Map.of("number", "123", "flag", "true")).build()).create();
        return ns;
    }

    private HttpResponse<String> get(String path, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(CLUSTER.cluster().server().url() + path))
                .header("Authorization", "Bearer " + CLUSTER.cluster().token()).GET();
        headers.forEach(request::header);
        return CLUSTER.cluster().httpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path, String accept) throws Exception {
        return get(path, Map.of("Accept", accept));
    }

    @Test
    void malformedAcceptHeadersAreAnsweredAsJsonNeverAsAnInternalError() throws Exception {
        String ns = namespaceWithConfigMap("accept");
        for (String accept : new String[] {";", ";;;", ",", "/", "application/json;q=x"}) {
            for (String path : new String[] {"/api/v1/namespaces/" + ns + "/configmaps/cm",
                    "/api/v1/namespaces/" + ns + "/configmaps", "/apis", "/api", "/openapi/v3"}) {
                HttpResponse<String> answer = get(path, accept);
                assertThat(answer.statusCode()).as(accept + " " + path).isEqualTo(200);
                assertThat(answer.headers().firstValue("Content-Type").orElse("")).as(accept + " " + path)
                        .startsWith("application/json");
            }
        }
    }

    @Test
    void yamlIsAnsweredAsYaml() throws Exception {
        String ns = namespaceWithConfigMap("yaml");
        HttpResponse<String> object = get("/api/v1/namespaces/" + ns + "/configmaps/cm", "application/yaml");
        assertThat(object.statusCode()).isEqualTo(200);
        assertThat(object.headers().firstValue("Content-Type")).contains("application/yaml");
        assertThat(object.body()).startsWith("apiVersion: ").doesNotContain("---");
        JsonNode parsed = new YAMLMapper().readTree(object.body());
        assertThat(parsed.path("kind").asText()).isEqualTo("ConfigMap");
        // Strings that look like numbers or booleans stay strings.
        assertThat(parsed.at("/data/number").isTextual()).isTrue();
        assertThat(parsed.at("/data/flag").isTextual()).isTrue();

        JsonNode list = new YAMLMapper().readTree(get("/api/v1/namespaces/" + ns + "/configmaps", "application/yaml").body());
        assertThat(list.path("kind").asText()).isEqualTo("ConfigMapList");

        HttpResponse<String> missing = get("/api/v1/namespaces/" + ns + "/configmaps/none", "application/yaml");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(new YAMLMapper().readTree(missing.body()).path("reason").asText()).isEqualTo("NotFound");

        HttpResponse<String> table = get("/api/v1/namespaces/" + ns + "/configmaps",
                "application/yaml;as=Table;v=v1;g=meta.k8s.io");
        assertThat(new YAMLMapper().readTree(table.body()).path("kind").asText()).isEqualTo("Table");

        // A watch is never YAML: kube-apiserver streams watches as JSON or protobuf only.
        HttpResponse<String> watch = get("/api/v1/namespaces/" + ns + "/configmaps?watch=true&timeoutSeconds=1",
                "application/yaml, application/json");
        assertThat(watch.body().lines().findFirst().orElseThrow()).startsWith("{\"type\":\"ADDED\"");
    }

    @Test
    void tablesFollowIncludeObjectAndTheRequestedVersion() throws Exception {
        String ns = namespaceWithConfigMap("table");
        String path = "/api/v1/namespaces/" + ns + "/configmaps";

        JsonNode none = JSON.readTree(get(path + "?includeObject=None", TABLE_V1).body());
        assertThat(none.path("rows")).isNotEmpty();
        assertThat(none.path("rows")).allSatisfy(row -> assertThat(row.path("object").isNull()).isTrue());

        JsonNode whole = JSON.readTree(get(path + "/cm?includeObject=Object", TABLE_V1).body());
        assertThat(whole.at("/rows/0/object/data/number").asText()).isEqualTo("123");

        HttpResponse<String> bogus = get(path + "?includeObject=bogus", TABLE_V1);
        assertThat(bogus.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(bogus.body()).path("message").asText()).isEqualTo("Unable to convert to Table as "
                + "requested: includeObject: Invalid value: \"bogus\": must be 'Metadata', 'Object', 'None', or empty");

        JsonNode beta = JSON.readTree(get(path, "application/json;as=Table;v=v1beta1;g=meta.k8s.io").body());
        assertThat(beta.path("apiVersion").asText()).isEqualTo("meta.k8s.io/v1beta1");
        assertThat(beta.at("/rows/0/object/apiVersion").asText()).isEqualTo("meta.k8s.io/v1beta1");
        JsonNode metadata = JSON.readTree(get(path,
                "application/json;as=PartialObjectMetadataList;v=v1beta1;g=meta.k8s.io").body());
        assertThat(metadata.path("apiVersion").asText()).isEqualTo("meta.k8s.io/v1beta1");
        assertThat(metadata.path("kind").asText()).isEqualTo("PartialObjectMetadataList");
    }

    @Test
    void aTableWatchSendsTheColumnsWithItsFirstEventOnly() throws Exception {
        String ns = namespaceWithConfigMap("table-watch");
        CLUSTER.client().configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata().withName("cm2")
                .endMetadata().build()).create();
        HttpResponse<String> watch = get("/api/v1/namespaces/" + ns + "/configmaps?watch=true&timeoutSeconds=1", TABLE_V1);
        java.util.List<JsonNode> events = new java.util.ArrayList<>();
        for (String line : watch.body().split("\n")) {
            events.add(JSON.readTree(line));
        }
        assertThat(events).hasSizeGreaterThanOrEqualTo(2);
        assertThat(events.get(0).at("/object/columnDefinitions")).isNotEmpty();
        assertThat(events.subList(1, events.size())).allSatisfy(event -> {
            assertThat(event.at("/object/kind").asText()).isEqualTo("Table");
            assertThat(event.at("/object/columnDefinitions").isNull()).isTrue();
            assertThat(event.at("/object/rows")).hasSize(1);
        });
    }

    @Test
    void aggregatedDiscoveryCarriesAnEntityTagAndAnswers304ToIt() throws Exception {
        HttpResponse<String> first = get("/apis", AGGREGATED_V2);
        String etag = first.headers().firstValue("ETag").orElseThrow();
        assertThat(etag).startsWith("\"").endsWith("\"");
        assertThat(first.headers().firstValue("Cache-Control")).contains("public");
        assertThat(first.headers().firstValue("Vary")).contains("Accept");

        HttpResponse<String> again = get("/apis", Map.of("Accept", AGGREGATED_V2, "If-None-Match", etag));
        assertThat(again.statusCode()).isEqualTo(304);
        assertThat(again.body()).isEmpty();
        assertThat(get("/api", Map.of("Accept", AGGREGATED_V2, "If-None-Match", etag)).statusCode()).isEqualTo(200);

        HttpResponse<String> beta = get("/apis", AGGREGATED_V2.replace("v=v2", "v=v2beta1"));
        assertThat(beta.headers().firstValue("Content-Type").orElseThrow()).contains("v=v2beta1");
        assertThat(JSON.readTree(beta.body()).path("apiVersion").asText()).isEqualTo("apidiscovery.k8s.io/v2beta1");
    }

    private HttpResponse<String> send(String method, String path, String contentType, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(CLUSTER.cluster().server().url() + path))
                .header("Authorization", "Bearer " + CLUSTER.cluster().token())
                .method(method, HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return CLUSTER.cluster().httpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aPatchOfAnotherContentTypeIsRefusedAsKubeRefusesIt() throws Exception {
        String ns = namespaceWithConfigMap("patch");
        String path = "/api/v1/namespaces/" + ns + "/configmaps/cm";
        for (String contentType : new String[] {"application/json", "application/yaml", "text/plain", null}) {
            HttpResponse<String> refused = send("PATCH", path, contentType, "{\"data\":{\"a\":\"b\"}}");
            assertThat(refused.statusCode()).as(contentType).isEqualTo(415);
            assertThat(JSON.readTree(refused.body()).path("message").asText()).isEqualTo("the body of the request was "
                    + "in an unknown format - accepted media types include: application/json-patch+json, "
                    + "application/merge-patch+json, application/strategic-merge-patch+json, application/apply-patch+yaml");
        }
        // Media types are case-insensitive, as Go's mime.ParseMediaType reads them.
        assertThat(send("PATCH", path, "Application/Merge-Patch+JSON", "{\"data\":{\"a\":\"b\"}}").statusCode())
                .isEqualTo(200);
    }

    @Test
    void yamlBodiesMustSayApplicationYaml() throws Exception {
        String ns = namespaceWithConfigMap("yaml-in");
        String yaml = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-yaml\n";
        for (String contentType : new String[] {"application/x-yaml", "text/yaml"}) {
            assertThat(send("POST", "/api/v1/namespaces/" + ns + "/configmaps", contentType, yaml).statusCode())
                    .as(contentType).isEqualTo(415);
        }
        assertThat(send("POST", "/api/v1/namespaces/" + ns + "/configmaps", "application/yaml", yaml).statusCode())
                .isEqualTo(201);
    }

    @Test
    void everyAnswerCarriesAnAuditIdAndIsNotCached() throws Exception {
        HttpResponse<String> answer = get("/api/v1/namespaces/default", "application/json");
        assertThat(answer.headers().firstValue("Audit-Id").orElseThrow()).matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
        assertThat(answer.headers().firstValue("Cache-Control")).contains("no-cache, private");
        assertThat(get("/api/v1/namespaces/default", Map.of("Audit-Id", "my-request")).headers().firstValue("Audit-Id"))
                .contains("my-request");
        assertThat(get("/api/v1/namespaces/none", "application/json").headers().firstValue("Audit-Id")).isPresent();
        // A handler's own Cache-Control replaces the default, as WithCacheControl leaves one the handler set.
        assertThat(get("/openid/v1/jwks", "application/json").headers().allValues("Cache-Control"))
                .containsExactly("public, max-age=3600");
        assertThat(get("/apis", AGGREGATED_V2).headers().allValues("Cache-Control")).containsExactly("public");
        HttpResponse<String> unauthorized = CLUSTER.cluster().httpClient().send(HttpRequest.newBuilder(
                URI.create(CLUSTER.cluster().server().url() + "/apis")).header("Accept", AGGREGATED_V2).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(unauthorized.statusCode()).isEqualTo(401);
        assertThat(unauthorized.headers().allValues("Cache-Control")).containsExactly("no-cache, private");
    }
}
