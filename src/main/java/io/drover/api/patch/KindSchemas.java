package io.drover.api.patch;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The patch schemas of drover's built-in kinds, transcribed from the {@code patchStrategy}/{@code patchMergeKey}
 * struct tags of k8s.io/api (core/v1, apps/v1, autoscaling/v2) and k8s.io/apimachinery meta/v1. Only tagged
 * fields appear: every other list in these types is {@code +listType=atomic} or untagged and so is replaced
 * (tolerations, envFrom, resizePolicy, Endpoints subsets, LimitRange limits, EndpointSlice endpoints, …).
 * {@code patchStrategy:"retainKeys"} (Deployment spec.strategy, PodSpec volumes) only shapes the patches a client
 * computes; the {@code $retainKeys} directive it sends is honoured wherever it appears, so it needs no entry here.
 */
final class KindSchemas {
    private KindSchemas() {}

    /** A port's protocol when it names none, its OpenAPI default: server-side apply keys ports by it. */
    private static final Map<String, String> PROTOCOL_DEFAULT = Map.of("protocol", "TCP");

    /** An object whose {@code labelSelector}/{@code selector} is a metav1.LabelSelector ({@code +structType=atomic}). */
    private static final PatchSchema LABEL_SELECTOR_HOLDER = PatchSchema.builder()
            .atomic("labelSelector")
            .atomic("selector")
            .build();

    /** ObjectMeta: finalizers are a set, owner references merge by uid. */
    static final PatchSchema OBJECT_META = PatchSchema.builder()
            .mergeValues("finalizers")
            .mergeByKey("ownerReferences", "uid")
            .build();

    /** Container and EphemeralContainerCommon share these tags. */
    static final PatchSchema CONTAINER = PatchSchema.builder()
            .mergeByKeys("ports", "containerPort", List.of("containerPort", "protocol"), PROTOCOL_DEFAULT,
                    PatchSchema.none())
            .mergeByKey("env", "name")
            .mergeByKey("volumeMounts", "mountPath")
            .mergeByKey("volumeDevices", "devicePath")
            .build();

    static final PatchSchema POD_SPEC = PatchSchema.builder()
            .mergeByKey("volumes", "name")
            .mergeByKey("initContainers", "name", CONTAINER)
            .mergeByKey("containers", "name", CONTAINER)
            .mergeByKey("ephemeralContainers", "name", CONTAINER)
            .mergeByKey("imagePullSecrets", "name")
            .mergeByKey("hostAliases", "ip")
            .mergeByKeys("topologySpreadConstraints", "topologyKey", List.of("topologyKey", "whenUnsatisfiable"),
                    Map.of(), LABEL_SELECTOR_HOLDER)
            .atomic("nodeSelector")
            .mergeByKey("schedulingGates", "name")
            .mergeByKey("resourceClaims", "name")
            .build();

    /** Container statuses are atomic lists, but their elements carry merge lists of their own. */
    static final PatchSchema CONTAINER_STATUS = PatchSchema.builder()
            .mergeByKey("volumeMounts", "mountPath")
            .mergeByKey("allocatedResourcesStatus", "name")
            .build();

    static final PatchSchema POD_STATUS = PatchSchema.builder()
            .mergeByKey("conditions", "type")
            .mergeByKey("hostIPs", "ip")
            .mergeByKey("podIPs", "ip")
            .mergeByKey("resourceClaimStatuses", "name")
            .nested("containerStatuses", CONTAINER_STATUS)
            .nested("initContainerStatuses", CONTAINER_STATUS)
            .nested("ephemeralContainerStatuses", CONTAINER_STATUS)
            .build();

    static final PatchSchema POD_TEMPLATE = PatchSchema.builder()
            .nested("metadata", OBJECT_META)
            .nested("spec", POD_SPEC)
            .build();

    /** Status types whose only merge list is {@code conditions}, merged by type. */
    static final PatchSchema CONDITIONS_STATUS = PatchSchema.builder().mergeByKey("conditions", "type").build();

    /** Deployment and ReplicaSet: the spec holds a pod template; the label selector is atomic. */
    static final PatchSchema TEMPLATED_SPEC = PatchSchema.builder()
            .nested("template", POD_TEMPLATE)
            .atomic("selector")
            .build();

    /** A Service's selector is {@code +mapType=atomic}: one manager's pod set, never a merge of two. */
    static final PatchSchema SERVICE_SPEC = PatchSchema.builder()
            .mergeByKeys("ports", "port", List.of("port", "protocol"), PROTOCOL_DEFAULT, PatchSchema.none())
            .atomic("selector")
            .build();

    static final PatchSchema PDB_SPEC = LABEL_SELECTOR_HOLDER;

    static final PatchSchema NODE_SPEC = PatchSchema.builder().mergeValues("podCIDRs").build();

    static final PatchSchema NODE_STATUS = PatchSchema.builder()
            .mergeByKey("conditions", "type")
            .mergeByKey("addresses", "type")
            .build();

    private static final Map<String, PatchSchema> BY_KIND = new HashMap<>();

    static {
        PatchSchema metaOnly = object(null, null).build();
        register("v1", "Pod", object(POD_SPEC, POD_STATUS).build());
        register("apps/v1", "Deployment", object(TEMPLATED_SPEC, CONDITIONS_STATUS).build());
        register("apps/v1", "ReplicaSet", object(TEMPLATED_SPEC, CONDITIONS_STATUS).build());
        register("v1", "Service", object(SERVICE_SPEC, CONDITIONS_STATUS).build());
        register("v1", "Node", object(NODE_SPEC, NODE_STATUS).build());
        register("v1", "Namespace", object(null, CONDITIONS_STATUS).build());
        register("v1", "ServiceAccount", object(null, null).mergeByKey("secrets", "name").build());
        register("autoscaling/v2", "HorizontalPodAutoscaler", object(null, CONDITIONS_STATUS).build());
        // autoscaling/v1 keeps its conditions in an annotation, so it has no merge list.
        register("autoscaling/v1", "HorizontalPodAutoscaler", metaOnly);
        for (String kind : new String[] {"ConfigMap", "Secret", "Endpoints", "Event", "ResourceQuota", "LimitRange"}) {
            register("v1", kind, metaOnly);
        }
        register("events.k8s.io/v1", "Event", metaOnly);
        register("coordination.k8s.io/v1", "Lease", metaOnly);
        register("discovery.k8s.io/v1", "EndpointSlice", metaOnly);
        register("node.k8s.io/v1", "RuntimeClass", metaOnly);
        register("policy/v1", "PodDisruptionBudget", object(PDB_SPEC, CONDITIONS_STATUS).build());
        register("scheduling.k8s.io/v1", "PriorityClass", metaOnly);
        // rules, subjects and roleRef have no merge keys: lists are replaced whole.
        for (String kind : new String[] {"Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"}) {
            register("rbac.authorization.k8s.io/v1", kind, metaOnly);
        }
    }

    static Optional<PatchSchema> find(String apiVersion, String kind) {
        return Optional.ofNullable(BY_KIND.get(apiVersion + "/" + kind));
    }

    private static PatchSchema.Builder object(PatchSchema spec, PatchSchema status) {
        PatchSchema.Builder b = PatchSchema.builder().nested("metadata", OBJECT_META);
        if (spec != null) {
            b.nested("spec", spec);
        }
        if (status != null) {
            b.nested("status", status);
        }
        return b;
    }

    private static void register(String apiVersion, String kind, PatchSchema schema) {
        BY_KIND.put(apiVersion + "/" + kind, schema);
    }
}
