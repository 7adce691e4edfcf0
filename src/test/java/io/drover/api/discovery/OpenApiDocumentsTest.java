package io.drover.api.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drover.api.resource.ResourceRegistry;
import io.drover.api.resource.ResourceType;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OpenApiDocumentsTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final ResourceRegistry registry = ResourceRegistry.builtin();
    private final OpenApiDocuments docs = new OpenApiDocuments(registry);

    @Test
    void rootListsEveryGroupVersionWithItsHashedUrl() {
        JsonNode paths = docs.root().path("paths");

        List<String> names = new ArrayList<>();
        paths.fieldNames().forEachRemaining(names::add);
        assertThat(names).containsExactly("api/v1", "apis/apps/v1", "apis/autoscaling/v2", "apis/autoscaling/v1",
                "apis/coordination.k8s.io/v1", "apis/discovery.k8s.io/v1", "apis/node.k8s.io/v1",
                "apis/scheduling.k8s.io/v1", "apis/policy/v1", "apis/rbac.authorization.k8s.io/v1", "apis/events.k8s.io/v1", "apis/authorization.k8s.io/v1", "apis/authentication.k8s.io/v1");
        for (Map.Entry<String, JsonNode> entry : paths.properties()) {
            OpenApiDocument doc = docs.groupVersion(entry.getKey()).orElseThrow();
            String url = entry.getValue().path("serverRelativeURL").asText();
            assertThat(url).isEqualTo("/openapi/v3/" + entry.getKey() + "?hash=" + doc.hash());
        }
    }

    @Test
    void rootHashIsTheHashOfTheServedBytes() throws Exception {
        for (Map.Entry<String, JsonNode> entry : docs.root().path("paths").properties()) {
            OpenApiDocument doc = docs.groupVersion(entry.getKey()).orElseThrow();
            String hash = entry.getValue().path("serverRelativeURL").asText().replaceFirst(".*\\?hash=", "");
            MessageDigest sha512 = MessageDigest.getInstance("SHA-512");
            String expected = HexFormat.of().withUpperCase().formatHex(sha512.digest(doc.bytes()));
            assertThat(hash).isEqualTo(expected);
        }
    }

    @Test
    void documentsAreStableAcrossBuilds() {
        OpenApiDocuments again = new OpenApiDocuments(ResourceRegistry.builtin());

        assertThat(again.root()).isEqualTo(docs.root());
        assertThat(again.groupVersion("apis/apps/v1")).isEqualTo(docs.groupVersion("apis/apps/v1"));
    }

    @Test
    void unknownPathsHaveNoDocument() {
        assertThat(docs.groupVersion("apis/apps/v1beta1")).isEmpty();
        assertThat(docs.groupVersion("apis/batch/v1")).isEmpty();
        assertThat(docs.groupVersion("api")).isEmpty();
        assertThat(docs.groupVersion("/api/v1")).isPresent();
    }

    @Test
    void deploymentPatchListsFieldValidationAndPatchContentTypes() throws Exception {
        JsonNode doc = parse("apis/apps/v1");
        assertThat(doc.path("openapi").asText()).isEqualTo("3.0.0");
        assertThat(doc.path("info").path("title").asText()).isEqualTo("Kubernetes");

        JsonNode patch = doc.path("paths").path("/apis/apps/v1/namespaces/{namespace}/deployments/{name}").path("patch");
        assertThat(patch.isObject()).as("patch operation").isTrue();
        assertGvk(patch, "apps", "v1", "Deployment");
        assertThat(patch.path("x-kubernetes-action").asText()).isEqualTo("patch");
        assertThat(queryParameters(patch)).contains("fieldValidation", "dryRun", "fieldManager", "force");
        List<String> contentTypes = new ArrayList<>();
        patch.path("requestBody").path("content").fieldNames().forEachRemaining(contentTypes::add);
        assertThat(contentTypes).containsExactlyInAnyOrder("application/json-patch+json", "application/merge-patch+json",
                "application/strategic-merge-patch+json", "application/apply-patch+yaml");
    }

    @Test
    void everyKindHasKubernetesSchemaWithEveryReferenceInTheSameDocument() throws Exception {
        for (ResourceType type : registry.all()) {
            JsonNode schemas = parse(type.group().isEmpty() ? "api/" + type.version() : "apis/" + type.apiVersion())
                    .path("components").path("schemas");
            assertThat(schemas.properties()).as(type.apiVersion())
                    .anySatisfy(schema -> assertThat(schema.getValue().path("x-kubernetes-group-version-kind"))
                            .anySatisfy(gvk -> {
                                assertThat(gvk.path("group").asText()).isEqualTo(type.group());
                                assertThat(gvk.path("version").asText()).isEqualTo(type.version());
                                assertThat(gvk.path("kind").asText()).isEqualTo(type.kind());
                            }));
            for (JsonNode ref : schemas.findValues("$ref")) {
                assertThat(schemas.has(ref.asText().replace("#/components/schemas/", "")))
                        .as("%s in %s", ref.asText(), type.apiVersion()).isTrue();
            }
        }
    }

    @Test
    void schemasCarryTheMergeKeysKubectlBuildsStrategicMergePatchesFrom() throws Exception {
        JsonNode schemas = parse("apis/apps/v1").path("components").path("schemas");
        JsonNode podSpec = schemas.path("io.k8s.api.core.v1.PodSpec").path("properties");
        assertThat(podSpec.path("containers").path("x-kubernetes-patch-merge-key").asText()).isEqualTo("name");
        assertThat(podSpec.path("containers").path("x-kubernetes-patch-strategy").asText()).isEqualTo("merge");
        // OpenAPI 3.0 ignores a $ref's siblings, so a described reference is an allOf, as kube-apiserver serves it.
        assertThat(schemas.path("io.k8s.api.apps.v1.DeploymentSpec").path("properties").path("template")
                .path("allOf").get(0).path("$ref").asText()).isEqualTo("#/components/schemas/io.k8s.api.core.v1.PodTemplateSpec");
        assertThat(schemas.has("io.k8s.api.core.v1.Pod")).as("only what apps/v1 refers to").isFalse();
    }

    @Test
    void everyResourceHasItemAndCollectionOperations() throws Exception {
        for (ResourceType type : registry.all()) {
            String gvPath = type.group().isEmpty() ? "api/" + type.version() : "apis/" + type.apiVersion();
            JsonNode paths = parse(gvPath).path("paths");
            String collection = "/" + gvPath + (type.namespaced() ? "/namespaces/{namespace}/" : "/") + type.plural();

            JsonNode item = paths.path(collection + "/{name}");
            for (String method : List.of("get", "put", "delete", "patch")) {
                JsonNode op = item.path(method);
                assertThat(op.isObject()).as("%s %s", method, collection).isTrue();
                assertGvk(op, type.group(), type.version(), type.kind());
                assertThat(op.path("x-kubernetes-action").asText()).isEqualTo(method);
            }
            assertThat(queryParameters(item.path("put"))).contains("fieldValidation", "dryRun", "fieldManager");
            assertThat(queryParameters(item.path("patch"))).contains("fieldValidation", "dryRun", "fieldManager", "force");

            JsonNode post = paths.path(collection).path("post");
            assertGvk(post, type.group(), type.version(), type.kind());
            assertThat(post.path("x-kubernetes-action").asText()).isEqualTo("post");
            assertThat(queryParameters(post)).contains("fieldValidation", "dryRun", "fieldManager");
        }
    }

    @Test
    void clusterScopedPathsHaveNoNamespaceSegment() throws Exception {
        JsonNode paths = parse("api/v1").path("paths");

        assertThat(paths.has("/api/v1/nodes/{name}")).isTrue();
        assertThat(paths.has("/api/v1/namespaces/{name}")).isTrue();
        assertThat(paths.has("/api/v1/namespaces/{namespace}/pods/{name}")).isTrue();
        assertThat(paths.has("/api/v1/namespaces/{namespace}/nodes/{name}")).isFalse();
        assertGvk(paths.path("/api/v1/namespaces/{namespace}/pods/{name}").path("patch"), "", "v1", "Pod");
    }

    private JsonNode parse(String path) throws Exception {
        return MAPPER.readTree(docs.groupVersion(path).orElseThrow().bytes());
    }

    private static void assertGvk(JsonNode op, String group, String version, String kind) {
        JsonNode gvk = op.path("x-kubernetes-group-version-kind");
        assertThat(gvk.path("group").asText()).isEqualTo(group);
        assertThat(gvk.path("version").asText()).isEqualTo(version);
        assertThat(gvk.path("kind").asText()).isEqualTo(kind);
    }

    private static List<String> queryParameters(JsonNode op) {
        List<String> names = new ArrayList<>();
        op.path("parameters").forEach(p -> {
            if (p.path("in").asText().equals("query")) {
                names.add(p.path("name").asText());
            }
        });
        return names;
    }
}
