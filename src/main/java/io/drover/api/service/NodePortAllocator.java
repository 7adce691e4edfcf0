package io.drover.api.service;

import io.drover.agent.ports.PortRange;
import java.util.Optional;
import java.util.Set;

/**
 * Picks and checks NodePorts against the ports already taken (a set this allocator adds to), as
 * kube-apiserver's portallocator.
 */
final class NodePortAllocator {
    /** kube-apiserver's {@code --service-node-port-range} default. */
    static final PortRange DEFAULT_RANGE = new PortRange(30000, 32767);

    private final PortRange range;
    private final Set<Integer> taken;

    NodePortAllocator(PortRange range, Set<Integer> taken) {
        this.range = range;
        this.taken = taken;
    }

    /**
     * Takes {@code port}; or says why it cannot be had, worded as Kubernetes' portallocator errors.
     */
    Optional<String> claim(int port) {
        if (!range.contains(port)) {
            return Optional.of("provided port is not in the valid range. The range of valid ports is "
                    + range.first() + "-" + range.last());
        }
        return taken.add(port) ? Optional.empty() : Optional.of("provided port is already allocated");
    }

    /**
     * Takes a free port, upper band first as Kubernetes does since 1.27 (the lower band is for ports asked
     * for by number); empty when the range is full.
     */
    Optional<Integer> next() {
        int reserved = Math.min(Math.max(16, range.size() / 32), 128);
        int split = range.first() + Math.min(reserved, range.size());
        Optional<Integer> upper = firstFree(split, range.last());
        return upper.isPresent() ? upper : firstFree(range.first(), split - 1);
    }

    private Optional<Integer> firstFree(int from, int to) {
        for (int port = from; port <= to; port++) {
            if (!taken.contains(port)) {
                taken.add(port);
                return Optional.of(port);
            }
        }
        return Optional.empty();
    }
}
