package io.drover.api.strategy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.ApiException.Cause;
import java.util.ArrayList;
import java.util.List;

/** Pods: the pod spec defaults and checks, and Kubernetes' rule that a pod's spec is all but immutable. */
final class PodStrategy extends KindStrategy {
    private static final String DELETION_COST = "controller.kubernetes.io/pod-deletion-cost";
    private static final String NOT_READY = "node.kubernetes.io/not-ready";
    private static final String UNREACHABLE = "node.kubernetes.io/unreachable";
    static final String UPDATE_FORBIDDEN = "pod updates may not change fields other than "
            + "`spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,"
            + "`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` "
            + "(allow it to be set to 1 if it was previously negative)";

    @Override
    public void applyDefaults(ObjectNode pod) {
        ObjectNode spec = Nodes.object(pod, "spec");
        PodSpecDefaults.apply(spec);
        PodSpecDefaults.applyPodOnly(spec);
        if (spec != null) {
            // The admission plugin runs on updates too: an update that leaves them out keeps them.
            defaultTolerationSeconds(spec);
        }
    }

    /** A new pod's status is Kubernetes' (PrepareForCreate): Pending, with its QoS class; a client's is dropped. */
    @Override
    public void applyCreateDefaults(ObjectNode pod) {
        ObjectNode status = pod.putObject("status");
        status.put("phase", "Pending");
        status.put("qosClass", PodQos.of(pod.path("spec")));
    }

    /**
     * The DefaultTolerationSeconds admission of a pod's create and update: unless it tolerates them already, it
     * tolerates a node not ready or unreachable for 300 s (how long it may stay bound to such a node).
     */
    private static void defaultTolerationSeconds(ObjectNode spec) {
        boolean notReady = false;
        boolean unreachable = false;
        for (ObjectNode toleration : Nodes.objects(spec, "tolerations")) {
            String key = Nodes.text(toleration, "key");
            String effect = Nodes.text(toleration, "effect");
            boolean noExecute = effect.isEmpty() || effect.equals("NoExecute");
            notReady |= noExecute && (key.isEmpty() || key.equals(NOT_READY));
            unreachable |= noExecute && (key.isEmpty() || key.equals(UNREACHABLE));
        }
        List<String> missing = new ArrayList<>();
        if (!notReady) {
            missing.add(NOT_READY);
        }
        if (!unreachable) {
            missing.add(UNREACHABLE);
        }
        for (String key : missing) {
            if (!(spec.get("tolerations") instanceof ArrayNode)) {
                spec.putArray("tolerations");
            }
            ((ArrayNode) spec.get("tolerations")).addObject().put("key", key).put("operator", "Exists")
                    .put("effect", "NoExecute").put("tolerationSeconds", 300);
        }
    }

    @Override
    public List<Cause> validateCreate(ObjectNode pod) {
        List<Cause> causes = new ArrayList<>(validateSpec(pod));
        if (!Nodes.objects(Nodes.object(pod, "spec"), "ephemeralContainers").isEmpty()) {
            causes.add(Causes.forbidden("spec.ephemeralContainers", "cannot be set on create"));
        }
        return causes;
    }

    /** An updated pod's spec is checked as a create's, but may keep the ephemeral containers added since. */
    @Override
    List<Cause> validateUpdated(ObjectNode pod) {
        return validateSpec(pod);
    }

    /** The checks of a pod's spec, its ephemeral containers' included, and of its pod-specific annotations. */
    static List<Cause> validateSpec(ObjectNode pod) {
        List<Cause> causes = new ArrayList<>(PodSpecValidation.validate(pod.get("spec"), "spec"));
        ObjectNode spec = Nodes.object(pod, "spec");
        if (spec != null) {
            causes.addAll(PodEphemeralContainers.validate(spec));
        }
        causes.addAll(deletionCost(pod));
        return causes;
    }

    /**
     * ValidatePodSpecificAnnotations' check of controller.kubernetes.io/pod-deletion-cost (GetDeletionCostFromPodAnnotations):
     * an int32 in decimal, no plus sign, no leading zero.
     */
    private static List<Cause> deletionCost(ObjectNode pod) {
        JsonNode cost = pod.path("metadata").path("annotations").get(DELETION_COST);
        if (cost == null || !cost.isTextual()) {
            return List.of();
        }
        String value = cost.asText();
        // Go's ParseInt takes ASCII digits only, where Java's takes any script's.
        boolean digits = value.matches("-?[0-9]+") && (value.charAt(0) == '-' || value.equals("0")
                || value.charAt(0) != '0');
        try {
            if (digits) {
                Integer.parseInt(value);
                return List.of();
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        return List.of(Causes.invalid("metadata.annotations[" + DELETION_COST + "]", GoValues.quote(value),
                "must be a 32bit integer"));
    }

    @Override
    List<Cause> validateImmutable(ObjectNode oldPod, ObjectNode newPod) {
        List<Cause> causes = new ArrayList<>();
        ObjectNode oldSpec = Nodes.object(oldPod, "spec");
        ObjectNode newSpec = Nodes.object(newPod, "spec");
        if (oldSpec == null || newSpec == null) {
            return causes;
        }
        // Kubernetes' way: take the old spec, carry over what may change, and any remaining difference is refused.
        ObjectNode allowed = oldSpec.deepCopy();
        for (String list : List.of("containers", "initContainers")) {
            List<ObjectNode> from = Nodes.objects(newSpec, list);
            List<ObjectNode> to = Nodes.objects(allowed, list);
            if (from.size() == to.size()) {
                for (int i = 0; i < from.size(); i++) {
                    copy(from.get(i), to.get(i), "image");
                }
            }
        }
        causes.addAll(activeDeadline(oldSpec, newSpec));
        copy(newSpec, allowed, "activeDeadlineSeconds");
        if (containsAll(newSpec.get("tolerations"), oldSpec.get("tolerations"))) {
            copy(newSpec, allowed, "tolerations");
        }
        if (oldSpec.path("terminationGracePeriodSeconds").asLong(0) < 0
                && newSpec.path("terminationGracePeriodSeconds").asLong(0) == 1) {
            copy(newSpec, allowed, "terminationGracePeriodSeconds");
        }
        // drover: its scheduler sets spec.nodeName through an update; Kubernetes allows that only
        // through pods/binding, which drover serves too (PodActions).
        if (Nodes.text(oldSpec, "nodeName").isEmpty()) {
            copy(newSpec, allowed, "nodeName");
        }
        if (!allowed.equals(newSpec)) {
            causes.add(Causes.forbidden("spec", UPDATE_FORBIDDEN));
        }
        return causes;
    }

    private static List<Cause> activeDeadline(ObjectNode oldSpec, ObjectNode newSpec) {
        JsonNode before = oldSpec.get("activeDeadlineSeconds");
        JsonNode after = newSpec.get("activeDeadlineSeconds");
        if (before == null || before.isNull()) {
            return List.of();
        }
        if (after == null || after.isNull()) {
            return List.of(Causes.invalid("spec.activeDeadlineSeconds", "null",
                    "must not update from a positive integer to nil value"));
        }
        if (after.asLong() > before.asLong()) {
            return List.of(Causes.invalid("spec.activeDeadlineSeconds", after.asText(),
                    "must be less than or equal to previous value"));
        }
        return List.of();
    }

    private static void copy(ObjectNode from, ObjectNode to, String field) {
        JsonNode value = from.get(field);
        if (value == null) {
            to.remove(field);
        } else {
            to.set(field, value.deepCopy());
        }
    }

    private static boolean containsAll(JsonNode newList, JsonNode oldList) {
        if (oldList == null || !oldList.isArray()) {
            return true;
        }
        List<JsonNode> remaining = new ArrayList<>();
        if (newList instanceof ArrayNode array) {
            array.forEach(remaining::add);
        }
        for (JsonNode item : oldList) {
            if (!remaining.remove(item)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public List<Cause> validateStatusUpdate(ObjectNode oldObject, ObjectNode newObject) {
        return StatusRules.pod(newObject);
    }
}
