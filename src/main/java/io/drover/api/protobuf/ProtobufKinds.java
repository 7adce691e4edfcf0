package io.drover.api.protobuf;

import com.google.protobuf.Descriptors.Descriptor;
import io.kubernetes.client.proto.Meta;
import io.kubernetes.client.proto.V1;
import io.kubernetes.client.proto.V1Apps;
import io.kubernetes.client.proto.V1Authentication;
import io.kubernetes.client.proto.V1Authorization;
import io.kubernetes.client.proto.V1Autoscaling;
import io.kubernetes.client.proto.V1Batch;
import io.kubernetes.client.proto.V1Coordination;
import io.kubernetes.client.proto.V1Discovery;
import io.kubernetes.client.proto.V1Events;
import io.kubernetes.client.proto.V1Networking;
import io.kubernetes.client.proto.V1Node;
import io.kubernetes.client.proto.V1Policy;
import io.kubernetes.client.proto.V1Rbac;
import io.kubernetes.client.proto.V1Scheduling;
import io.kubernetes.client.proto.V2Autoscaling;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Which message type an (apiVersion, kind) of a protobuf body is parsed as. The descriptors come from
 * client-java-proto's generated classes; only the descriptors are used, not their parsers (see ProtobufBodies).
 */
final class ProtobufKinds {

    private static final Map<String, Descriptor> KINDS = new LinkedHashMap<>();

    static {
        // Kinds drover serves.
        add("v1", V1.Namespace.getDescriptor());
        add("v1", V1.Pod.getDescriptor());
        add("v1", V1.Service.getDescriptor());
        add("v1", V1.Endpoints.getDescriptor());
        add("v1", V1.ConfigMap.getDescriptor());
        add("v1", V1.Secret.getDescriptor());
        add("v1", V1.Event.getDescriptor());
        add("v1", V1.Node.getDescriptor());
        add("v1", V1.ResourceQuota.getDescriptor());
        add("v1", V1.LimitRange.getDescriptor());
        add("v1", V1.ServiceAccount.getDescriptor());
        add("v1", V1.Binding.getDescriptor());
        add("policy/v1", V1Policy.Eviction.getDescriptor());
        add("apps/v1", V1Apps.Deployment.getDescriptor());
        add("apps/v1", V1Apps.ReplicaSet.getDescriptor());
        add("autoscaling/v1", V1Autoscaling.HorizontalPodAutoscaler.getDescriptor());
        add("autoscaling/v1", V1Autoscaling.Scale.getDescriptor());
        add("autoscaling/v2", V2Autoscaling.HorizontalPodAutoscaler.getDescriptor());
        add("coordination.k8s.io/v1", V1Coordination.Lease.getDescriptor());
        add("discovery.k8s.io/v1", V1Discovery.EndpointSlice.getDescriptor());
        add("node.k8s.io/v1", V1Node.RuntimeClass.getDescriptor());
        add("authorization.k8s.io/v1", V1Authorization.SelfSubjectAccessReview.getDescriptor());
        add("authorization.k8s.io/v1", V1Authorization.SelfSubjectRulesReview.getDescriptor());
        add("authentication.k8s.io/v1", V1Authentication.SelfSubjectReview.getDescriptor());
        add("authentication.k8s.io/v1", V1Authentication.TokenReview.getDescriptor());
        add("authorization.k8s.io/v1", V1Authorization.SubjectAccessReview.getDescriptor());
        add("authorization.k8s.io/v1", V1Authorization.LocalSubjectAccessReview.getDescriptor());
        // Other kinds kubectl's typed generators post (create job|cronjob|ingress|role|...|token); decoding them
        // costs nothing, serving them is up to the resource registry.
        add("events.k8s.io/v1", V1Events.Event.getDescriptor());
        add("apps/v1", V1Apps.DaemonSet.getDescriptor());
        add("apps/v1", V1Apps.StatefulSet.getDescriptor());
        add("batch/v1", V1Batch.Job.getDescriptor());
        add("batch/v1", V1Batch.CronJob.getDescriptor());
        add("networking.k8s.io/v1", V1Networking.Ingress.getDescriptor());
        add("rbac.authorization.k8s.io/v1", V1Rbac.Role.getDescriptor());
        add("rbac.authorization.k8s.io/v1", V1Rbac.RoleBinding.getDescriptor());
        add("rbac.authorization.k8s.io/v1", V1Rbac.ClusterRole.getDescriptor());
        add("rbac.authorization.k8s.io/v1", V1Rbac.ClusterRoleBinding.getDescriptor());
        add("policy/v1", V1Policy.PodDisruptionBudget.getDescriptor());
        add("scheduling.k8s.io/v1", V1Scheduling.PriorityClass.getDescriptor());
        add("authentication.k8s.io/v1", V1Authentication.TokenRequest.getDescriptor());
    }

    private ProtobufKinds() {
    }

    private static void add(String apiVersion, Descriptor message) {
        KINDS.put(apiVersion + "/" + message.getName(), message);
    }

    /**
     * The message type to parse (apiVersion, kind) as, or null. {@code DeleteOptions} is registered in every
     * group version (metav1.AddToGroupVersion), so it is accepted under any apiVersion.
     */
    static Descriptor messageFor(String apiVersion, String kind) {
        if (kind.equals("DeleteOptions") && !apiVersion.isEmpty()) {
            return Meta.DeleteOptions.getDescriptor();
        }
        return KINDS.get(apiVersion + "/" + kind);
    }

    static Map<String, Descriptor> all() {
        return KINDS;
    }
}
