package io.drover.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.drover.api.resource.ResourceRegistry;
import io.drover.api.resource.ResourceType;
import io.drover.controller.ApiClients;
import io.drover.testing.SharedCluster;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Create, get, list, update and delete of every resource the server serves, through fabric8. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EveryResourceCrudIT {
    @RegisterExtension
    static final SharedCluster CLUSTER = new SharedCluster();

    Stream<ResourceType> resources() {
        return ResourceRegistry.builtin().all().stream();
    }

    /** A minimal valid object of each kind. */
    private static Map<String, Object> body(ResourceType type) {
        Map<String, Object> podSpec = Map.of("containers", java.util.List.of(Map.of("name", "app", "image",
                "nginx:1.25")));
        Map<String, Object> template = Map.of("metadata", Map.of("labels", Map.of("app", "crud")), "spec", podSpec);
        return switch (type.kind()) {
            case "Pod" -> Map.of("spec", podSpec);
            case "Deployment", "ReplicaSet" -> Map.of("spec", Map.of("replicas", 1,
                    "selector", Map.of("matchLabels", Map.of("app", "crud")), "template", template));
            case "Service" -> Map.of("spec", Map.of("ports", java.util.List.of(Map.of("port", 80))));
            case "ConfigMap" -> Map.of("data", Map.of("k", "v"));
            case "Secret" -> Map.of("data", Map.of("k", "dg=="));
            case "HorizontalPodAutoscaler" -> type.version().equals("v1")
                    ? Map.of("spec", Map.of("scaleTargetRef", Map.of("apiVersion", "apps/v1", "kind", "Deployment",
                            "name", "web"), "maxReplicas", 3))
                    : Map.of("spec", Map.of("scaleTargetRef", Map.of("apiVersion", "apps/v1", "kind", "Deployment",
                            "name", "web"), "maxReplicas", 3));
            case "Lease" -> Map.of("spec", Map.of("holderIdentity", "me"));
            case "EndpointSlice" -> Map.of("addressType", "IPv4", "endpoints", java.util.List.of());
            case "RuntimeClass" -> Map.of("handler", "crud");
            case "PriorityClass" -> Map.of("value", 1000);
            case "PodDisruptionBudget" -> Map.of("spec", Map.of("minAvailable", 1,
                    "selector", Map.of("matchLabels", Map.of("app", "crud"))));
            case "Role", "ClusterRole" -> Map.of("rules", java.util.List.of(Map.of("apiGroups", java.util.List.of(""),
                    "resources", java.util.List.of("pods"), "verbs", java.util.List.of("get"))));
            case "RoleBinding", "ClusterRoleBinding" -> Map.of("roleRef", Map.of("apiGroup", "rbac.authorization.k8s.io",
                    "kind", "ClusterRole", "name", "view"), "subjects", java.util.List.of(Map.of("kind", "User",
                    "name", "crud")));
            case "Event" -> type.group().equals("events.k8s.io")
                    ? Map.of("regarding", Map.of("kind", "Pod", "name", "x", "namespace", "default"),
                            "reason", "Test", "note", "crud", "action", "Testing", "type", "Normal",
                            "eventTime", "2026-01-01T00:00:00.000000Z",
                            "reportingController", "drover.io/crud", "reportingInstance", "crud-1")
                    : Map.of("involvedObject", Map.of("kind", "Pod", "name", "x", "namespace", "default"),
                            "reason", "Test", "message", "crud");
            default -> Map.of();
        };
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("resources")
    void crud(ResourceType type) {
        var op = CLUSTER.client().genericKubernetesResources(ApiClients.context(type));
        String name = "crud-" + type.version() + "-" + type.singular();
        GenericKubernetesResource object = new GenericKubernetesResourceBuilder()
                .withApiVersion(type.apiVersion()).withKind(type.kind())
                .withNewMetadata().withName(name).addToLabels("suite", "crud").endMetadata()
                .build();
        object.setAdditionalProperties(new java.util.HashMap<>(body(type)));

        NonNamespaceOperation<GenericKubernetesResource, GenericKubernetesResourceList,
                Resource<GenericKubernetesResource>> scoped = type.namespaced() ? op.inNamespace("default") : op;
        GenericKubernetesResource created = scoped.resource(object).create();
        assertThat(created.getMetadata().getUid()).isNotBlank();
        assertThat(created.getKind()).isEqualTo(type.kind());

        GenericKubernetesResource fetched = scoped.withName(name).get();
        assertThat(fetched.getMetadata().getUid()).isEqualTo(created.getMetadata().getUid());
        assertThat(scoped.withLabel("suite", "crud").list().getItems())
                .extracting(o -> o.getMetadata().getName()).contains(name);

        // Controllers may write the object meanwhile (the scheduler marks an unplaceable pod): an edit
        // is a compare-and-swap, so a 409 means "read again and retry", as clients do.
        GenericKubernetesResource updated = null;
        for (int attempt = 0; updated == null; attempt++) {
            try {
                updated = scoped.withName(name).edit(o -> {
                    o.getMetadata().getLabels().put("updated", "yes");
                    return o;
                });
            } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
                if (e.getCode() != 409 || attempt >= 5) {
                    throw e;
                }
            }
        }
        assertThat(updated.getMetadata().getLabels()).containsEntry("updated", "yes");
        assertThat(Long.parseLong(updated.getMetadata().getResourceVersion()))
                .isGreaterThan(Long.parseLong(created.getMetadata().getResourceVersion()));

        scoped.withName(name).delete();
        // A namespace is emptied by its controller before it goes; everything else goes at once.
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
                .until(() -> scoped.withName(name).get() == null);
    }

    /** The kinds whose status Kubernetes' PrepareForCreate resets, and the status a create leaves. */
    static Stream<org.junit.jupiter.params.provider.Arguments> statusResets() {
        return Stream.of(
                org.junit.jupiter.params.provider.Arguments.of("apps/v1", "Deployment", Map.of()),
                org.junit.jupiter.params.provider.Arguments.of("apps/v1", "ReplicaSet", Map.of("replicas", 0)),
                org.junit.jupiter.params.provider.Arguments.of("v1", "Service", Map.of("loadBalancer", Map.of())),
                org.junit.jupiter.params.provider.Arguments.of("policy/v1", "PodDisruptionBudget",
                        Map.of("disruptionsAllowed", 0, "currentHealthy", 0, "desiredHealthy", 0, "expectedPods", 0)),
                org.junit.jupiter.params.provider.Arguments.of("autoscaling/v2", "HorizontalPodAutoscaler",
                        Map.of("desiredReplicas", 0)),
                org.junit.jupiter.params.provider.Arguments.of("v1", "ResourceQuota", Map.of()),
                org.junit.jupiter.params.provider.Arguments.of("v1", "Namespace", Map.of("phase", "Active")));
    }

    /**
     * A status sent on create (an object exported with {@code kubectl get -o yaml} and created again) is
     * dropped for the kinds whose status is a controller's, as Kubernetes' strategies drop it: a quota
     * reading 42/99 or a namespace stuck Terminating would otherwise stay until something rewrote it.
     */
    @ParameterizedTest(name = "{1}")
    @MethodSource("statusResets")
    void statusSentOnCreateIsDropped(String apiVersion, String kind, Map<String, Object> expected) {
        ResourceType type = ResourceRegistry.builtin().all().stream()
                .filter(t -> t.apiVersion().equals(apiVersion) && t.kind().equals(kind)).findFirst().orElseThrow();
        var op = CLUSTER.client().genericKubernetesResources(ApiClients.context(type));
        String name = "status-" + type.singular();
        GenericKubernetesResource object = new GenericKubernetesResourceBuilder()
                .withApiVersion(apiVersion).withKind(kind).withNewMetadata().withName(name).endMetadata().build();
        Map<String, Object> body = new java.util.HashMap<>(body(type));
        body.put("status", Map.of("phase", "Terminating", "replicas", 7, "desiredReplicas", 7, "currentReplicas", 7,
                "expectedPods", 7, "hard", Map.of("pods", "99"), "used", Map.of("pods", "42"),
                "loadBalancer", Map.of("ingress", java.util.List.of(Map.of("ip", "192.0.2.9")))));
        object.setAdditionalProperties(body);
        NonNamespaceOperation<GenericKubernetesResource, GenericKubernetesResourceList,
                Resource<GenericKubernetesResource>> scoped = type.namespaced() ? op.inNamespace("default") : op;
        try {
            GenericKubernetesResource created = scoped.resource(object).create();
            assertThat(created.getAdditionalProperties().get("status")).isEqualTo(expected);
        } finally {
            scoped.withName(name).delete();
        }
    }
}
