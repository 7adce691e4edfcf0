package io.drover.scheduler;

import io.drover.pod.PodFields;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the scheduler needs to know about a node, copied out of the API object.
 *
 * <p>A node whose Ready condition is not True carries the taint Kubernetes' node lifecycle
 * controller would give it ({@code node.kubernetes.io/not-ready} or {@code unreachable}, NoSchedule),
 * so only pods that tolerate it land there, and the message names it as kube-scheduler would.
 *
 * @param maxPods the allocatable "pods"; 0 when the node does not report it
 */
public record NodeInfo(String name, Map<String, String> labels, List<Taint> taints, Resources allocatable,
        long maxPods, boolean unschedulable) {
    public static final String NOT_READY = "node.kubernetes.io/not-ready";
    public static final String UNREACHABLE = "node.kubernetes.io/unreachable";
    public static final String UNSCHEDULABLE = "node.kubernetes.io/unschedulable";

    public NodeInfo {
        labels = Map.copyOf(labels);
        taints = List.copyOf(taints);
    }

    public static NodeInfo of(Node node) {
        var spec = node.getSpec();
        var status = node.getStatus();
        List<Taint> taints = new ArrayList<>();
        if (spec != null) {
            PodFields.list(spec.getTaints()).stream().map(Taint::of).forEach(taints::add);
        }
        String ready = status == null ? "" : PodFields.list(status.getConditions()).stream()
                .filter(c -> "Ready".equals(c.getType())).map(NodeCondition::getStatus).findFirst().orElse("");
        if (!ready.equals("True")) {
            String key = ready.equals("Unknown") ? UNREACHABLE : NOT_READY;
            if (taints.stream().noneMatch(t -> t.key().equals(key) && t.effect().equals(Taint.NO_SCHEDULE))) {
                taints.add(new Taint(key, "", Taint.NO_SCHEDULE));
            }
        }
        Map<String, Quantity> allocatable = status == null || status.getAllocatable() == null
                ? Map.of() : status.getAllocatable();
        return new NodeInfo(PodFields.text(node.getMetadata().getName()), PodInfo.map(node.getMetadata().getLabels()),
                taints, Resources.of(allocatable), Resources.value(allocatable.get("pods")),
                spec != null && Boolean.TRUE.equals(spec.getUnschedulable()));
    }
}
