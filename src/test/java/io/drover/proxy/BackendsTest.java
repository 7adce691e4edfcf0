package io.drover.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import io.drover.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BackendsTest {
    private static final InetSocketAddress A = new InetSocketAddress("127.0.0.1", 1001);
    private static final InetSocketAddress B = new InetSocketAddress("127.0.0.1", 1002);
    private static final InetSocketAddress C = new InetSocketAddress("127.0.0.1", 1003);
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final InetAddress client = InetAddress.getLoopbackAddress();

    @Test
    void roundRobinSkipsEndpointsAlreadyTried() {
        Backends backends = new Backends(clock);
        backends.update(List.of(A, B, C));
        Set<Endpoint> tried = new HashSet<>();
        for (int i = 0; i < 3; i++) {
            tried.add(backends.pick(client, tried));
        }
        assertThat(tried).extracting(Endpoint::address).containsExactlyInAnyOrder(A, B, C);
        assertThat(backends.pick(client, tried)).isNull();
    }

    @Test
    void updateKeepsConnectionCountsOfEndpointsThatStay() {
        Backends backends = new Backends(clock);
        backends.configure(BalancingPolicy.LEAST_CONNECTIONS, null);
        backends.update(List.of(A, B));
        backends.pick(client, Set.of()).opened();
        Endpoint busy = backends.endpoints().stream().filter(e -> e.connections() == 1).findFirst().orElseThrow();
        backends.update(List.of(busy.address(), C));
        assertThat(backends.endpoints()).contains(busy);
        assertThat(backends.pick(client, Set.of()).address()).isEqualTo(C);
    }

    @Test
    void clientIpAffinityExpiresAfterItsTimeout() {
        Backends backends = new Backends(clock);
        backends.configure(BalancingPolicy.ROUND_ROBIN, Duration.ofSeconds(10));
        backends.update(List.of(A, B));
        Endpoint first = backends.pick(client, Set.of());
        clock.advance(Duration.ofSeconds(9));
        assertThat(backends.pick(client, Set.of())).isSameAs(first);
        clock.advance(Duration.ofSeconds(9));
        assertThat(backends.pick(client, Set.of())).isSameAs(first);
        clock.advance(Duration.ofSeconds(11));
        assertThat(backends.pick(client, Set.of())).isNotSameAs(first);
    }

    @Test
    void affinityToARemovedEndpointIsForgotten() {
        Backends backends = new Backends(clock);
        backends.configure(BalancingPolicy.ROUND_ROBIN, Duration.ofSeconds(10800));
        backends.update(List.of(A, B));
        Endpoint first = backends.pick(client, Set.of());
        InetSocketAddress other = first.address().equals(A) ? B : A;
        backends.update(List.of(other));
        assertThat(backends.pick(client, Set.of()).address()).isEqualTo(other);
    }
}
