package io.drover.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.StringReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Accept queues as {@code /proc/net/tcp} shows them: a sample table, and real listeners of the test. */
class AcceptBacklogTest {

    @Test
    void sumsTheReceiveQueueOfListeningSocketsOnThePortsAsked() throws Exception {
        String table = """
                  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
                   0: 00000000:1F90 00000000:0000 0A 00000000:00000003 00:00000000 00000000     0        0 47 1
                   1: 0100007F:1F91 00000000:0000 0A 00000000:00000002 00:00000000 00000000     0        0 49 1
                   2: 0100007F:0050 00000000:0000 0A 00000000:00000007 00:00000000 00000000     0        0 50 1
                   3: 0100007F:1F90 0100007F:D2F0 01 00000000:00000010 00:00000000 00000000     0        0 48 1
                   4: 0100007F:1F90 0100007F:D2F2 06 00000000:00000000 03:00000863 00000000     0        0 0 3
                """;
        // The kernel lists listeners first: 0x1F90 = 8080 with 3 waiting, 0x1F91 = 8081 with 2,
        // port 80 not asked for; the established and TIME_WAIT connections after them do not count.
        assertThat(waiting(table, Set.of(8080, 8081))).isEqualTo(5);
        assertThat(waiting(table, Set.of(9999))).isZero();
    }

    private static int waiting(String table, Set<Integer> ports) throws Exception {
        return AcceptBacklog.waiting(new BufferedReader(new StringReader(table)), ports);
    }

    @Test
    void countsConnectionsTheListenerHasNotAcceptedYet() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Set<Integer> port = Set.of(listener.getLocalPort());
            assertThat(AcceptBacklog.waiting(port)).isZero();
            try (Socket first = new Socket(listener.getInetAddress(), listener.getLocalPort());
                    Socket second = new Socket(listener.getInetAddress(), listener.getLocalPort())) {
                // connect returns once the handshake is done, and the kernel queues it for accept
                assertThat(AcceptBacklog.waiting(port)).isEqualTo(2);
                try (Socket accepted = listener.accept()) {
                    assertThat(AcceptBacklog.waiting(port)).isEqualTo(1);
                }
            }
        }
    }
}
