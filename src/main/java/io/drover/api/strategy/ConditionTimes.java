package io.drover.api.strategy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.resource.ResourceType;
import java.util.List;
import java.util.Map;

/**
 * The time fields of a kind's status conditions that Go always writes: they are metav1.Time structs, which
 * encoding/json writes even under omitempty, as {@code null} when zero. A pod's conditions read back with
 * {@code lastProbeTime: null}, as kube-apiserver answers them, whoever wrote them without it.
 */
public final class ConditionTimes {
    /** apiVersion/kind to the time fields of its status.conditions (k8s.io/api's condition types). */
    private static final Map<String, List<String>> TIME_FIELDS = Map.of(
            "v1/Pod", List.of("lastProbeTime", "lastTransitionTime"),
            "v1/Node", List.of("lastHeartbeatTime", "lastTransitionTime"),
            "v1/Namespace", List.of("lastTransitionTime"),
            "apps/v1/Deployment", List.of("lastUpdateTime", "lastTransitionTime"),
            "apps/v1/ReplicaSet", List.of("lastTransitionTime"),
            "autoscaling/v2/HorizontalPodAutoscaler", List.of("lastTransitionTime"));

    private ConditionTimes() {}

    /** Adds each missing time field of the object's status conditions as null. */
    public static void fill(ResourceType type, ObjectNode object) {
        List<String> fields = TIME_FIELDS.get(type.apiVersion() + "/" + type.kind());
        if (fields == null) {
            return;
        }
        for (JsonNode condition : object.path("status").path("conditions")) {
            if (condition instanceof ObjectNode c) {
                fields.forEach(field -> {
                    if (!c.has(field)) {
                        c.putNull(field);
                    }
                });
            }
        }
    }
}
