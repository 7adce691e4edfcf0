package io.drover.scheduler;

/** How much a feasible node suits a pod; higher is better. Scorers are compared in order, not summed. */
interface Scorer {

    long score(PodInfo pod, NodeInfo node, ClusterSnapshot snapshot);
}
