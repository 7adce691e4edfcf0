package io.drover.scheduler;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * An immutable picture of the cluster at one moment: its nodes, the pods bound to each that
 * still hold resources (not Succeeded or Failed), and the labels of the namespaces (for the namespaceSelector of pod
 * affinity terms). The scheduler decides from this alone.
 */
public final class ClusterSnapshot {
    private final List<NodeInfo> nodes;
    private final Map<String, List<PodInfo>> podsByNode;
    private final Map<String, Resources> requestedByNode;
    private final Map<String, Map<String, String>> namespaceLabels;

    private ClusterSnapshot(List<NodeInfo> nodes, Map<String, List<PodInfo>> podsByNode,
            Map<String, Map<String, String>> namespaceLabels) {
        this.nodes = nodes;
        this.podsByNode = podsByNode;
        this.namespaceLabels = namespaceLabels;
        this.requestedByNode = podsByNode.entrySet().stream().collect(Collectors.toUnmodifiableMap(Map.Entry::getKey,
                e -> e.getValue().stream().map(PodInfo::requests).reduce(Resources.NONE, Resources::plus)));
    }

    /** Nodes sorted by name; of the pods, only the bound, non-terminal ones are kept. */
    public static ClusterSnapshot of(Collection<NodeInfo> nodes, Collection<PodInfo> pods) {
        return of(nodes, pods, Map.of());
    }

    /** As {@link #of(Collection, Collection)}, with the labels of each namespace by its name. */
    public static ClusterSnapshot of(Collection<NodeInfo> nodes, Collection<PodInfo> pods,
            Map<String, Map<String, String>> namespaceLabels) {
        List<NodeInfo> sorted = nodes.stream().sorted(Comparator.comparing(NodeInfo::name)).toList();
        Map<String, List<PodInfo>> byNode = pods.stream()
                .filter(p -> !p.nodeName().isEmpty() && !p.terminal())
                .collect(Collectors.groupingBy(PodInfo::nodeName,
                        Collectors.collectingAndThen(Collectors.toList(), List::copyOf)));
        Map<String, Map<String, String>> labels = namespaceLabels.entrySet().stream()
                .collect(Collectors.toUnmodifiableMap(Map.Entry::getKey, e -> Map.copyOf(e.getValue())));
        return new ClusterSnapshot(sorted, Map.copyOf(byNode), labels);
    }

    /** This picture with {@code removed} gone from their nodes: what preemption's dry run filters against. */
    ClusterSnapshot without(Collection<PodInfo> removed) {
        Map<String, List<PodInfo>> byNode = podsByNode.entrySet().stream().collect(Collectors.toUnmodifiableMap(
                Map.Entry::getKey, e -> e.getValue().stream().filter(p -> !removed.contains(p)).toList()));
        return new ClusterSnapshot(nodes, byNode, namespaceLabels);
    }

    public List<NodeInfo> nodes() {
        return nodes;
    }

    /** The pods bound to {@code node} that hold resources. */
    public List<PodInfo> podsOn(String node) {
        return podsByNode.getOrDefault(node, List.of());
    }

    /** The sum of the requests of {@link #podsOn}. */
    public Resources requestedOn(String node) {
        return requestedByNode.getOrDefault(node, Resources.NONE);
    }

    /** The labels of namespace {@code name}; none when it is not known (yet). */
    public Map<String, String> namespaceLabels(String name) {
        return namespaceLabels.getOrDefault(name, Map.of());
    }
}
