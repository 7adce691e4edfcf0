package io.drover.api.strategy;

import io.drover.api.resource.ResourceType;

/** The strategy of each built-in kind, each with the metadata rules every kind follows. */
public final class Strategies {
    private Strategies() {}

    public static ResourceStrategy forType(ResourceType type) {
        return new WithObjectMeta(kind(type));
    }

    private static ResourceStrategy kind(ResourceType type) {
        return switch (type.group() + "/" + type.version() + "/" + type.kind()) {
            case "/v1/Pod" -> new PodStrategy();
            case "/v1/Service" -> new ServiceStrategy();
            case "/v1/Secret" -> new SecretStrategy();
            case "/v1/ConfigMap" -> new ConfigMapStrategy();
            case "/v1/Namespace" -> new NamespaceStrategy();
            case "/v1/Node" -> new SmallKinds.NodeStrategy();
            case "/v1/Endpoints" -> new SmallKinds.EndpointsStrategy();
            case "/v1/LimitRange" -> new SmallKinds.LimitRangeStrategy();
            case "/v1/ResourceQuota" -> new SmallKinds.ResourceQuotaStrategy();
            case "/v1/Event" -> new EventStrategy();
            case "discovery.k8s.io/v1/EndpointSlice" -> new SmallKinds.EndpointSliceStrategy();
            case "coordination.k8s.io/v1/Lease" -> new SmallKinds.LeaseStrategy();
            case "apps/v1/Deployment" -> new DeploymentStrategy();
            case "apps/v1/ReplicaSet" -> new ReplicaSetStrategy();
            case "autoscaling/v2/HorizontalPodAutoscaler" -> new HorizontalPodAutoscalerStrategy(true);
            case "autoscaling/v1/HorizontalPodAutoscaler" -> new HorizontalPodAutoscalerStrategy(false);
            case "policy/v1/PodDisruptionBudget" -> new PodDisruptionBudgetStrategy();
            case "scheduling.k8s.io/v1/PriorityClass" -> new PriorityClassStrategy();
            case "node.k8s.io/v1/RuntimeClass" -> new RuntimeClassStrategy();
            case "rbac.authorization.k8s.io/v1/Role" -> new RbacStrategies.RoleStrategy(true);
            case "rbac.authorization.k8s.io/v1/ClusterRole" -> new RbacStrategies.RoleStrategy(false);
            case "rbac.authorization.k8s.io/v1/RoleBinding" -> new RbacStrategies.BindingStrategy(true);
            case "rbac.authorization.k8s.io/v1/ClusterRoleBinding" -> new RbacStrategies.BindingStrategy(false);
            default -> ResourceStrategy.NONE;
        };
    }
}
