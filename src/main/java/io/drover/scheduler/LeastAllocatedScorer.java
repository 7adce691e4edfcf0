package io.drover.scheduler;

/**
 * kube-scheduler's LeastAllocated: the mean over cpu and memory of the free share (0-100) the node
 * would have left with the pod on it. As there, a pod that requests no cpu or memory counts as
 * 100m and 200Mi, so pods without requests still spread by load.
 */
final class LeastAllocatedScorer implements Scorer {
    static final long DEFAULT_MILLI_CPU = 100;
    static final long DEFAULT_MEMORY = 200L * 1024 * 1024;

    @Override
    public long score(PodInfo pod, NodeInfo node, ClusterSnapshot snapshot) {
        long cpu = nonZeroCpu(pod);
        long memory = nonZeroMemory(pod);
        for (PodInfo other : snapshot.podsOn(node.name())) {
            cpu += nonZeroCpu(other);
            memory += nonZeroMemory(other);
        }
        return (free(cpu, node.allocatable().milliCpu()) + free(memory, node.allocatable().memory())) / 2;
    }

    private static long nonZeroCpu(PodInfo pod) {
        return pod.requests().milliCpu() == 0 ? DEFAULT_MILLI_CPU : pod.requests().milliCpu();
    }

    private static long nonZeroMemory(PodInfo pod) {
        return pod.requests().memory() == 0 ? DEFAULT_MEMORY : pod.requests().memory();
    }

    private static long free(long requested, long capacity) {
        if (capacity <= 0 || requested > capacity) {
            return 0;
        }
        return (long) ((double) (capacity - requested) * 100 / capacity); // double: no overflow on huge capacities
    }
}
