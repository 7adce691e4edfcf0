package io.drover.api.discovery;

import io.drover.api.resource.ResourceType;
import java.util.List;

/**
 * How discovery describes one subresource of a resource: the kind it answers with (and takes, for the
 * subresources that are written) and the verbs it serves. The values are those kube-apiserver 1.32
 * publishes for the same subresource.
 *
 * @param name the subresource, e.g. "scale"
 * @param group the group of the response kind, e.g. "autoscaling" for scale
 * @param version the version of the response kind
 * @param kind the response kind, e.g. "Scale"
 * @param verbs the discovery verbs, sorted as kube-apiserver lists them
 */
public record Subresource(String name, String group, String version, String kind, List<String> verbs) {

    private static final List<String> GET_PATCH_UPDATE = List.of("get", "patch", "update");
    private static final List<String> CREATE_GET = List.of("create", "get");
    private static final List<String> CREATE = List.of("create");

    public Subresource {
        verbs = List.copyOf(verbs);
    }

    /** "deployments/status": the name of the subresource in a legacy APIResourceList. */
    String qualifiedName(ResourceType parent) {
        return parent.plural() + "/" + name;
    }

    /** The response kind's group version as an object's apiVersion names it: "v1" in the core group. */
    public String apiVersion() {
        return group.isEmpty() ? version : group + "/" + version;
    }

    /** Whether the response kind lives in another group version than the parent resource. */
    boolean crossesGroupVersion(ResourceType parent) {
        return !group.equals(parent.group()) || !version.equals(parent.version());
    }

    /**
     * The discovery description of a subresource the registry declares for {@code parent}.
     *
     * @throws IllegalArgumentException when drover does not know how Kubernetes describes it
     */
    public static Subresource of(ResourceType parent, String name) {
        String g = parent.group();
        String v = parent.version();
        return switch (name) {
            case ResourceType.STATUS -> new Subresource(name, g, v, parent.kind(), GET_PATCH_UPDATE);
            // Scale is always autoscaling/v1, whatever group the parent is in.
            case ResourceType.SCALE -> new Subresource(name, "autoscaling", "v1", "Scale", GET_PATCH_UPDATE);
            case ResourceType.EPHEMERAL_CONTAINERS -> new Subresource(name, g, v, parent.kind(), GET_PATCH_UPDATE);
            case "log" -> new Subresource(name, g, v, parent.kind(), List.of("get"));
            case "exec" -> new Subresource(name, g, v, "PodExecOptions", CREATE_GET);
            case "attach" -> new Subresource(name, g, v, "PodAttachOptions", CREATE_GET);
            case "portforward" -> new Subresource(name, g, v, "PodPortForwardOptions", CREATE_GET);
            case "binding" -> new Subresource(name, g, v, "Binding", CREATE);
            case "token" -> new Subresource(name, "authentication.k8s.io", "v1", "TokenRequest", CREATE);
            case "eviction" -> new Subresource(name, "policy", "v1", "Eviction", CREATE);
            case "finalize" -> new Subresource(name, g, v, parent.kind(), List.of("update"));
            case "proxy" -> new Subresource(name, g, v, parent.kind() + "ProxyOptions",
                    List.of("create", "delete", "get", "patch", "update"));
            default -> throw new IllegalArgumentException(
                    "subresource: " + parent.qualifiedName() + "/" + name
                            + " (expected: status, scale, ephemeralcontainers, log, exec, attach, portforward, binding, token, eviction, finalize, proxy)");
        };
    }
}
