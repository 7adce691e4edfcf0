package io.drover.api.strategy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * What kube-apiserver 1.32 does with a new pod's pod affinity terms' matchLabelKeys and mismatchLabelKeys
 * (MatchLabelKeysInPodAffinity, beta and on): each key the pod has a label for becomes a requirement of the term's
 * labelSelector, {@code key In [value]} or {@code key NotIn [value]}. The scheduler then reads the selector alone, so
 * anti-affinity keyed on pod-template-hash compares pods of one ReplicaSet only. A term without a labelSelector
 * selects no pod and is left so.
 */
final class AffinityLabelKeys {
    private AffinityLabelKeys() {}

    static void apply(ObjectNode pod) {
        JsonNode labels = pod.path("metadata").path("labels");
        JsonNode affinity = pod.path("spec").path("affinity");
        for (String kind : List.of("podAffinity", "podAntiAffinity")) {
            JsonNode rules = affinity.path(kind);
            Nodes.objects(rules, "requiredDuringSchedulingIgnoredDuringExecution").forEach(term -> apply(term, labels));
            Nodes.objects(rules, "preferredDuringSchedulingIgnoredDuringExecution")
                    .forEach(weighted -> apply(Nodes.object(weighted, "podAffinityTerm"), labels));
        }
    }

    private static void apply(ObjectNode term, JsonNode labels) {
        if (term == null || !(term.get("labelSelector") instanceof ObjectNode selector)) {
            return;
        }
        add(selector, term.path("matchLabelKeys"), labels, "In");
        add(selector, term.path("mismatchLabelKeys"), labels, "NotIn");
    }

    private static void add(ObjectNode selector, JsonNode keys, JsonNode labels, String operator) {
        for (JsonNode key : keys) {
            JsonNode value = labels.get(key.asText());
            if (value != null && value.isTextual()) {
                var expressions = selector.get("matchExpressions") instanceof com.fasterxml.jackson.databind.node.ArrayNode a
                        ? a : selector.putArray("matchExpressions");
                ObjectNode requirement = expressions.addObject();
                requirement.put("key", key.asText());
                requirement.put("operator", operator);
                requirement.putArray("values").add(value.asText());
            }
        }
    }
}
