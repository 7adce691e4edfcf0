package io.drover.api.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.resource.ResourceRegistry;
import io.drover.api.resource.ResourceType;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

class DiscoveryDocumentsTest {

    private static final String KUBECTL_ACCEPT = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,"
            + "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json";

    private final ResourceRegistry registry = ResourceRegistry.builtin();
    private final DiscoveryDocuments docs = new DiscoveryDocuments(registry);

    @Test
    void coreVersionsListsV1AndTheServerAddress() {
        ObjectNode doc = docs.coreVersions("10.0.0.1:6443");

        assertThat(doc.path("kind").asText()).isEqualTo("APIVersions");
        assertThat(strings(doc.path("versions"))).containsExactly("v1");
        JsonNode cidr = doc.path("serverAddressByClientCIDRs").get(0);
        assertThat(cidr.path("clientCIDR").asText()).isEqualTo("0.0.0.0/0");
        assertThat(cidr.path("serverAddress").asText()).isEqualTo("10.0.0.1:6443");
    }

    @Test
    void groupListHasEveryNonCoreGroupWithPreferredVersionFirst() {
        ObjectNode doc = docs.groupList();

        assertThat(doc.path("kind").asText()).isEqualTo("APIGroupList");
        List<String> names = new ArrayList<>();
        doc.path("groups").forEach(g -> names.add(g.path("name").asText()));
        assertThat(names).containsExactly("apps", "autoscaling", "coordination.k8s.io", "discovery.k8s.io", "node.k8s.io",
                "scheduling.k8s.io", "policy", "rbac.authorization.k8s.io", "events.k8s.io", "authorization.k8s.io", "authentication.k8s.io");

        JsonNode autoscaling = find(doc.path("groups"), "name", "autoscaling");
        List<String> groupVersions = new ArrayList<>();
        autoscaling.path("versions").forEach(v -> groupVersions.add(v.path("groupVersion").asText()));
        assertThat(groupVersions).containsExactly("autoscaling/v2", "autoscaling/v1");
        assertThat(autoscaling.path("preferredVersion").path("groupVersion").asText()).isEqualTo("autoscaling/v2");
        assertThat(autoscaling.path("preferredVersion").path("version").asText()).isEqualTo("v2");
    }

    private static final List<String> STORED_VERBS =
            List.of("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch");

    @Test
    void theSelfReviewsAreListedWithCreateAlone() {
        JsonNode access = find(docs.resourceList("authorization.k8s.io", "v1").orElseThrow().path("resources"),
                "name", "selfsubjectaccessreviews");
        assertThat(access.path("kind").asText()).isEqualTo("SelfSubjectAccessReview");
        assertThat(access.path("namespaced").asBoolean()).isFalse();
        assertThat(strings(access.path("verbs"))).containsExactly("create");
        JsonNode authentication = find(docs.aggregated(false, "v2").path("items"), "metadata", "authentication.k8s.io");
        JsonNode review = find(find(authentication.path("versions"), "version", "v1").path("resources"), "resource",
                "selfsubjectreviews");
        assertThat(review.path("scope").asText()).isEqualTo("Cluster");
        assertThat(strings(review.path("verbs"))).containsExactly("create");
        JsonNode whoami = find(docs.resourceList("authentication.k8s.io", "v1").orElseThrow().path("resources"),
                "name", "selfsubjectreviews");
        assertThat(strings(whoami.path("verbs"))).containsExactly("create");
        assertThat(registry.all()).noneMatch(t -> t.group().startsWith("authorization")
                || t.group().startsWith("authentication"));
    }

    /** Every stored resource's verbs; namespaces have no deletecollection, as in kube-apiserver. */
    private static List<String> expectedVerbs(ResourceType type) {
        if (type.group().isEmpty() && type.plural().equals("namespaces")) {
            return STORED_VERBS.stream().filter(v -> !v.equals("deletecollection")).toList();
        }
        return STORED_VERBS;
    }

    @Test
    void resourceListHasEveryRegistryResourceWithNamesAndCategories() {
        for (ResourceType type : registry.all()) {
            ObjectNode doc = docs.resourceList(type.group(), type.version()).orElseThrow();
            assertThat(doc.path("groupVersion").asText()).isEqualTo(type.apiVersion());
            JsonNode r = find(doc.path("resources"), "name", type.plural());
            assertThat(r.path("singularName").asText()).isEqualTo(type.singular());
            assertThat(r.path("namespaced").asBoolean()).isEqualTo(type.namespaced());
            assertThat(r.path("kind").asText()).isEqualTo(type.kind());
            assertThat(strings(r.path("verbs"))).isEqualTo(expectedVerbs(type));
            assertThat(strings(r.path("shortNames"))).isEqualTo(type.shortNames());
            assertThat(strings(r.path("categories"))).isEqualTo(type.categories());
            assertThat(r.has("categories")).isEqualTo(!type.categories().isEmpty());
            assertThat(r.has("shortNames")).isEqualTo(!type.shortNames().isEmpty());
        }
    }

    @Test
    void resourceListNamesWellKnownShortNames() {
        JsonNode apps = docs.resourceList("apps", "v1").orElseThrow().path("resources");
        JsonNode core = docs.resourceList("", "v1").orElseThrow().path("resources");

        assertThat(strings(find(apps, "name", "deployments").path("shortNames"))).containsExactly("deploy");
        assertThat(strings(find(apps, "name", "deployments").path("categories"))).containsExactly("all");
        assertThat(strings(find(core, "name", "pods").path("shortNames"))).containsExactly("po");
        assertThat(strings(find(core, "name", "services").path("shortNames"))).containsExactly("svc");
    }

    @Test
    void resourceListDescribesSubresourcesAsKubeApiserverDoes() {
        JsonNode apps = docs.resourceList("apps", "v1").orElseThrow().path("resources");
        JsonNode core = docs.resourceList("", "v1").orElseThrow().path("resources");

        JsonNode scale = find(apps, "name", "deployments/scale");
        assertThat(scale.path("group").asText()).isEqualTo("autoscaling");
        assertThat(scale.path("version").asText()).isEqualTo("v1");
        assertThat(scale.path("kind").asText()).isEqualTo("Scale");
        assertThat(scale.path("namespaced").asBoolean()).isTrue();
        assertThat(strings(scale.path("verbs"))).containsExactly("get", "patch", "update");

        JsonNode status = find(apps, "name", "deployments/status");
        assertThat(status.has("group")).isFalse();
        assertThat(status.path("kind").asText()).isEqualTo("Deployment");
        assertThat(strings(status.path("verbs"))).containsExactly("get", "patch", "update");

        assertSubresource(core, "pods/log", "Pod", "get");
        assertSubresource(core, "pods/exec", "PodExecOptions", "create", "get");
        assertSubresource(core, "pods/binding", "Binding", "create");
        assertSubresource(core, "namespaces/finalize", "Namespace", "update");
        JsonNode eviction = assertSubresource(core, "pods/eviction", "Eviction", "create");
        assertThat(eviction.path("group").asText()).isEqualTo("policy");
        assertThat(eviction.path("version").asText()).isEqualTo("v1");
        assertThat(find(core, "name", "nodes/status").path("namespaced").asBoolean()).isFalse();
    }

    @Test
    void resourceListOfAnUnknownGroupVersionIsEmpty() {
        assertThat(docs.resourceList("apps", "v1beta1")).isEmpty();
        assertThat(docs.resourceList("batch", "v1")).isEmpty();
    }

    @Test
    void aggregatedCoreHasOnlyTheCoreGroupNamedEmpty() {
        ObjectNode doc = docs.aggregated(true, "v2");

        assertThat(doc.path("kind").asText()).isEqualTo("APIGroupDiscoveryList");
        assertThat(doc.path("apiVersion").asText()).isEqualTo("apidiscovery.k8s.io/v2");
        assertThat(doc.path("items")).hasSize(1);
        JsonNode core = doc.path("items").get(0);
        assertThat(core.path("metadata").has("name")).isTrue();
        assertThat(core.path("metadata").path("name").asText()).isEmpty();
        JsonNode v1 = core.path("versions").get(0);
        assertThat(v1.path("version").asText()).isEqualTo("v1");
        assertThat(v1.path("freshness").asText()).isEqualTo("Current");
        assertThat(resourceNames(v1)).containsExactlyElementsOf(
                registry.resources("", "v1").stream().map(ResourceType::plural).toList());
    }

    @Test
    void aggregatedGroupsLeaveOutTheCoreGroup() {
        ObjectNode doc = docs.aggregated(false, "v2");

        List<String> names = new ArrayList<>();
        doc.path("items").forEach(i -> names.add(i.path("metadata").path("name").asText()));
        assertThat(names).containsExactly("apps", "autoscaling", "coordination.k8s.io", "discovery.k8s.io", "node.k8s.io",
                "scheduling.k8s.io", "policy", "rbac.authorization.k8s.io", "events.k8s.io", "authorization.k8s.io", "authentication.k8s.io");
        for (JsonNode item : doc.path("items")) {
            for (JsonNode version : item.path("versions")) {
                assertThat(resourceNames(version)).doesNotContain("pods", "services", "namespaces");
            }
        }
    }

    @Test
    void aggregatedHasEveryRegistryResourceWithItsDiscoveryFields() {
        for (ResourceType type : registry.all()) {
            ObjectNode doc = docs.aggregated(type.group().isEmpty(), "v2");
            JsonNode item = find(doc.path("items"), "metadata", type.group());
            JsonNode version = find(item.path("versions"), "version", type.version());
            JsonNode r = find(version.path("resources"), "resource", type.plural());

            assertThat(r.path("responseKind").path("group").asText()).isEqualTo(type.group());
            assertThat(r.path("responseKind").path("version").asText()).isEqualTo(type.version());
            assertThat(r.path("responseKind").path("kind").asText()).isEqualTo(type.kind());
            assertThat(r.path("scope").asText()).isEqualTo(type.namespaced() ? "Namespaced" : "Cluster");
            assertThat(r.path("singularResource").asText()).isEqualTo(type.singular());
            assertThat(strings(r.path("verbs"))).isEqualTo(expectedVerbs(type));
            assertThat(strings(r.path("shortNames"))).isEqualTo(type.shortNames());
            assertThat(strings(r.path("categories"))).isEqualTo(type.categories());
            List<String> subs = new ArrayList<>();
            r.path("subresources").forEach(s -> subs.add(s.path("subresource").asText()));
            assertThat(subs).containsExactlyInAnyOrderElementsOf(type.subresources()).isSorted();
        }
    }

    @Test
    void aggregatedAutoscalingListsV2BeforeV1() {
        JsonNode autoscaling = find(docs.aggregated(false, "v2").path("items"), "metadata", "autoscaling");

        List<String> versions = new ArrayList<>();
        autoscaling.path("versions").forEach(v -> versions.add(v.path("version").asText()));
        assertThat(versions).containsExactly("v2", "v1");
    }

    @Test
    void aggregatedScaleSubresourceAnswersWithAutoscalingV1Scale() {
        JsonNode apps = find(docs.aggregated(false, "v2").path("items"), "metadata", "apps");
        JsonNode deployments = find(apps.path("versions").get(0).path("resources"), "resource", "deployments");
        JsonNode scale = find(deployments.path("subresources"), "subresource", "scale");

        assertThat(scale.path("responseKind").path("group").asText()).isEqualTo("autoscaling");
        assertThat(scale.path("responseKind").path("version").asText()).isEqualTo("v1");
        assertThat(scale.path("responseKind").path("kind").asText()).isEqualTo("Scale");
        assertThat(strings(scale.path("verbs"))).containsExactly("get", "patch", "update");
        assertThat(strings(deployments.path("shortNames"))).containsExactly("deploy");
        assertThat(strings(deployments.path("categories"))).containsExactly("all");
    }

    @Test
    void aggregatedForKubectlsAcceptHeader() {
        assertThat(DiscoveryDocuments.aggregatedVersion(KUBECTL_ACCEPT)).contains("v2");
    }

    @Test
    void aggregatedWhateverTheParameterOrder() {
        assertThat(DiscoveryDocuments.aggregatedVersion("application/json; as=APIGroupDiscoveryList; v=v2; g=apidiscovery.k8s.io"))
                .contains("v2");
        assertThat(DiscoveryDocuments.aggregatedVersion(DiscoveryDocuments.AGGREGATED_CONTENT_TYPE)).contains("v2");
    }

    @Test
    void v2beta1IsStillServedAsKube132ServesIt() {
        assertThat(DiscoveryDocuments.aggregatedVersion(
                "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json")).contains("v2beta1");
        assertThat(docs.aggregated(false, "v2beta1").path("apiVersion").asText()).isEqualTo("apidiscovery.k8s.io/v2beta1");
    }

    @Test
    void theMostPreferredRangeTheServerCanAnswerDecides() {
        assertThat(DiscoveryDocuments.aggregatedVersion("application/json")).isEmpty();
        assertThat(DiscoveryDocuments.aggregatedVersion("application/json, */*")).isEmpty();
        assertThat(DiscoveryDocuments.aggregatedVersion(null)).isEmpty();
        assertThat(DiscoveryDocuments.aggregatedVersion(";")).isEmpty();
        assertThat(DiscoveryDocuments.aggregatedVersion(
                "application/json,application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList")).isEmpty();
        assertThat(DiscoveryDocuments.aggregatedVersion(
                "application/json;g=apidiscovery.k8s.io;v=v3;as=APIGroupDiscoveryList,application/json")).isEmpty();
        assertThat(DiscoveryDocuments.aggregatedVersion(
                "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList;q=0,application/json")).isEmpty();
        assertThat(DiscoveryDocuments.aggregatedVersion(
                "text/html, application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList")).contains("v2");
        assertThat(DiscoveryDocuments.aggregatedVersion(
                "application/json;q=0.5, application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList")).contains("v2");
    }

    private static JsonNode assertSubresource(JsonNode resources, String name, String kind, String... verbs) {
        JsonNode r = find(resources, "name", name);
        assertThat(r.path("kind").asText()).as(name).isEqualTo(kind);
        assertThat(strings(r.path("verbs"))).as(name).containsExactly(verbs);
        return r;
    }

    /** The element of an array whose field (or metadata.name, for "metadata") equals value. */
    private static JsonNode find(JsonNode array, String field, String value) {
        Optional<JsonNode> found = StreamSupport.stream(array.spliterator(), false)
                .filter(n -> field.equals("metadata")
                        ? n.path("metadata").path("name").asText().equals(value)
                        : n.path(field).asText().equals(value))
                .findFirst();
        assertThat(found).as("%s=%s in %s", field, value, array).isPresent();
        return found.orElseThrow();
    }

    private static List<String> resourceNames(JsonNode version) {
        List<String> names = new ArrayList<>();
        version.path("resources").forEach(r -> names.add(r.path("resource").asText()));
        return names;
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(n -> values.add(n.asText()));
        return values;
    }
}
