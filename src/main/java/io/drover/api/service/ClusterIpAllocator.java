package io.drover.api.service;

import java.util.Optional;
import java.util.Set;

/**
 * Picks and checks ClusterIPs against the addresses already taken (a set this allocator adds to), as
 * kube-apiserver's ipallocator
 * (KEP-3070): a dynamic allocation prefers the upper band of the range and falls back to the lower
 * one, which stays free for addresses asked for by name: 10.43.0.1 for the {@code kubernetes}
 * Service and 10.43.0.10 for kube-dns in the default range.
 */
final class ClusterIpAllocator {
    private final ServiceCidr cidr;
    private final Set<String> taken;

    ClusterIpAllocator(ServiceCidr cidr, Set<String> taken) {
        this.cidr = cidr;
        this.taken = taken;
    }

    /** Why {@code ip} cannot be had, worded as Kubernetes' ipallocator errors; empty when it is free. */
    Optional<String> refuse(String ip) {
        if (cidr.offset(ip) < 0) {
            return Optional.of("the provided IP (" + ip + ") is not in the valid range. The range of valid IPs is "
                    + cidr);
        }
        return taken.contains(ip) ? Optional.of("provided IP is already allocated") : Optional.empty();
    }

    /** Counts {@code ip} as taken from now on (another server claimed it). */
    void markTaken(String ip) {
        taken.add(ip);
    }

    /** A free address, upper band first; empty when the range is full. */
    Optional<String> next() {
        int size = cidr.size();
        // Kubernetes: min(max(16, size/16), 256) addresses at the bottom are left for static allocation.
        int reserved = Math.min(Math.max(16, size / 16), 256);
        if (size <= 16) {
            reserved = 0;
        }
        Optional<String> upper = firstFree(reserved, size);
        return upper.isPresent() ? upper : firstFree(0, reserved);
    }

    private Optional<String> firstFree(int from, int to) {
        for (int i = from; i < to; i++) {
            String ip = cidr.address(i);
            if (!taken.contains(ip)) {
                return Optional.of(ip);
            }
        }
        return Optional.empty();
    }
}
