package io.drover.api.resource;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The resources the API server serves, by group, version and plural name. The order of
 * registration is the order of discovery documents; within a group the first version registered is
 * the preferred one.
 */
public final class ResourceRegistry {

    private final Map<String, ResourceType> byPath = new LinkedHashMap<>();

    private ResourceRegistry() {}

    /** Every built-in resource of drover, as Kubernetes defines them. */
    public static ResourceRegistry builtin() {
        ResourceRegistry r = new ResourceRegistry();
        Set<String> status = Set.of(ResourceType.STATUS);
        Set<String> none = Set.of();
        List<String> all = List.of("all");
        List<String> noNames = List.of();

        // core/v1
        r.add(new ResourceType("", "v1", "Namespace", "namespaces", "namespace", false, List.of("ns"), noNames,
                Set.of(ResourceType.STATUS, ResourceType.FINALIZE), "namespaces"));
        r.add(new ResourceType("", "v1", "Pod", "pods", "pod", true, List.of("po"), all,
                Set.of(ResourceType.STATUS, "log", "exec", "attach", "portforward", "binding", "eviction", "proxy",
                        ResourceType.EPHEMERAL_CONTAINERS), "pods"));
        r.add(new ResourceType("", "v1", "Service", "services", "service", true, List.of("svc"), all,
                Set.of(ResourceType.STATUS, "proxy"), "services"));
        r.add(new ResourceType("", "v1", "Endpoints", "endpoints", "endpoints", true, List.of("ep"), noNames, none,
                "endpoints"));
        r.add(new ResourceType("", "v1", "ConfigMap", "configmaps", "configmap", true, List.of("cm"), noNames, none,
                "configmaps"));
        r.add(new ResourceType("", "v1", "Secret", "secrets", "secret", true, noNames, noNames, none, "secrets"));
        r.add(new ResourceType("", "v1", "Event", "events", "event", true, List.of("ev"), noNames, none, "events"));
        r.add(new ResourceType("", "v1", "Node", "nodes", "node", false, List.of("no"), noNames, status, "nodes"));
        r.add(new ResourceType("", "v1", "ResourceQuota", "resourcequotas", "resourcequota", true, List.of("quota"),
                noNames, status, "resourcequotas"));
        r.add(new ResourceType("", "v1", "LimitRange", "limitranges", "limitrange", true, List.of("limits"), noNames,
                none, "limitranges"));
        r.add(new ResourceType("", "v1", "ServiceAccount", "serviceaccounts", "serviceaccount", true, List.of("sa"),
                noNames, Set.of("token"), "serviceaccounts"));
        // The legacy form of pods/binding (kube-apiserver's LegacyBinding): the pod is named in the body.
        r.add(new ResourceType("", "v1", "Binding", "bindings", "binding", true, noNames, noNames, none, ""));

        // apps/v1
        Set<String> statusAndScale = Set.of(ResourceType.STATUS, ResourceType.SCALE);
        r.add(new ResourceType("apps", "v1", "Deployment", "deployments", "deployment", true, List.of("deploy"), all,
                statusAndScale, "deployments"));
        r.add(new ResourceType("apps", "v1", "ReplicaSet", "replicasets", "replicaset", true, List.of("rs"), all,
                statusAndScale, "replicasets"));

        // autoscaling: v2 is stored and preferred; v1 is what `kubectl autoscale` posts.
        r.add(new ResourceType("autoscaling", "v2", "HorizontalPodAutoscaler", "horizontalpodautoscalers",
                "horizontalpodautoscaler", true, List.of("hpa"), all, status, "horizontalpodautoscalers"));
        r.add(new ResourceType("autoscaling", "v1", "HorizontalPodAutoscaler", "horizontalpodautoscalers",
                "horizontalpodautoscaler", true, List.of("hpa"), all, status, "horizontalpodautoscalers"));

        r.add(new ResourceType("coordination.k8s.io", "v1", "Lease", "leases", "lease", true, noNames, noNames, none,
                "leases"));
        r.add(new ResourceType("discovery.k8s.io", "v1", "EndpointSlice", "endpointslices", "endpointslice", true,
                noNames, noNames, none, "endpointslices"));
        r.add(new ResourceType("node.k8s.io", "v1", "RuntimeClass", "runtimeclasses", "runtimeclass", false, noNames,
                noNames, none, "runtimeclasses"));
        // Pods' priorities (PodPriorityAdmission); drover's scheduler does not preempt.
        r.add(new ResourceType("scheduling.k8s.io", "v1", "PriorityClass", "priorityclasses", "priorityclass", false,
                List.of("pc"), noNames, none, "priorityclasses"));
        // Guarded by the eviction subresource (PodActions); status from the disruption controller.
        r.add(new ResourceType("policy", "v1", "PodDisruptionBudget", "poddisruptionbudgets", "poddisruptionbudget",
                true, List.of("pdb"), noNames, status, "poddisruptionbudgets"));
        // RBAC objects are stored and served as Kubernetes serves them; drover authorizes every
        // authenticated request (kube-apiserver's AlwaysAllow mode), so they grant nothing yet.
        String rbac = "rbac.authorization.k8s.io";
        r.add(new ResourceType(rbac, "v1", "ClusterRoleBinding", "clusterrolebindings", "clusterrolebinding", false,
                noNames, noNames, none, "clusterrolebindings"));
        r.add(new ResourceType(rbac, "v1", "ClusterRole", "clusterroles", "clusterrole", false, noNames, noNames, none,
                "clusterroles"));
        r.add(new ResourceType(rbac, "v1", "RoleBinding", "rolebindings", "rolebinding", true, noNames, noNames, none,
                "rolebindings"));
        r.add(new ResourceType(rbac, "v1", "Role", "roles", "role", true, noNames, noNames, none, "roles"));
        // The core Events under the names of client-go's newer event recorder (ServedVersion converts).
        r.add(new ResourceType("events.k8s.io", "v1", "Event", "events", "event", true, List.of("ev"), noNames, none,
                "events"));

        // What a client may do and who it is (kubectl auth can-i, auth whoami): answered, never stored.
        r.add(new ResourceType("authorization.k8s.io", "v1", "SelfSubjectAccessReview", "selfsubjectaccessreviews",
                "selfsubjectaccessreview", false, noNames, noNames, none, ""));
        r.add(new ResourceType("authorization.k8s.io", "v1", "SelfSubjectRulesReview", "selfsubjectrulesreviews",
                "selfsubjectrulesreview", false, noNames, noNames, none, ""));
        r.add(new ResourceType("authentication.k8s.io", "v1", "SelfSubjectReview", "selfsubjectreviews",
                "selfsubjectreview", false, noNames, noNames, none, ""));
        // What a service asks about its own clients (an authenticating proxy's token and access checks).
        r.add(new ResourceType("authentication.k8s.io", "v1", "TokenReview", "tokenreviews", "tokenreview", false,
                noNames, noNames, none, ""));
        r.add(new ResourceType("authorization.k8s.io", "v1", "SubjectAccessReview", "subjectaccessreviews",
                "subjectaccessreview", false, noNames, noNames, none, ""));
        r.add(new ResourceType("authorization.k8s.io", "v1", "LocalSubjectAccessReview", "localsubjectaccessreviews",
                "localsubjectaccessreview", true, noNames, noNames, none, ""));
        return r;
    }

    private void add(ResourceType type) {
        String path = path(type.group(), type.version(), type.plural());
        if (byPath.putIfAbsent(path, type) != null) {
            throw new IllegalStateException("resource registered twice: " + path);
        }
    }

    private static String path(String group, String version, String plural) {
        return group + "/" + version + "/" + plural;
    }

    public Optional<ResourceType> find(String group, String version, String plural) {
        return Optional.ofNullable(byPath.get(path(group, version, plural)));
    }

    /** The resource of a kind in a group version, e.g. for an object's apiVersion and kind. */
    public Optional<ResourceType> findKind(String apiVersion, String kind) {
        return byPath.values().stream()
                .filter(t -> t.apiVersion().equals(apiVersion) && t.kind().equals(kind))
                .findFirst();
    }

    /** The stored resources: what controllers list, watch, collect and delete with a namespace. */
    public List<ResourceType> all() {
        return byPath.values().stream().filter(ResourceType::stored).toList();
    }

    /** The groups, in registration order; "" is the core group. */
    public List<String> groups() {
        Set<String> groups = new LinkedHashSet<>();
        byPath.values().forEach(t -> groups.add(t.group()));
        return new ArrayList<>(groups);
    }

    /** The versions of a group, preferred first. */
    public List<String> versions(String group) {
        Set<String> versions = new LinkedHashSet<>();
        byPath.values().stream().filter(t -> t.group().equals(group)).forEach(t -> versions.add(t.version()));
        return new ArrayList<>(versions);
    }

    /** The resources of one group version, in registration order. */
    public List<ResourceType> resources(String group, String version) {
        return byPath.values().stream()
                .filter(t -> t.group().equals(group) && t.version().equals(version))
                .toList();
    }
}
