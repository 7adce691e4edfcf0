package io.drover.agent.ports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drover.ports.PodPorts.DeclaredPort;
import io.drover.ports.PortAssignment;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HostPortAllocatorTest {
    private static final DeclaredPort HTTP = new DeclaredPort("http", 8080, "TCP", 0);
    private static final DeclaredPort METRICS = new DeclaredPort("", 9090, "TCP", 0);
    private final Set<Integer> busy = new HashSet<>();
    private final PortProbe probe = (port, protocol) -> !busy.contains(port);

    private HostPortAllocator allocator(int first, int last) {
        return new HostPortAllocator(new PortRange(first, last), probe, new Random(7));
    }

    @Test
    void noTwoPodsShareAPortEvenWhenTheyDeclareTheSameContainerPort() throws Exception {
        HostPortAllocator allocator = allocator(20000, 20009);
        Set<Integer> seen = new HashSet<>();
        for (int pod = 0; pod < 5; pod++) {
            List<PortAssignment> ports = allocator.allocate("uid-" + pod, List.of(HTTP, METRICS));
            assertThat(ports).extracting(PortAssignment::containerPort).containsExactly(8080, 9090);
            assertThat(ports).extracting(PortAssignment::name).containsExactly("http", "");
            for (PortAssignment a : ports) {
                assertThat(a.hostPort()).isBetween(20000, 20009);
                assertThat(seen.add(a.hostPort())).as("port %s handed out twice", a.hostPort()).isTrue();
            }
        }
        assertThatThrownBy(() -> allocator.allocate("uid-5", List.of(HTTP)))
                .isInstanceOf(NoFreePortException.class)
                .hasMessageStartingWith("no free host port in range 20000-20009 for containerPort 8080/TCP");
        assertThat(allocator.assignmentsOf("uid-5")).isEmpty();
    }

    @Test
    void aPodAsksAgainAndGetsItsPortsBackAsAfterAContainerRestart() throws Exception {
        HostPortAllocator allocator = allocator(20000, 29999);
        List<PortAssignment> first = allocator.allocate("uid-a", List.of(HTTP));
        assertThat(allocator.allocate("uid-a", List.of(HTTP))).isEqualTo(first);
        assertThat(allocator.assignmentsOf("uid-a")).contains(first);
    }

    @Test
    void aReleasedPortIsHandedOutAgain() throws Exception {
        HostPortAllocator allocator = allocator(20000, 20000);
        int port = allocator.allocate("uid-a", List.of(HTTP)).get(0).hostPort();
        assertThatThrownBy(() -> allocator.allocate("uid-b", List.of(HTTP))).isInstanceOf(NoFreePortException.class);
        allocator.release("uid-a");
        assertThat(allocator.allocate("uid-b", List.of(HTTP)).get(0).hostPort()).isEqualTo(port);
    }

    @Test
    void portsOtherProcessesListenOnAreSkipped() throws Exception {
        HostPortAllocator allocator = allocator(20000, 20002);
        busy.add(20000);
        busy.add(20002);
        assertThat(allocator.allocate("uid-a", List.of(HTTP)).get(0).hostPort()).isEqualTo(20001);
    }

    @Test
    void restoredAssignmentsAreNotHandedOutAgain() throws Exception {
        HostPortAllocator allocator = allocator(20000, 20001);
        allocator.restore("uid-old", List.of(new PortAssignment(8080, "TCP", "http", 20000)));
        assertThat(allocator.allocate("uid-new", List.of(HTTP)).get(0).hostPort()).isEqualTo(20001);
        assertThat(allocator.allocate("uid-old", List.of(HTTP)).get(0).hostPort()).isEqualTo(20000);
    }

    @Test
    void anExplicitHostPortIsUsedAsItIsAndKeptFromTheRange() throws Exception {
        HostPortAllocator allocator = allocator(20000, 20001);
        busy.add(20000); // the explicit port is not probed: the pod's own process may hold it already
        List<PortAssignment> explicit = allocator.allocate("uid-a",
                List.of(new DeclaredPort("web", 80, "TCP", 20000), METRICS));
        assertThat(explicit.get(0).hostPort()).isEqualTo(20000);
        assertThat(explicit.get(1).hostPort()).isEqualTo(20001);
        busy.clear();
        assertThatThrownBy(() -> allocator.allocate("uid-b", List.of(HTTP))).isInstanceOf(NoFreePortException.class);
    }

    @Test
    void oneProtocolAndPortOfAPodIsOneAssignment() throws Exception {
        HostPortAllocator allocator = allocator(20000, 20009);
        List<PortAssignment> ports = allocator.allocate("uid-a",
                List.of(new DeclaredPort("dns-tcp", 53, "TCP", 0), new DeclaredPort("dns-udp", 53, "UDP", 0)));
        assertThat(ports).extracting(PortAssignment::protocol).containsExactly("TCP", "UDP");
        assertThat(ports.get(0).hostPort()).isNotEqualTo(ports.get(1).hostPort());
    }

    @Test
    void rangeParsingNamesTheExpectation() {
        assertThat(PortRange.parse("20000-29999")).isEqualTo(PortRange.DEFAULT);
        assertThatThrownBy(() -> PortRange.parse("30000-20000")).hasMessage(
                "host port range: 30000-20000 (expected: FIRST-LAST with 1 <= FIRST <= LAST <= 65535)");
        assertThatThrownBy(() -> PortRange.parse("20000")).hasMessage(
                "host port range: '20000' (expected: FIRST-LAST, e.g. 20000-29999)");
    }
}
