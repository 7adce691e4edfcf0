package io.drover.scheduler;

import io.drover.controller.Keys;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the informers' pods, nodes and namespaces into the scheduler's records, leaving out an object it cannot read, so that
 * one bad object never stops scheduling for everyone.
 *
 * <p>The API server refuses what Kubernetes refuses, but an object it stored before it did (a pod with
 * {@code tolerations: [null]}, a node with {@code taints: [null]}) reaches the scheduler with a null element. Reading
 * it threw, every decision failed with it until the object was deleted, and the controller's retry logged that at
 * debug level only. Such an object is now logged once per resourceVersion and left out: a node that cannot be read
 * takes no pods, a bound pod whose placement rules cannot be read counts against its node with its resources and
 * ports alone, a pending one is not placed, a namespace's labels that cannot be read match no namespaceSelector.
 */
final class SnapshotReader {
    private static final Logger log = LoggerFactory.getLogger(SnapshotReader.class);

    /** "kind key@resourceVersion" of the objects already logged, so a bad object is logged once, not per decision. */
    private final Set<String> reported = ConcurrentHashMap.newKeySet();

    /**
     * The snapshot of {@code nodes} and {@code pods}, with the labels of {@code namespaces}; {@code assumed} gives a
     * pod's record the binding the informer does not show yet.
     */
    ClusterSnapshot snapshot(Collection<Node> nodes, Collection<Pod> pods, Collection<Namespace> namespaces,
            BiFunction<Pod, PodInfo, PodInfo> assumed) {
        List<NodeInfo> nodeInfos = new ArrayList<>();
        nodes.forEach(node -> read(node, NodeInfo::of).ifPresent(nodeInfos::add));
        List<PodInfo> podInfos = new ArrayList<>();
        pods.forEach(pod -> read(pod, PodInfo::of).or(() -> read(pod, PodInfo::accountingOnly))
                .map(info -> assumed.apply(pod, info)).ifPresent(podInfos::add));
        Map<String, Map<String, String>> namespaceLabels = new HashMap<>();
        namespaces.forEach(ns -> read(ns, n -> Map.copyOf(PodInfo.map(n.getMetadata().getLabels())))
                .ifPresent(labels -> namespaceLabels.put(ns.getMetadata().getName(), labels)));
        return ClusterSnapshot.of(nodeInfos, podInfos, namespaceLabels);
    }

    /** What the scheduler needs of one pod; empty, and logged, when it cannot be read. */
    Optional<PodInfo> pod(Pod pod) {
        return read(pod, PodInfo::of);
    }

    private <T extends HasMetadata, R> Optional<R> read(T object, Function<T, R> reader) {
        try {
            return Optional.of(reader.apply(object));
        } catch (RuntimeException e) {
            String version = object.getKind() + " " + Keys.of(object) + "@" + object.getMetadata().getResourceVersion();
            if (reported.add(version)) {
                log.warn("{} cannot be read and is left out of scheduling until it changes: {}", version, e.toString());
            }
            return Optional.empty();
        }
    }
}
