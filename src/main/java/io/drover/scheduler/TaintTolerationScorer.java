package io.drover.scheduler;

/**
 * kube-scheduler's TaintToleration score: the fewer PreferNoSchedule taints of a node the pod does not tolerate,
 * the better (a soft taint keeps pods away while another node will do). First of the scorers, as its weight of 3
 * is the default profile's highest.
 */
final class TaintTolerationScorer implements Scorer {
    private static final String PREFER_NO_SCHEDULE = "PreferNoSchedule";

    @Override
    public long score(PodInfo pod, NodeInfo node, ClusterSnapshot snapshot) {
        return -node.taints().stream()
                .filter(taint -> taint.effect().equals(PREFER_NO_SCHEDULE))
                .filter(taint -> pod.tolerations().stream().noneMatch(t -> t.tolerates(taint)))
                .count();
    }
}
