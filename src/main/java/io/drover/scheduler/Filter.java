package io.drover.scheduler;

import java.util.List;

/** One reason a node may not take a pod, as one kube-scheduler filter plugin. */
interface Filter {

    /** Why {@code node} cannot take {@code pod} (kube-scheduler's wording); empty when it can. */
    List<String> reject(PodInfo pod, NodeInfo node, ClusterSnapshot snapshot);
}
