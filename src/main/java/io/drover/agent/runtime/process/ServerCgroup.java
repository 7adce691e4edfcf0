package io.drover.agent.runtime.process;

import io.drover.agent.runtime.process.Cgroups.Hierarchies;
import io.drover.agent.runtime.process.Cgroups.Version;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts the drover process in a CPU cgroup of its own, {@value #NAME} beside the pods' {@code
 * drover} cgroup, when it runs in the root of the CPU hierarchy ({@code drover server
 * --server-cpu-cgroup}; off by default, see the cost below).
 *
 * <p>Why: in the root, each of the server's threads competes with the pods' cgroup as a task of its
 * own, and on Linux 6.18 (cgroup v1, where nothing else groups the host's processes) that mix gave
 * every process left in the root, the server's proxy and API threads as well as the user's own
 * programs, scheduling delays of up to 100-130 ms while pods started and stopped (measured with
 * {@code perf sched latency} during a rollout; docs/BENCHMARKS.md, rollout section). With the
 * server in a cgroup of its own the same processes waited a few milliseconds. The server's
 * threads together then weigh one default share (v1 cpu.shares 1024, v2 cpu.weight 100) against
 * the pods' share of the node's allocatable CPU, as the kubelet's own cgroup ({@code
 * --kubelet-cgroups}) sits beside kubepods.
 *
 * <p>The cost: the service proxy runs in the server, so on a saturated machine it gets that one share
 * too. In interleaved rollout benchmarks the requests through the proxy then had a p99 of 34-57 ms
 * against 21-43 ms with the server in the root, while a program next to drover went from 34-71 ms to
 * 11-22 ms. Hence opt-in, until the data path no longer runs in the server's JVM.
 *
 * <p>Only from the root: a server that a service manager or a container runtime already placed
 * (a systemd unit, a Docker container, a login session) stays where it is, so that the manager
 * still finds, limits and stops it. Not run as root, or with a read-only cgroupfs, nothing moves.
 */
public final class ServerCgroup {
    static final String NAME = "drover-server";
    private static final Path OWN_CGROUPS = Path.of("/proc/self/cgroup");
    private static final Logger log = LoggerFactory.getLogger(ServerCgroup.class);

    private ServerCgroup() {}

    /** Moves this process into {@value #NAME} when it runs in the root of the CPU hierarchy. */
    public static void joinFromRoot() {
        List<String> own;
        try {
            own = Files.readAllLines(OWN_CGROUPS);
        } catch (IOException e) {
            log.debug("drover stays in its cgroup: cannot read {}: {}", OWN_CGROUPS, e.toString());
            return;
        }
        Optional<Path> target = Hierarchies.mounted().flatMap(h -> target(h, own));
        if (target.isEmpty()) {
            log.debug("drover stays in its cgroup: no CPU hierarchy, or not in its root ({})", own);
            return;
        }
        Path dir = target.get();
        try {
            Files.createDirectories(dir);
            // One write moves every thread of the process; the threads and children it starts later
            // (pods move on to their own cgroup before they exec) begin here.
            Files.writeString(dir.resolve("cgroup.procs"), Long.toString(ProcessHandle.current().pid()));
            log.info("drover runs in the CPU cgroup {}, beside its pods' cgroup", dir);
        } catch (IOException e) {
            log.debug("drover stays in the root cgroup: cannot join {}: {}", dir, e.toString());
        }
    }

    /**
     * The cgroup directory to join: {@value #NAME} in the CPU hierarchy, when {@code
     * procSelfCgroup} (the lines of {@code /proc/self/cgroup}) places this process in its root;
     * empty otherwise.
     */
    static Optional<Path> target(Hierarchies hierarchies, List<String> procSelfCgroup) {
        Path cpuMount = hierarchies.mounts().get("cpu");
        if (cpuMount == null) {
            return Optional.empty();
        }
        return cpuPath(hierarchies.version(), procSelfCgroup).filter("/"::equals).map(root -> cpuMount.resolve(NAME));
    }

    /** A process's cgroup in the CPU hierarchy, from the lines of its {@code /proc/<pid>/cgroup}. */
    static Optional<String> cpuPath(Version version, List<String> procCgroup) {
        for (String line : procCgroup) {
            // hierarchy-ID:controller-list:path; the path may contain ':'
            String[] f = line.split(":", 3);
            if (f.length < 3) {
                continue;
            }
            boolean cpuLine = version == Version.V2
                    ? f[0].equals("0") && f[1].isEmpty()
                    : Arrays.asList(f[1].split(",")).contains("cpu");
            if (cpuLine) {
                return Optional.of(f[2]);
            }
        }
        return Optional.empty();
    }
}
