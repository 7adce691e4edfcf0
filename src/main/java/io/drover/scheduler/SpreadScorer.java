package io.drover.scheduler;

/** Spreads replicas: the fewer pods of the same owner a node already runs, the better. */
final class SpreadScorer implements Scorer {

    @Override
    public long score(PodInfo pod, NodeInfo node, ClusterSnapshot snapshot) {
        return -snapshot.podsOn(node.name()).stream().filter(pod::sameOwnerAs).count();
    }
}
