package io.drover.api.storage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.validation.Quantities;
import io.drover.store.KeyValue;
import io.drover.store.Store;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Kubernetes' RuntimeClass admission plugin, for a new pod that names a RuntimeClass: the class must exist; its
 * overhead.podFixed becomes the pod's spec.overhead (one the pod sets itself must be the same); its
 * scheduling.nodeSelector is merged into the pod's (a conflicting value is refused) and its tolerations into the
 * pod's (MergeTolerations: one covered by another is dropped). A pod that sets an overhead its class does not define,
 * or that names no class, is refused. Refusals are 403 Forbidden with the plugin's messages.
 */
final class RuntimeClassAdmission {
    private static final String PREFIX = "/registry/runtimeclasses/";

    private final Store store;
    private final ObjectCodec codec;

    RuntimeClassAdmission(Store store, ObjectCodec codec) {
        this.store = store;
        this.codec = codec;
    }

    /** Admit then Validate; {@code name} is the one admission errors give the pod. */
    void admitPod(ObjectNode pod, String name) {
        ObjectNode spec = pod.withObject("spec");
        String className = spec.path("runtimeClassName").asText("");
        Optional<ObjectNode> runtimeClass = Optional.empty();
        if (!className.isEmpty()) {
            KeyValue kv = store.get(PREFIX + className).orElseThrow(() -> PriorityAdmission.forbidden(name,
                    "pod rejected: RuntimeClass \"" + className + "\" not found"));
            runtimeClass = Optional.of(codec.decode(kv));
        }
        JsonNode overhead = runtimeClass.map(rc -> rc.path("overhead").path("podFixed")).orElse(null);
        boolean classOverhead = overhead != null && overhead.isObject();
        boolean podOverhead = spec.path("overhead").isObject() && !spec.path("overhead").isEmpty();
        if (classOverhead) {
            if (podOverhead && !sameResources(overhead, spec.path("overhead"))) {
                throw PriorityAdmission.forbidden(name,
                        "pod rejected: Pod's Overhead doesn't match RuntimeClass's defined Overhead");
            }
            spec.set("overhead", overhead.deepCopy());
        } else if (podOverhead) {
            throw PriorityAdmission.forbidden(name,
                    "pod rejected: Pod Overhead set without corresponding RuntimeClass defined Overhead");
        }
        runtimeClass.map(rc -> rc.path("scheduling")).filter(JsonNode::isObject)
                .ifPresent(scheduling -> schedule(spec, (ObjectNode) scheduling, name));
    }

    /** setScheduling: the class's node selector and tolerations joined to the pod's. */
    private static void schedule(ObjectNode spec, ObjectNode scheduling, String name) {
        JsonNode classSelector = scheduling.path("nodeSelector");
        if (classSelector.isObject() && !classSelector.isEmpty()) {
            ObjectNode selector = spec.withObject("nodeSelector");
            for (Map.Entry<String, JsonNode> entry : classSelector.properties()) {
                JsonNode podValue = selector.get(entry.getKey());
                if (podValue != null && !podValue.asText().equals(entry.getValue().asText())) {
                    throw PriorityAdmission.forbidden(name, "conflict: runtimeClass.scheduling.nodeSelector["
                            + entry.getKey() + "] = "
                            + entry.getValue().asText() + "; pod.spec.nodeSelector[" + entry.getKey() + "] = "
                            + podValue.asText());
                }
                selector.set(entry.getKey(), entry.getValue().deepCopy());
            }
        }
        JsonNode classTolerations = scheduling.path("tolerations");
        if (classTolerations.isArray() && !classTolerations.isEmpty()) {
            List<JsonNode> all = new ArrayList<>();
            spec.path("tolerations").forEach(all::add);
            classTolerations.forEach(all::add);
            ArrayNode merged = spec.putArray("tolerations");
            mergeTolerations(all).forEach(t -> merged.add(t.deepCopy()));
        }
    }

    /** MergeTolerations: each toleration another one covers is left out; of equal ones, the first stays. */
    static List<JsonNode> mergeTolerations(List<JsonNode> all) {
        List<JsonNode> merged = new ArrayList<>();
        next:
        for (int i = 0; i < all.size(); i++) {
            JsonNode t = all.get(i);
            for (JsonNode kept : merged) {
                if (isSuperset(kept, t)) {
                    continue next;
                }
            }
            for (int j = i + 1; j < all.size(); j++) {
                if (!all.get(j).equals(t) && isSuperset(all.get(j), t)) {
                    continue next;
                }
            }
            merged.add(t);
        }
        return merged;
    }

    /** isSuperset: whether toleration {@code ss} tolerates every taint {@code t} does. */
    private static boolean isSuperset(JsonNode ss, JsonNode t) {
        if (ss.equals(t)) {
            return true;
        }
        String ssKey = ss.path("key").asText("");
        String ssOperator = ss.path("operator").asText("");
        String tOperator = t.path("operator").asText("");
        // An empty key with Exists matches all keys and values.
        if (!t.path("key").asText("").equals(ssKey) && (!ssKey.isEmpty() || !ssOperator.equals("Exists"))) {
            return false;
        }
        String ssEffect = ss.path("effect").asText("");
        if (!ssEffect.isEmpty() && !ssEffect.equals(t.path("effect").asText(""))) {
            return false;
        }
        if (ssEffect.equals("NoExecute") && ss.path("tolerationSeconds").isIntegralNumber()) {
            JsonNode tSeconds = t.path("tolerationSeconds");
            if (!tSeconds.isIntegralNumber() || tSeconds.asLong() > ss.path("tolerationSeconds").asLong()) {
                return false;
            }
        }
        return switch (ssOperator) {
            case "Equal", "" -> tOperator.equals("Equal")
                    && t.path("value").asText("").equals(ss.path("value").asText(""));
            case "Exists" -> true;
            default -> false;
        };
    }

    /** Semantic.DeepEqual of two resource lists: the same names, each the same amount. */
    private static boolean sameResources(JsonNode a, JsonNode b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (Iterator<String> names = a.fieldNames(); names.hasNext(); ) {
            String resource = names.next();
            if (!b.has(resource)) {
                return false;
            }
            BigDecimal left = Quantities.value(a.get(resource).asText()).orElse(null);
            BigDecimal right = Quantities.value(b.get(resource).asText()).orElse(null);
            if (left == null || right == null ? !Objects.equals(a.get(resource), b.get(resource))
                    : left.compareTo(right) != 0) {
                return false;
            }
        }
        return true;
    }
}
