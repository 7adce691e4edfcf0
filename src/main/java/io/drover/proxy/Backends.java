package io.drover.proxy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The endpoints of one Service port and how a new connection picks one of them. The list is
 * replaced whole on every EndpointSlice change, so a removed endpoint gets no new connection from
 * that moment on while the connections already relayed to it run to their end.
 */
final class Backends {
    private final Clock clock;
    private final AtomicInteger next = new AtomicInteger();
    private final Map<InetAddress, Affinity> affinities = new ConcurrentHashMap<>();
    private volatile List<Endpoint> endpoints = List.of();
    private volatile BalancingPolicy policy = BalancingPolicy.ROUND_ROBIN;
    /** The ClientIP affinity timeout; null when the Service has sessionAffinity None. */
    private volatile Duration affinityTimeout;

    private record Affinity(Endpoint endpoint, Instant lastUsed) {}

    Backends(Clock clock) {
        this.clock = clock;
    }

    /** Applies a Service's settings: its balancing policy and ClientIP affinity timeout (null: none). */
    void configure(BalancingPolicy policy, Duration affinityTimeout) {
        this.policy = policy;
        this.affinityTimeout = affinityTimeout;
        if (affinityTimeout == null) {
            affinities.clear();
        }
    }

    /** Replaces the endpoints, keeping the connection counts of those that stay. */
    void update(Collection<InetSocketAddress> addresses) {
        Map<InetSocketAddress, Endpoint> current = new HashMap<>();
        endpoints.forEach(e -> current.put(e.address(), e));
        List<Endpoint> updated = new ArrayList<>();
        for (InetSocketAddress address : addresses) {
            updated.add(current.getOrDefault(address, new Endpoint(address)));
        }
        endpoints = List.copyOf(updated);
        affinities.values().removeIf(a -> !endpoints.contains(a.endpoint()));
    }

    List<Endpoint> endpoints() {
        return endpoints;
    }

    /** Whether an endpoint other than these is listed (a connect that fails could go there). */
    boolean hasOtherThan(Set<Endpoint> excluded) {
        return endpoints.stream().anyMatch(e -> !excluded.contains(e));
    }

    /** The endpoint for a new connection from this client, other than those already tried; null if none is left. */
    Endpoint pick(InetAddress client, Set<Endpoint> tried) {
        List<Endpoint> candidates = endpoints;
        Duration timeout = affinityTimeout;
        Instant now = clock.instant();
        if (timeout != null) {
            Affinity sticky = affinities.get(client);
            if (sticky != null && !tried.contains(sticky.endpoint()) && candidates.contains(sticky.endpoint())
                    && now.isBefore(sticky.lastUsed().plus(timeout))) {
                affinities.put(client, new Affinity(sticky.endpoint(), now));
                return sticky.endpoint();
            }
        }
        Endpoint chosen = policy == BalancingPolicy.LEAST_CONNECTIONS
                ? leastConnections(candidates, tried)
                : roundRobin(candidates, tried);
        if (chosen != null && timeout != null) {
            affinities.put(client, new Affinity(chosen, now));
        }
        return chosen;
    }

    private Endpoint roundRobin(List<Endpoint> candidates, Set<Endpoint> tried) {
        int size = candidates.size();
        for (int i = 0; i < size; i++) {
            Endpoint endpoint = candidates.get(Math.floorMod(next.getAndIncrement(), size));
            if (!tried.contains(endpoint)) {
                return endpoint;
            }
        }
        return null;
    }

    private static Endpoint leastConnections(List<Endpoint> candidates, Set<Endpoint> tried) {
        Endpoint best = null;
        for (Endpoint endpoint : candidates) {
            if (!tried.contains(endpoint) && (best == null || endpoint.connections() < best.connections())) {
                best = endpoint;
            }
        }
        return best;
    }
}
