package io.drover.api.storage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.ApiException;
import io.drover.store.KeyValue;
import io.drover.store.RangeOptions;
import io.drover.store.Store;
import java.util.List;
import java.util.Optional;

/**
 * Kubernetes' Priority admission plugin. For a new pod: its priorityClassName is resolved to the
 * class's value and preemptionPolicy, written into spec.priority and spec.preemptionPolicy; a pod
 * that names none gets the globalDefault class, or priority 0 when there is none. A class that
 * does not exist, or a priority or policy the pod sets itself that differs from the class's, is
 * 403 Forbidden with the plugin's messages. For a PriorityClass written: at most one may be the
 * globalDefault.
 */
final class PriorityAdmission {
    private static final String PREFIX = "/registry/priorityclasses/";
    private static final String DEFAULT_POLICY = "PreemptLowerPriority";

    private final Store store;
    private final ObjectCodec codec;

    PriorityAdmission(Store store, ObjectCodec codec) {
        this.store = store;
        this.codec = codec;
    }

    /** Sets the pod's priority from its class; {@code name} is the one admission errors give it. */
    void admitPod(ObjectNode pod, String name) {
        ObjectNode spec = pod.withObject("spec");
        String className = spec.path("priorityClassName").asText("");
        long priority = 0;
        String policy = DEFAULT_POLICY;
        if (className.isEmpty()) {
            Optional<ObjectNode> globalDefault = globalDefault();
            if (globalDefault.isPresent()) {
                spec.put("priorityClassName", globalDefault.get().path("metadata").path("name").asText());
                priority = globalDefault.get().path("value").asLong();
                policy = globalDefault.get().path("preemptionPolicy").asText(DEFAULT_POLICY);
            }
        } else {
            KeyValue kv = store.get(PREFIX + className).orElseThrow(() -> forbidden(name,
                    "no PriorityClass with name " + className + " was found"));
            ObjectNode priorityClass = codec.decode(kv);
            priority = priorityClass.path("value").asLong();
            policy = priorityClass.path("preemptionPolicy").asText(DEFAULT_POLICY);
        }
        JsonNode given = spec.get("priority");
        if (given != null && !given.isNull() && given.asLong() != priority) {
            throw forbidden(name, "the integer value of priority (" + given.asLong() + ") must not be provided in pod "
                    + "spec; priority admission controller computed " + priority + " from the given PriorityClass name");
        }
        spec.put("priority", priority);
        JsonNode givenPolicy = spec.get("preemptionPolicy");
        if (givenPolicy != null && !givenPolicy.isNull() && !givenPolicy.asText().equals(policy)) {
            throw forbidden(name, "the string value of PreemptionPolicy (" + givenPolicy.asText() + ") must not be "
                    + "provided in pod spec; priority admission controller computed " + policy
                    + " from the given PriorityClass name");
        }
        spec.put("preemptionPolicy", policy);
    }

    /** On a create or an update: another class is already the global default. */
    void admitClass(ObjectNode priorityClass) {
        if (!priorityClass.path("globalDefault").asBoolean(false)) {
            return;
        }
        String name = priorityClass.path("metadata").path("name").asText("");
        Optional<ObjectNode> existing = globalDefault()
                .filter(other -> !other.path("metadata").path("name").asText().equals(name));
        if (existing.isPresent()) {
            throw new ApiException(403, "Forbidden", "priorityclasses.scheduling.k8s.io \"" + name + "\" is forbidden: "
                    + "PriorityClass " + existing.get().path("metadata").path("name").asText()
                    + " is already marked as default. Only one default can exist");
        }
    }

    /** The class marked globalDefault; of several (a race Kubernetes allows too), the lowest value. */
    private Optional<ObjectNode> globalDefault() {
        List<KeyValue> classes = store.range(PREFIX, RangeOptions.all()).kvs();
        ObjectNode chosen = null;
        for (KeyValue kv : classes) {
            ObjectNode pc = codec.decode(kv);
            if (pc.path("globalDefault").asBoolean(false)
                    && (chosen == null || pc.path("value").asLong() < chosen.path("value").asLong())) {
                chosen = pc;
            }
        }
        return Optional.ofNullable(chosen);
    }

    /** An admission plugin's refusal of a pod's create: 403, the pod named as admission errors name it. */
    static ApiException forbidden(String name, String why) {
        return new ApiException(403, "Forbidden", "pods \"" + name + "\" is forbidden: " + why);
    }
}
