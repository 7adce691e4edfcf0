package io.drover.agent.ports;

import io.drover.ports.PodPorts.DeclaredPort;
import io.drover.ports.PortAssignment;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's table of host ports by pod: each declared containerPort of a pod gets a port of the
 * range that no other pod holds and no process listens on, kept until the pod is released, so a
 * restarted container finds its port again. An explicit hostPort in the spec is used as it is
 * (the scheduler already keeps two pods from asking one node for the same hostPort) and is
 * marked taken, so the range never hands it out as well.
 *
 * <p>Each search starts at a random port of the range and walks on from there, as Kubernetes'
 * NodePort allocator picks at random: two agents that share a machine (tests, or a second agent
 * started by hand) then rarely race for the same port between allocation and the process' bind.
 * Thread-safe.
 */
public final class HostPortAllocator {
    private static final Logger log = LoggerFactory.getLogger(HostPortAllocator.class);

    private final PortRange range;
    private final PortProbe probe;
    private final RandomGenerator random;
    private final Map<String, List<PortAssignment>> byPod = new HashMap<>();
    /** Who holds each host port: usually one pod; explicit hostPorts of other protocols may share. */
    private final Map<Integer, Set<String>> holders = new HashMap<>();

    public HostPortAllocator(PortRange range, PortProbe probe, RandomGenerator random) {
        this.range = range;
        this.probe = probe;
        this.random = random;
    }

    /** The pod's assignments, if it holds any. */
    public synchronized Optional<List<PortAssignment>> assignmentsOf(String podUid) {
        return Optional.ofNullable(byPod.get(podUid));
    }

    /**
     * Assigns a host port to each of {@code ports}; a pod that already holds assignments gets the
     * same ones back. All or nothing: when the range has no free port left, the pod holds none.
     */
    public synchronized List<PortAssignment> allocate(String podUid, List<DeclaredPort> ports)
            throws NoFreePortException {
        List<PortAssignment> held = byPod.get(podUid);
        if (held != null) {
            return held;
        }
        List<PortAssignment> chosen = new ArrayList<>();
        Set<Integer> taken = new HashSet<>();
        for (DeclaredPort port : ports) {
            int hostPort = port.hostPort() > 0 ? port.hostPort() : free(port, taken);
            taken.add(hostPort);
            chosen.add(new PortAssignment(port.containerPort(), port.protocol(), port.name(), hostPort));
        }
        hold(podUid, List.copyOf(chosen));
        return byPod.get(podUid);
    }

    /**
     * Takes back assignments a previous agent made (read from the pod's annotation), so that no
     * other pod is given their ports.
     */
    public synchronized void restore(String podUid, List<PortAssignment> assignments) {
        release(podUid);
        for (PortAssignment a : assignments) {
            Set<String> others = holders.getOrDefault(a.hostPort(), Set.of());
            if (!others.isEmpty()) {
                log.warn("host port {} of pod {} is also recorded for pod(s) {}", a.hostPort(), podUid, others);
            }
        }
        hold(podUid, List.copyOf(assignments));
    }

    /** Frees the pod's ports for other pods. */
    public synchronized void release(String podUid) {
        List<PortAssignment> held = byPod.remove(podUid);
        if (held == null) {
            return;
        }
        for (PortAssignment a : held) {
            Set<String> owners = holders.get(a.hostPort());
            if (owners != null && owners.remove(podUid) && owners.isEmpty()) {
                holders.remove(a.hostPort());
            }
        }
    }

    private void hold(String podUid, List<PortAssignment> assignments) {
        byPod.put(podUid, assignments);
        for (PortAssignment a : assignments) {
            holders.computeIfAbsent(a.hostPort(), p -> new HashSet<>()).add(podUid);
        }
    }

    private int free(DeclaredPort port, Set<Integer> takenByThisPod) throws NoFreePortException {
        int offset = random.nextInt(range.size());
        for (int i = 0; i < range.size(); i++) {
            int candidate = range.first() + (offset + i) % range.size();
            if (!holders.containsKey(candidate) && !takenByThisPod.contains(candidate)
                    && probe.isFree(candidate, port.protocol())) {
                return candidate;
            }
        }
        throw new NoFreePortException("no free host port in range " + range + " for containerPort "
                + port.containerPort() + "/" + port.protocol() + " (" + holders.size() + " held by pods, the rest "
                + "in use by other processes)");
    }
}
