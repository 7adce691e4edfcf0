package io.drover.scheduler;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * An immutable picture of the cluster at one moment: its nodes, and the pods bound to each that
 * still hold resources (not Succeeded or Failed). The scheduler decides from this alone.
 */
public final class ClusterSnapshot {
    private final List<NodeInfo> nodes;
    private final Map<String, List<PodInfo>> podsByNode;
    private final Map<String, Resources> requestedByNode;

    private ClusterSnapshot(List<NodeInfo> nodes, Map<String, List<PodInfo>> podsByNode) {
        this.nodes = nodes;
        this.podsByNode = podsByNode;
        this.requestedByNode = podsByNode.entrySet().stream().collect(Collectors.toUnmodifiableMap(Map.Entry::getKey,
                e -> e.getValue().stream().map(PodInfo::requests).reduce(Resources.NONE, Resources::plus)));
    }

    /** Nodes sorted by name; of the pods, only the bound, non-terminal ones are kept. */
    public static ClusterSnapshot of(Collection<NodeInfo> nodes, Collection<PodInfo> pods) {
        List<NodeInfo> sorted = nodes.stream().sorted(Comparator.comparing(NodeInfo::name)).toList();
        Map<String, List<PodInfo>> byNode = pods.stream()
                .filter(p -> !p.nodeName().isEmpty() && !p.terminal())
                .collect(Collectors.groupingBy(PodInfo::nodeName,
                        Collectors.collectingAndThen(Collectors.toList(), List::copyOf)));
        return new ClusterSnapshot(sorted, Map.copyOf(byNode));
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
}
