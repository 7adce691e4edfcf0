package io.drover.scheduler;

/**
 * kube-scheduler's NodeAffinity score: the sum of the weights of the pod's preferred node affinity terms the node
 * matches. Kubernetes then scales the sums to 0-100 across the nodes; scorers here are compared, not added, so the
 * raw sum orders the nodes the same way.
 */
final class NodeAffinityScorer implements Scorer {

    @Override
    public long score(PodInfo pod, NodeInfo node, ClusterSnapshot snapshot) {
        return pod.nodeAffinity().preferredWeight(node);
    }
}
