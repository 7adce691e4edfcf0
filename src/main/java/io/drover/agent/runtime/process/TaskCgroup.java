package io.drover.agent.runtime.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One task's cgroup: the same name in each hierarchy {@link Cgroups} uses. It lists every process
 * of the task, however it detached itself ({@code setsid}, double fork), which is how the runtime
 * stops all of them, and it counts the kernel's OOM kills inside it.
 *
 * @param version the cgroup version
 * @param dirs the task's directory in each hierarchy; the first one's {@code cgroup.procs} lists its processes
 * @param memory its directory in the memory hierarchy, or null when there is none
 */
record TaskCgroup(Cgroups.Version version, List<Path> dirs, Path memory) {

    TaskCgroup {
        if (dirs.isEmpty()) {
            throw new IllegalArgumentException("dirs: [] (expected: at least one hierarchy)");
        }
        dirs = List.copyOf(dirs);
    }

    String name() {
        return dirs.get(0).getFileName().toString();
    }

    /** The files a process writes {@code 0} to in order to join the cgroup. */
    List<Path> procsFiles() {
        return dirs.stream().map(d -> d.resolve("cgroup.procs")).toList();
    }

    /** The processes in it now (a zombie may still be listed until it is reaped). */
    List<Long> pids() {
        List<Long> pids = new ArrayList<>();
        for (String line : Cgroups.readOrEmpty(dirs.get(0).resolve("cgroup.procs")).split("\n")) {
            if (!line.isBlank()) {
                pids.add(Long.parseLong(line.strip()));
            }
        }
        return pids;
    }

    /**
     * Whether the kernel's OOM killer ended a process in it: the {@code oom_kill} count of v2's
     * memory.events or v1's memory.oom_control (Linux 4.13+). Older v1 kernels have no count: there
     * a task killed by SIGKILL after hitting its limit ({@code memory.failcnt}) counts.
     */
    boolean oomKilled(int signal) {
        if (memory == null) {
            return false;
        }
        String counters = Cgroups.readOrEmpty(memory.resolve(
                version == Cgroups.Version.V2 ? "memory.events" : "memory.oom_control"));
        for (String line : counters.split("\n")) {
            if (line.startsWith("oom_kill ")) {
                return Long.parseLong(line.substring("oom_kill ".length()).strip()) > 0;
            }
        }
        if (version == Cgroups.Version.V1 && signal == 9) {
            String failcnt = Cgroups.readOrEmpty(memory.resolve("memory.failcnt")).strip();
            return !failcnt.isEmpty() && Long.parseLong(failcnt) > 0;
        }
        return false;
    }

    /**
     * Kills (SIGKILL) every process in the cgroup; for processes no handle knows, as a start interrupted between
     * the spawn and the handle's save leaves. Returns the pids it signalled.
     */
    List<Long> killAll() {
        List<Long> killed = new ArrayList<>();
        for (long pid : pids()) {
            ProcessHandle.of(pid).ifPresent(p -> {
                p.destroyForcibly();
                killed.add(pid);
            });
        }
        return killed;
    }

    /**
     * Removes the cgroup once its processes are gone, waiting up to {@code timeout} for the
     * kernel to let go of the last ones (rmdir fails with EBUSY until then).
     *
     * @return whether every directory is gone
     */
    boolean remove(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            boolean removed = true;
            for (Path dir : dirs) {
                try {
                    Files.deleteIfExists(dir); // rmdir(2): a cgroup's control files do not count as content
                } catch (IOException e) {
                    removed = false; // EBUSY while processes (or zombies not yet reaped) are in it
                }
            }
            if (removed || System.nanoTime() > deadline) {
                return removed;
            }
            TimeUnit.MILLISECONDS.sleep(ProcessRuntime.POLL_MILLIS);
        }
    }

    boolean exists() {
        return dirs.stream().anyMatch(Files::isDirectory);
    }
}
