package io.drover.api.strategy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.ApiException.Cause;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What Kubernetes checks on a write through a status subresource: counters that cannot be negative or exceed the
 * total they are part of (ValidateDeploymentStatus, ValidateReplicaSetStatus, the PDB's and HPA's status checks),
 * load-balancer ingress addresses that are addresses (ValidateLoadBalancerStatus), metav1 condition statuses
 * (PDBs, Services) that are True, False or Unknown, and node resources that are not negative (a pod's status: PodStatusRules). Before, any status
 * was stored; a negative replica count or a typeless condition then stayed in what `kubectl get` shows.
 */
final class StatusRules {
    private static final String NOT_NEGATIVE = "must be greater than or equal to 0";
    private static final String AT_MOST_REPLICAS = "cannot be greater than status.replicas";
    private static final List<String> CONDITION_STATUSES = List.of("False", "True", "Unknown");

    private StatusRules() {}

    /** ValidateDeploymentStatusUpdate. */
    static List<Cause> deployment(ObjectNode oldDeployment, ObjectNode deployment) {
        JsonNode status = deployment.path("status");
        List<Cause> causes = nonNegative(status, "observedGeneration", "replicas", "updatedReplicas", "readyReplicas",
                "availableReplicas", "unavailableReplicas", "collisionCount");
        causes.addAll(replicaRelations(status, "updatedReplicas", "readyReplicas", "availableReplicas"));
        JsonNode collisions = status.path("collisionCount");
        JsonNode oldCollisions = oldDeployment.path("status").path("collisionCount");
        if (oldCollisions.isNumber() && (!collisions.isNumber() || collisions.asLong() < oldCollisions.asLong())) {
            causes.add(Causes.invalid("status.collisionCount", collisions.isNumber() ? collisions.asText() : "0",
                    "cannot be decremented"));
        }
        return causes;
    }

    /** ValidateReplicaSetStatus. */
    static List<Cause> replicaSet(ObjectNode replicaSet) {
        JsonNode status = replicaSet.path("status");
        List<Cause> causes = nonNegative(status, "replicas", "fullyLabeledReplicas", "readyReplicas",
                "availableReplicas", "observedGeneration");
        causes.addAll(replicaRelations(status, "fullyLabeledReplicas", "readyReplicas", "availableReplicas"));
        return causes;
    }

    /** ValidatePodDisruptionBudgetStatusUpdate's counters. */
    static List<Cause> podDisruptionBudget(ObjectNode budget) {
        List<Cause> causes = nonNegative(budget.path("status"), "disruptionsAllowed", "currentHealthy",
                "desiredHealthy", "expectedPods");
        causes.addAll(conditions(budget.path("status")));
        return causes;
    }

    /** ValidateHorizontalPodAutoscalerStatusUpdate. */
    static List<Cause> horizontalPodAutoscaler(ObjectNode autoscaler) {
        return nonNegative(autoscaler.path("status"), "currentReplicas", "desiredReplicas");
    }

    /** ValidateServiceStatusUpdate: ValidateLoadBalancerStatus and the status conditions. */
    static List<Cause> service(ObjectNode service) {
        List<Cause> causes = new ArrayList<>();
        List<ObjectNode> ingress = Nodes.objects(service.path("status").path("loadBalancer"), "ingress");
        for (int i = 0; i < ingress.size(); i++) {
            String at = "status.loadBalancer.ingress[" + i + "]";
            String ip = Nodes.text(ingress.get(i), "ip");
            if (!ip.isEmpty() && !PodNetworkValidation.isIp(ip)) {
                causes.add(Causes.invalid(at + ".ip", GoValues.quote(ip), "must be a valid IP address"));
            }
            String hostname = Nodes.text(ingress.get(i), "hostname");
            if (!hostname.isEmpty()) {
                causes.addAll(Causes.invalidEach(at + ".hostname", hostname, NameRules.dns1123Subdomain(hostname)));
                if (PodNetworkValidation.isIp(hostname)) {
                    causes.add(Causes.invalid(at + ".hostname", GoValues.quote(hostname), "must be a DNS name, not an IP "
                            + "address"));
                }
            }
        }
        causes.addAll(conditions(service.path("status")));
        return causes;
    }

    /** ValidateNodeResources: capacity and allocatable are not negative. */
    static List<Cause> node(ObjectNode node) {
        List<Cause> causes = new ArrayList<>();
        for (String list : List.of("capacity", "allocatable")) {
            JsonNode resources = node.path("status").path(list);
            for (Map.Entry<String, JsonNode> resource : resources.properties()) {
                causes.addAll(ResourceNames.value(resource.getKey(), resource.getValue().asText(),
                        "status." + list + "." + resource.getKey()));
            }
        }
        return causes;
    }

    private static List<Cause> nonNegative(JsonNode status, String... fields) {
        List<Cause> causes = new ArrayList<>();
        for (String field : fields) {
            JsonNode value = status.path(field);
            if (value.isNumber() && value.asLong() < 0) {
                causes.add(Causes.invalid("status." + field, value.asText(), NOT_NEGATIVE));
            }
        }
        return causes;
    }

    /** Each counter at most status.replicas, and availableReplicas at most readyReplicas. */
    private static List<Cause> replicaRelations(JsonNode status, String... counters) {
        List<Cause> causes = new ArrayList<>();
        long replicas = status.path("replicas").asLong(0);
        for (String counter : counters) {
            long value = status.path(counter).asLong(0);
            if (value > replicas) {
                causes.add(Causes.invalid("status." + counter, Long.toString(value), AT_MOST_REPLICAS));
            }
        }
        long available = status.path("availableReplicas").asLong(0);
        if (available > status.path("readyReplicas").asLong(0)) {
            causes.add(Causes.invalid("status.availableReplicas", Long.toString(available),
                    "cannot be greater than readyReplicas"));
        }
        return causes;
    }

    /** metav1 ValidateConditions' type and status checks (the conditions of PDBs and Services are metav1.Conditions). */
    private static List<Cause> conditions(JsonNode status) {
        List<Cause> causes = new ArrayList<>();
        List<ObjectNode> conditions = Nodes.objects(status, "conditions");
        for (int i = 0; i < conditions.size(); i++) {
            String at = "status.conditions[" + i + "]";
            String type = Nodes.text(conditions.get(i), "type");
            causes.addAll(Causes.invalidEach(at + ".type", type, NameRules.qualifiedName(type)));
            String value = Nodes.text(conditions.get(i), "status");
            if (!CONDITION_STATUSES.contains(value)) {
                causes.add(Causes.notSupported(at + ".status", GoValues.quote(value), CONDITION_STATUSES));
            }
        }
        return causes;
    }
}
