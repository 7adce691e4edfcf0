package io.drover.controller;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * kube-controller-manager's pod garbage collector, for the pods no node agent will ever finish: a pod bound to a
 * node that does not exist (gcOrphaned: after the node has been missing for 40 seconds and the API server confirms
 * it, so that a node still registering keeps its pods), and a pod being deleted that was never bound
 * (gcUnscheduledTerminating). Both are deleted at once (grace 0), as there, after their status says so: phase Failed
 * (no kubelet will ever write it) and, for the first, the condition DisruptionTarget (DeletionByPodGC, "PodGC: node no
 * longer exists"). Without this a {@code kubectl delete} of such a pod waited forever.
 */
final class PodGarbageCollector implements Reconciler {
    /** kube-controller-manager's quarantineTime: how long a node must be missing before its pods go. */
    static final Duration QUARANTINE = Duration.ofSeconds(40);

    private final KubernetesClient client;
    private final SharedIndexInformer<Pod> pods;
    private final SharedIndexInformer<Node> nodes;
    private final Clock clock;
    /** When each missing node was first found missing. */
    private final Map<String, Instant> missingSince = new ConcurrentHashMap<>();

    PodGarbageCollector(KubernetesClient client, SharedIndexInformer<Pod> pods, SharedIndexInformer<Node> nodes,
            Clock clock) {
        this.client = client;
        this.pods = pods;
        this.nodes = nodes;
        this.clock = clock;
    }

    /** Whether the collector has anything to do with {@code pod}: its key is worth enqueueing. */
    boolean concerns(Pod pod) {
        String node = pod.getSpec() == null ? null : pod.getSpec().getNodeName();
        if (node == null || node.isEmpty()) {
            return pod.getMetadata().getDeletionTimestamp() != null;
        }
        return nodes.getStore().getByKey(node) == null;
    }

    @Override
    public Result reconcile(String key) {
        Pod pod = pods.getStore().getByKey(key);
        if (pod == null || !concerns(pod)) {
            return Result.done();
        }
        String node = pod.getSpec() == null ? null : pod.getSpec().getNodeName();
        if (node == null || node.isEmpty()) {
            // gcUnscheduledTerminating: markFailedAndDeletePod, without a condition
            PodDisruption.mark(client, pod, null, true, clock.instant());
            PodDeletion.now(client, pod);
            return Result.done();
        }
        Instant since = missingSince.computeIfAbsent(node, n -> clock.instant());
        Duration left = QUARANTINE.minus(Duration.between(since, clock.instant()));
        if (!left.isNegative()) {
            return Result.requeueAfter(left.plusMillis(100));
        }
        if (client.nodes().withName(node).get() != null) {
            missingSince.remove(node);
            return Result.done();
        }
        // gcOrphaned: markFailedAndDeletePodWithCondition
        PodDisruption.mark(client, pod, PodDisruption.target("DeletionByPodGC", "PodGC: node no longer exists"), true,
                clock.instant());
        PodDeletion.now(client, pod);
        return Result.done();
    }

    /** Forgets a node that is back: its pods are its agent's again. */
    void nodeSeen(Node node) {
        missingSince.remove(node.getMetadata().getName());
    }

    /**
     * Starts a deleted node's quarantine now, whatever a reconcile that raced with the node's return left behind:
     * its pods get the full 40 seconds.
     */
    void nodeDeleted(Node node) {
        missingSince.put(node.getMetadata().getName(), clock.instant());
    }
}
