package io.drover.scheduler;

import java.util.List;

/** One reason a node may not take a pod, as one kube-scheduler filter plugin. */
interface Filter {

    /** Why {@code node} cannot take {@code pod} (kube-scheduler's wording); empty when it can. */
    List<String> reject(PodInfo pod, NodeInfo node, ClusterSnapshot snapshot);

    /**
     * Whether removing pods from a node could make it take the pod after this filter rejected it with
     * {@code reasons}: kube's status code Unschedulable, where DefaultPreemption looks for victims, rather than
     * UnschedulableAndUnresolvable (the default), where it does not.
     */
    default boolean preemptionMightHelp(List<String> reasons) {
        return false;
    }

    /**
     * This filter for one pod on one snapshot (kube-scheduler's PreFilter): a filter that would otherwise look at
     * every pod of the cluster for every node counts once here and returns a filter that reads its counts.
     * The result is called with the same pod and snapshot.
     */
    default Filter preparedFor(PodInfo pod, ClusterSnapshot snapshot) {
        return this;
    }
}
