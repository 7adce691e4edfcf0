package io.drover.api.resource;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One resource the API server serves in one group version: how clients name it (discovery) and
 * where its objects are stored.
 *
 * @param group the API group, "" for the core group
 * @param version the version within the group, e.g. "v1"
 * @param kind the object kind, e.g. "Deployment"
 * @param plural the resource name in URLs, e.g. "deployments"
 * @param singular the singular name kubectl accepts, e.g. "deployment"
 * @param namespaced whether objects live in a namespace
 * @param shortNames kubectl short names, e.g. "deploy"
 * @param categories categories such as "all"
 * @param subresources the subresources served, e.g. "status", "scale"
 * @param storageResource the resource name under /registry/ in the store; versions of one resource
 *     share it; "" for a resource that is never stored (the self-reviews, answered at once)
 */
public record ResourceType(
        String group,
        String version,
        String kind,
        String plural,
        String singular,
        boolean namespaced,
        List<String> shortNames,
        List<String> categories,
        Set<String> subresources,
        String storageResource) {

    public static final String STATUS = "status";
    public static final String SCALE = "scale";
    public static final String EPHEMERAL_CONTAINERS = "ephemeralcontainers";
    public static final String FINALIZE = "finalize";

    /** The verbs of every stored resource, as discovery lists them. */
    private static final List<String> STORED_VERBS =
            List.of("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch");
    /** Namespaces: kube-apiserver's namespace registry deletes them one by one only (no DeleteCollection). */
    private static final List<String> NAMESPACE_VERBS =
            List.of("create", "delete", "get", "list", "patch", "update", "watch");
    /** What a resource that is never stored serves: a create that answers at once. */
    private static final List<String> CREATE_ONLY = List.of("create");

    public ResourceType {
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(plural, "plural");
        Objects.requireNonNull(singular, "singular");
        shortNames = List.copyOf(shortNames);
        categories = List.copyOf(categories);
        subresources = Set.copyOf(subresources);
        Objects.requireNonNull(storageResource, "storageResource");
    }

    /** Whether objects of this resource are kept in the store; the self-reviews are not. */
    public boolean stored() {
        return !storageResource.isEmpty();
    }

    /** The verbs discovery lists for the resource. */
    public List<String> verbs() {
        if (!stored()) {
            return CREATE_ONLY;
        }
        return group.isEmpty() && plural.equals("namespaces") ? NAMESPACE_VERBS : STORED_VERBS;
    }

    /** "v1" for the core group, "group/version" otherwise, as in an object's apiVersion. */
    public String apiVersion() {
        return group.isEmpty() ? version : group + "/" + version;
    }

    public String listKind() {
        return kind + "List";
    }

    /** "deployments.apps" or "pods": how Kubernetes names the resource in error messages. */
    public String qualifiedName() {
        return group.isEmpty() ? plural : plural + "." + group;
    }

    /**
     * Whether a delete that removes the object answers the deleted object rather than a Status:
     * Kubernetes' registries of pods, services, namespaces and service accounts do (ReturnDeletedObject).
     */
    public boolean deleteAnswersObject() {
        return group.isEmpty() && (plural.equals("pods") || plural.equals("services") || plural.equals("namespaces")
                || plural.equals("serviceaccounts"));
    }

    public boolean hasSubresource(String name) {
        return subresources.contains(name);
    }

    /** The store prefix of every object of this resource. */
    public String storagePrefix() {
        return "/registry/" + storageResource + "/";
    }

    /** The store prefix of the objects in one namespace (the whole resource when cluster-scoped). */
    public String storagePrefix(String namespace) {
        return namespaced && namespace != null ? storagePrefix() + namespace + "/" : storagePrefix();
    }

    /** The store key of one object. */
    public String storageKey(String namespace, String name) {
        return namespaced ? storagePrefix() + namespace + "/" + name : storagePrefix() + name;
    }
}
