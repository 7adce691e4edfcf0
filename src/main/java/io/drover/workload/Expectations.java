package io.drover.workload;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Kubernetes' ControllerExpectations (with the UIDTrackingControllerExpectations deletion set):
 * after a ReplicaSet asks for N creations or deletions it does not act on the same key again until
 * the informer has shown them, so a lagging cache cannot make it create or delete twice. Expectations
 * expire after five minutes, so a lost watch event cannot wedge a ReplicaSet forever.
 */
final class Expectations {
    static final Duration TTL = Duration.ofMinutes(5);

    private record Pending(int adds, Set<String> deletes, Instant since) {}

    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    private final Clock clock;

    Expectations(Clock clock) {
        this.clock = clock;
    }

    /** Whether the controller may act on {@code key}: nothing outstanding, or the record expired. */
    boolean satisfied(String key) {
        Pending p = pending.get(key);
        if (p == null) {
            return true;
        }
        return (p.adds() <= 0 && p.deletes().isEmpty()) || clock.instant().isAfter(p.since().plus(TTL));
    }

    void expectCreations(String key, int count) {
        pending.put(key, new Pending(count, Set.of(), clock.instant()));
    }

    void expectDeletions(String key, Set<String> podKeys) {
        pending.put(key, new Pending(0, Set.copyOf(podKeys), clock.instant()));
    }

    /** A pod owned by {@code key} appeared (or a create failed and will never appear). */
    void creationObserved(String key) {
        pending.computeIfPresent(key, (k, p) -> new Pending(p.adds() - 1, p.deletes(), p.since()));
    }

    /** A pod owned by {@code key} went away or started terminating (or a delete failed). */
    void deletionObserved(String key, String podKey) {
        pending.computeIfPresent(key, (k, p) -> {
            if (!p.deletes().contains(podKey)) {
                return p;
            }
            Set<String> rest = new HashSet<>(p.deletes());
            rest.remove(podKey);
            return new Pending(p.adds(), Set.copyOf(rest), p.since());
        });
    }

    void forget(String key) {
        pending.remove(key);
    }
}
