package io.drover.api.strategy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.ApiException.Cause;
import io.drover.json.MetaTime;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/** Pods: the pod spec defaults and checks, and Kubernetes' rule that a pod's spec is all but immutable. */
final class PodStrategy extends KindStrategy {
    private static final String DELETION_COST = "controller.kubernetes.io/pod-deletion-cost";
    private static final String NOT_READY = "node.kubernetes.io/not-ready";
    private static final String UNREACHABLE = "node.kubernetes.io/unreachable";
    static final String GATED_MESSAGE = "Scheduling is blocked due to non-empty scheduling gates";

    private final Clock clock;

    PodStrategy() {
        this(Clock.systemUTC());
    }

    /** @param clock when a gated pod's PodScheduled condition is said to have changed */
    PodStrategy(Clock clock) {
        this.clock = clock;
    }

    @Override
    public void prepareStatusUpdate(ObjectNode stored, ObjectNode next) {
        ObjectNode status = Nodes.objectOrNew(next, "status");
        // podStatusStrategy.PrepareForUpdate: a client that leaves the QoS class out keeps it.
        String qos = Nodes.text(stored.path("status"), "qosClass");
        if (Nodes.text(status, "qosClass").isEmpty() && !qos.isEmpty()) {
            status.put("qosClass", qos);
        }
        PodStatusRules.normalizeAddresses(status, "podIP", "podIPs");
        PodStatusRules.normalizeAddresses(status, "hostIP", "hostIPs");
    }

    @Override
    public void applyDefaults(ObjectNode pod) {
        applyDecodeDefaults(pod);
        ObjectNode spec = Nodes.object(pod, "spec");
        if (spec != null) {
            // The admission plugin runs on updates too: an update that leaves them out keeps them.
            defaultTolerationSeconds(spec);
        }
    }

    /** The v1 defaults; the default tolerations are the DefaultTolerationSeconds admission plugin's. */
    @Override
    public void applyDecodeDefaults(ObjectNode pod) {
        ObjectNode spec = Nodes.object(pod, "spec");
        PodSpecDefaults.apply(spec);
        PodSpecDefaults.applyPodOnly(spec);
    }

    /**
     * A new pod's status is Kubernetes' (PrepareForCreate): Pending, with its QoS class, and, when it has
     * scheduling gates, PodScheduled False with reason SchedulingGated (applySchedulingGatedCondition); a client's
     * status is dropped. A scheduler that binds the pod once its gates are gone replaces that condition.
     */
    @Override
    public void applyCreateDefaults(ObjectNode pod) {
        ObjectNode status = pod.putObject("status");
        status.put("phase", "Pending");
        if (!Nodes.objects(Nodes.object(pod, "spec"), "schedulingGates").isEmpty()) {
            ObjectNode gated = status.putArray("conditions").addObject();
            gated.put("type", "PodScheduled");
            gated.put("status", "False");
            gated.putNull("lastProbeTime");
            gated.put("lastTransitionTime", MetaTime.now(clock));
            gated.put("reason", "SchedulingGated");
            gated.put("message", GATED_MESSAGE);
        }
        status.put("qosClass", PodQos.of(pod.path("spec")));
        AffinityLabelKeys.apply(pod);
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
        ObjectNode spec = Nodes.object(pod, "spec");
        if (!Nodes.objects(spec, "ephemeralContainers").isEmpty()) {
            causes.add(Causes.forbidden("spec.ephemeralContainers", "cannot be set on create"));
        }
        if (!Nodes.text(spec, "nodeName").isEmpty() && !Nodes.objects(spec, "schedulingGates").isEmpty()) {
            causes.add(Causes.forbidden("spec.nodeName", "cannot be set until all schedulingGates have been cleared"));
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
        // validateContainersOnlyForPod: a pod's images (not a template's) have no surrounding whitespace.
        for (String list : List.of("containers", "initContainers")) {
            List<ObjectNode> containers = Nodes.objects(spec, list);
            for (int i = 0; i < containers.size(); i++) {
                causes.addAll(PodUpdateRules.imageWhitespace(Nodes.text(containers.get(i), "image"),
                        "spec." + list + "[" + i + "].image"));
            }
        }
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

    /** ValidatePodUpdate's rules ({@link PodUpdateRules}). */
    @Override
    List<Cause> validateImmutable(ObjectNode oldPod, ObjectNode newPod) {
        ObjectNode oldSpec = Nodes.object(oldPod, "spec");
        ObjectNode newSpec = Nodes.object(newPod, "spec");
        if (oldSpec == null || newSpec == null) {
            return List.of();
        }
        return PodUpdateRules.validate(oldSpec, newSpec);
    }

    @Override
    public List<Cause> validateStatusUpdate(ObjectNode oldObject, ObjectNode newObject) {
        return PodStatusRules.validate(oldObject, newObject);
    }
}
