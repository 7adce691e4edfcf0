package io.drover.api.service;

import io.drover.agent.ports.PortRange;
import java.util.Optional;
import java.util.Set;

/**
 * Picks and checks NodePorts against the ports already taken (a set this allocator adds to), as
 * kube-apiserver's portallocator.
 *
 * <p>In an update the Service's own ports stay allocated until it is written, as in
 * kube-apiserver's updateNodePorts (their release is deferred): a port that asks for one of them
 * again keeps it, and {@link #next} never hands one to another of its ports. Handing out the
 * Service's own port first made adding a port in front of an existing one fail with "provided
 * port is already allocated" on the existing port's own nodePort (fuzz round 20).
 */
final class NodePortAllocator {
    /** kube-apiserver's {@code --service-node-port-range} default. */
    static final PortRange DEFAULT_RANGE = new PortRange(30000, 32767);

    private final PortRange range;
    private final Set<Integer> taken;
    private final Set<Integer> own;

    /**
     * @param taken the ports other Services hold; this allocator adds what it hands out
     * @param own the ports the Service being updated holds now (empty for a create)
     */
    NodePortAllocator(PortRange range, Set<Integer> taken, Set<Integer> own) {
        this.range = range;
        this.taken = taken;
        this.own = Set.copyOf(own);
    }

    /**
     * Takes {@code port}; or says why it cannot be had, worded as Kubernetes' portallocator errors.
     * One the Service holds already is its own (not checked against the range again, as
     * kube-apiserver does not allocate it again).
     */
    Optional<String> claim(int port) {
        if (own.contains(port)) {
            return Optional.empty();
        }
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
            if (!taken.contains(port) && !own.contains(port)) {
                taken.add(port);
                return Optional.of(port);
            }
        }
        return Optional.empty();
    }
}
