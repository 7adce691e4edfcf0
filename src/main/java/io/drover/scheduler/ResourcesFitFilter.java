package io.drover.scheduler;

import java.util.ArrayList;
import java.util.List;

/**
 * The pod's requests (cpu, memory, ephemeral storage and every scalar resource: extended resources,
 * hugepages) must fit in the node's allocatable minus what its pods already request, and
 * one more pod must fit in its allocatable "pods". Every shortfall is a reason, as in kube-scheduler's
 * NodeResourcesFit; a resource the pod does not request is not checked.
 */
final class ResourcesFitFilter implements Filter {

    @Override
    public boolean preemptionMightHelp(List<String> reasons) {
        return true; // NodeResourcesFit (1.32): Unschedulable, even for a request beyond the node's allocatable
    }

    @Override
    public List<String> reject(PodInfo pod, NodeInfo node, ClusterSnapshot snapshot) {
        List<String> reasons = new ArrayList<>();
        if (snapshot.podsOn(node.name()).size() + 1 > node.maxPods()) {
            reasons.add("Too many pods");
        }
        Resources want = pod.requests();
        Resources used = snapshot.requestedOn(node.name());
        Resources has = node.allocatable();
        if (want.milliCpu() > 0 && want.milliCpu() > has.milliCpu() - used.milliCpu()) {
            reasons.add("Insufficient cpu");
        }
        if (want.memory() > 0 && want.memory() > has.memory() - used.memory()) {
            reasons.add("Insufficient memory");
        }
        if (want.ephemeralStorage() > 0 && want.ephemeralStorage() > has.ephemeralStorage() - used.ephemeralStorage()) {
            reasons.add("Insufficient ephemeral-storage");
        }
        // fitsRequest's ScalarResources: a node without the resource has none of it.
        want.scalars().forEach((name, amount) -> {
            if (amount > 0 && amount > has.scalar(name) - used.scalar(name)) {
                reasons.add("Insufficient " + name);
            }
        });
        return reasons;
    }
}
