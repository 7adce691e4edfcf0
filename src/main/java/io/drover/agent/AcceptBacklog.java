package io.drover.agent;

import io.drover.ports.PodPorts;
import io.drover.ports.PortAssignment;
import io.fabric8.kubernetes.api.model.Pod;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * How many connections wait in the kernel's accept queues of a pod's TCP listeners: connections
 * the node's proxies opened before they stopped routing to the pod, which the app has not yet
 * accepted. An app that stops accepting at SIGTERM (as Tomcat does) would leave them unanswered,
 * so the drain waits for them to be accepted first ({@link EndpointDrain}).
 *
 * <p>Read from {@code /proc/net/tcp} and {@code /proc/net/tcp6}: for a socket in LISTEN state
 * the kernel shows its accept queue's length as {@code rx_queue} ({@code ss -lt}'s Recv-Q).
 * Process pods share the node's network namespace and listen on their allocated host ports,
 * which no other pod has, so a port names one pod's listeners.
 */
final class AcceptBacklog {
    private static final List<Path> TABLES = List.of(Path.of("/proc/net/tcp"), Path.of("/proc/net/tcp6"));
    private static final String LISTEN = "0A";

    private AcceptBacklog() {}

    /** The connections waiting on the pod's allocated TCP host ports. */
    static int of(Pod pod) {
        Set<Integer> ports = PodPorts.of(pod).assignments().stream()
                .filter(a -> "TCP".equals(a.protocol()))
                .map(PortAssignment::hostPort)
                .collect(Collectors.toSet());
        return ports.isEmpty() ? 0 : waiting(ports);
    }

    /** The connections waiting in the accept queues of this network namespace's listeners on {@code ports}. */
    static int waiting(Set<Integer> ports) {
        int waiting = 0;
        for (Path table : TABLES) {
            try (BufferedReader reader = Files.newBufferedReader(table)) {
                waiting += waiting(reader, ports);
            } catch (IOException e) {
                // no IPv6 (tcp6 missing) or no procfs: nothing known to wait for
            }
        }
        return waiting;
    }

    /**
     * Sums {@code rx_queue} over the LISTEN sockets of one {@code /proc/net/tcp}-format table whose
     * local port is in {@code ports}. A line: {@code sl local_address rem_address st
     * tx_queue:rx_queue ...}, addresses as {@code HEXIP:HEXPORT}. The kernel lists every listener
     * before the first connection, so reading stops there: a busy node has tens of thousands of
     * connections (TIME_WAIT included) after its few listeners, and the kernel formats only what
     * is read.
     */
    static int waiting(BufferedReader table, Set<Integer> ports) throws IOException {
        int waiting = 0;
        table.readLine(); // the header
        for (String line; (line = table.readLine()) != null; ) {
            String[] f = line.trim().split(" +", 6);
            if (f.length < 5 || !f[3].equals(LISTEN)) {
                break;
            }
            int colon = f[1].lastIndexOf(':');
            int queues = f[4].indexOf(':');
            if (colon >= 0 && queues >= 0 && ports.contains(Integer.parseInt(f[1].substring(colon + 1), 16))) {
                waiting += Integer.parseInt(f[4].substring(queues + 1), 16);
            }
        }
        return waiting;
    }
}
