package io.drover.controller;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.TaintBuilder;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The taints the node lifecycle controller owns and what they should be for a node, as its
 * doNoScheduleTaintingPass and doNoExecuteTaintingPass decide them: a NoSchedule taint for each condition in
 * nodeConditionToTaintKeyStatusMap's status (Ready False is not-ready, Unknown unreachable, a pressure True its
 * pressure) and for a cordon, and the one NoExecute taint of the Ready condition (not-ready and unreachable mutually
 * exclusive). Taints anyone else put on the node are left as they are.
 */
final class ConditionTaints {
    static final String NOT_READY = "node.kubernetes.io/not-ready";
    static final String UNREACHABLE = "node.kubernetes.io/unreachable";
    static final String UNSCHEDULABLE = "node.kubernetes.io/unschedulable";
    private static final String NO_SCHEDULE = "NoSchedule";
    private static final String NO_EXECUTE = "NoExecute";

    /** nodeConditionToTaintKeyStatusMap. */
    private static final Map<String, Map<String, String>> CONDITION_TAINT_KEYS = Map.of(
            "Ready", Map.of("False", NOT_READY, "Unknown", UNREACHABLE),
            "MemoryPressure", Map.of("True", "node.kubernetes.io/memory-pressure"),
            "DiskPressure", Map.of("True", "node.kubernetes.io/disk-pressure"),
            "NetworkUnavailable", Map.of("True", "node.kubernetes.io/network-unavailable"),
            "PIDPressure", Map.of("True", "node.kubernetes.io/pid-pressure"));
    private static final Set<String> OWNED_NO_SCHEDULE_KEYS = ownedNoScheduleKeys();

    private ConditionTaints() {
    }

    /** The controller's taints the node should carry, as key:effect. */
    static Set<String> desired(Node node) {
        Set<String> desired = new LinkedHashSet<>();
        for (NodeCondition condition : conditions(node)) {
            String key = CONDITION_TAINT_KEYS.getOrDefault(condition.getType(), Map.of()).get(condition.getStatus());
            if (key != null) {
                desired.add(key + ":" + NO_SCHEDULE);
                if (condition.getType().equals("Ready")) {
                    desired.add(key + ":" + NO_EXECUTE);
                }
            }
        }
        if (node.getSpec() != null && Boolean.TRUE.equals(node.getSpec().getUnschedulable())) {
            desired.add(UNSCHEDULABLE + ":" + NO_SCHEDULE);
        }
        return desired;
    }

    /** The controller's taints the node carries, as key:effect. */
    static Set<String> current(Node node) {
        Set<String> current = new LinkedHashSet<>();
        taints(node).stream().filter(ConditionTaints::owned).forEach(t -> current.add(t.getKey() + ":" + t.getEffect()));
        return current;
    }

    /**
     * The node's taints with the controller's made {@link #desired}: the others kept in place, the ones no longer
     * wanted removed, the new ones appended with timeAdded (SwapNodeControllerTaint stamps every taint it adds).
     */
    static List<Taint> reconciled(Node node, String now) {
        Set<String> desired = desired(node);
        List<Taint> taints = new ArrayList<>(taints(node));
        taints.removeIf(t -> owned(t) && !desired.contains(t.getKey() + ":" + t.getEffect()));
        Set<String> present = current(node);
        for (String wanted : desired) {
            if (!present.contains(wanted)) {
                int colon = wanted.lastIndexOf(':');
                taints.add(new TaintBuilder().withKey(wanted.substring(0, colon)).withEffect(wanted.substring(colon + 1))
                        .withTimeAdded(now).build());
            }
        }
        return taints;
    }

    private static boolean owned(Taint taint) {
        return NO_SCHEDULE.equals(taint.getEffect()) ? OWNED_NO_SCHEDULE_KEYS.contains(taint.getKey())
                : NO_EXECUTE.equals(taint.getEffect()) && (NOT_READY.equals(taint.getKey())
                        || UNREACHABLE.equals(taint.getKey()));
    }

    private static Set<String> ownedNoScheduleKeys() {
        Set<String> keys = new LinkedHashSet<>();
        CONDITION_TAINT_KEYS.values().forEach(byStatus -> keys.addAll(byStatus.values()));
        keys.add(UNSCHEDULABLE);
        return Set.copyOf(keys);
    }

    private static List<NodeCondition> conditions(Node node) {
        return node.getStatus() == null || node.getStatus().getConditions() == null ? List.of()
                : node.getStatus().getConditions();
    }

    private static List<Taint> taints(Node node) {
        return node.getSpec() == null || node.getSpec().getTaints() == null ? List.of() : node.getSpec().getTaints();
    }
}
