package io.drover.workload;

import io.drover.api.resource.GroupVersion;
import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.APIResourceList;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.autoscaling.v1.Scale;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The disruption controller's finders (pkg/controller/disruption's finders()): which controller
 * scales a pod, and to how many replicas, tried in Kubernetes' order. The ReplicaSet of a
 * Deployment counts as its Deployment; another ReplicaSet as itself; anything else is read through
 * its scale subresource, found by discovery as the REST mapper finds it (so a pod a Deployment
 * controls directly counts the Deployment's scale, and a kind without one fails the sync).
 *
 * <p>The ReplicationController and StatefulSet finders are left out: drover serves neither kind,
 * so their pods meet the scale finder, whose mapping fails as Kubernetes' would without them.
 */
final class ControllerScales {
    /** A controller (its uid) and its spec.replicas. */
    record ControllerScale(String uid, int replicas) {}

    private static final List<String> APPS = List.of("apps", "extensions");

    private final KubernetesClient client;
    private final SharedIndexInformer<ReplicaSet> replicaSets;
    private final SharedIndexInformer<Deployment> deployments;

    ControllerScales(KubernetesClient client, SharedIndexInformer<ReplicaSet> replicaSets,
            SharedIndexInformer<Deployment> deployments) {
        this.client = client;
        this.replicaSets = replicaSets;
        this.deployments = deployments;
    }

    /**
     * The controller that scales a pod whose controller reference is {@code ref}; empty when no
     * finder knows it (Kubernetes' "found no controllers").
     *
     * @throws DisruptionController.SyncFailure when a finder fails: an apiVersion that does not parse,
     *     a kind discovery does not know, a resource without the scale subresource
     */
    Optional<ControllerScale> find(OwnerReference ref, String namespace) throws DisruptionController.SyncFailure {
        GroupVersion version = parse(ref.getApiVersion());
        Optional<ControllerScale> found = deploymentOf(version, ref, namespace);
        if (found.isEmpty()) {
            found = replicaSet(version, ref, namespace);
        }
        return found.isPresent() ? found : scaleSubresource(version, ref, namespace);
    }

    /** getPodDeployment: the Deployment that controls the pod's ReplicaSet. */
    private Optional<ControllerScale> deploymentOf(GroupVersion version, OwnerReference ref, String namespace)
            throws DisruptionController.SyncFailure {
        ReplicaSet rs = replicaSetOf(version, ref, namespace);
        OwnerReference owner = rs == null ? null : OwnerRefs.controllerOf(rs).orElse(null);
        if (owner == null || !isKind(parse(owner.getApiVersion()), owner, "Deployment")) {
            return Optional.empty();
        }
        Deployment d = deployments.getStore().getByKey(namespace + "/" + owner.getName());
        if (d == null || !Objects.equals(d.getMetadata().getUid(), owner.getUid())) {
            return Optional.empty();
        }
        return Optional.of(new ControllerScale(d.getMetadata().getUid(),
                Objects.requireNonNullElse(d.getSpec().getReplicas(), 1)));
    }

    /** getPodReplicaSet: a ReplicaSet that no Deployment controls. */
    private Optional<ControllerScale> replicaSet(GroupVersion version, OwnerReference ref, String namespace) {
        ReplicaSet rs = replicaSetOf(version, ref, namespace);
        if (rs == null || OwnerRefs.controllerOf(rs).filter(o -> "Deployment".equals(o.getKind())).isPresent()) {
            return Optional.empty();
        }
        return Optional.of(new ControllerScale(rs.getMetadata().getUid(),
                Objects.requireNonNullElse(rs.getSpec().getReplicas(), 1)));
    }

    private ReplicaSet replicaSetOf(GroupVersion version, OwnerReference ref, String namespace) {
        if (!isKind(version, ref, "ReplicaSet")) {
            return null;
        }
        ReplicaSet rs = replicaSets.getStore().getByKey(namespace + "/" + ref.getName());
        return rs != null && Objects.equals(rs.getMetadata().getUid(), ref.getUid()) ? rs : null;
    }

    /**
     * getScaleController: the kind mapped to its resource by discovery, then its scale subresource
     * read; a resource that has none fails the sync, an object that is gone finds nothing.
     */
    private Optional<ControllerScale> scaleSubresource(GroupVersion version, OwnerReference ref, String namespace)
            throws DisruptionController.SyncFailure {
        APIResourceList served = version.version().isEmpty() ? null : client.getApiResources(version.toString());
        List<APIResource> resources = served == null || served.getResources() == null ? List.of()
                : served.getResources();
        APIResource resource = resources.stream()
                .filter(r -> !r.getName().contains("/") && r.getKind().equals(ref.getKind()))
                .findFirst()
                .orElseThrow(() -> new DisruptionController.SyncFailure("no matches for kind \"" + ref.getKind()
                        + "\" in version \"" + version + "\""));
        String groupResource = version.group().isEmpty() ? resource.getName()
                : resource.getName() + "." + version.group();
        // implementsScale: the resource's scale subresource answers autoscaling's Scale.
        boolean scalable = resources.stream().anyMatch(r -> r.getName().equals(resource.getName() + "/scale")
                && "Scale".equals(r.getKind()));
        if (!scalable) {
            throw new DisruptionController.SyncFailure(groupResource + " does not implement the scale subresource");
        }
        Scale scale;
        try {
            scale = client.genericKubernetesResources(new ResourceDefinitionContext.Builder()
                            .withGroup(version.group()).withVersion(version.version()).withKind(ref.getKind())
                            .withPlural(resource.getName()).withNamespaced(resource.getNamespaced()).build())
                    .inNamespace(namespace).withName(ref.getName()).scale();
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) {
                return Optional.empty();
            }
            throw e;
        }
        if (scale == null || !Objects.equals(scale.getMetadata().getUid(), ref.getUid())) {
            return Optional.empty();
        }
        Integer replicas = scale.getSpec() == null ? null : scale.getSpec().getReplicas();
        return Optional.of(new ControllerScale(scale.getMetadata().getUid(), replicas == null ? 0 : replicas));
    }

    /** verifyGroupKind for the apps kinds: the kind, in apps or extensions. */
    private static boolean isKind(GroupVersion version, OwnerReference ref, String kind) {
        return kind.equals(ref.getKind()) && APPS.contains(version.group());
    }

    private static GroupVersion parse(String apiVersion) throws DisruptionController.SyncFailure {
        String value = Objects.requireNonNullElse(apiVersion, "");
        return GroupVersion.parse(value).orElseThrow(() -> new DisruptionController.SyncFailure(
                "unexpected GroupVersion string: " + value));
    }
}
