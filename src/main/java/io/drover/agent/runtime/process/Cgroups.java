package io.drover.agent.runtime.process;

import io.drover.agent.runtime.Resources;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * This machine's cgroups as the process runtime uses them: one cgroup per task, {@code
 * drover/<instance>_<task>} under each hierarchy (v1: the memory, cpu and pids hierarchies; v2:
 * the unified one), where {@code <instance>} tells apart the runtimes of several agents (or test
 * clusters) on one machine.
 *
 * <p>Found at runtime from {@code /proc/self/mounts}: a cgroup2 mount whose {@code
 * cgroup.controllers} offers memory is v2 (a hybrid machine's controller-less unified hierarchy
 * is not); else the v1 hierarchies that carry memory, cpu or pids. Usable only when drover may
 * create its {@code drover} directory in them (root, and a writable cgroupfs); {@link #detect}
 * says why not otherwise, so the runtime can warn once and run tasks without cgroups.
 *
 * <p>Values follow the kubelet's: CPU quota {@code limit * 100ms / 1000} per 100 ms period (at
 * least 1 ms), cpu.shares {@code request * 1024 / 1000} clamped to [2, 262144] (2 without a
 * request, as for a BestEffort pod), v2 cpu.weight converted from shares as runc does; the
 * memory limit with swap forbidden (v1 memsw when the kernel accounts swap, v2 memory.swap.max 0).
 * The {@code drover} directory itself weighs what the node offers its pods, as the kubelet's
 * kubepods cgroup does: the shares of the node's allocatable CPU (2048 on 2 cores), so that under
 * contention the pods together get their CPU before the server's own threads (which sit at the
 * default weight of 1024, in {@link ServerCgroup}'s cgroup when the server started in the root).
 */
final class Cgroups {
    static final long CPU_PERIOD_MICROS = 100_000;
    static final long MIN_QUOTA_MICROS = 1_000;
    static final long MIN_SHARES = 2;
    static final long MAX_SHARES = 262_144;
    private static final Path MOUNTS = Path.of("/proc/self/mounts");
    private static final String BASE = "drover";

    enum Version {
        /** Separate hierarchies per controller. */
        V1,
        /** One unified hierarchy. */
        V2
    }

    private final Version version;
    /** The hierarchies' mount points by controller (v2: every controller maps to the one mount). */
    private final Map<String, Path> mounts;
    private final String instance;
    private final boolean limitsEnforced;

    private Cgroups(Version version, Map<String, Path> mounts, String instance, boolean limitsEnforced) {
        this.version = version;
        this.mounts = Map.copyOf(mounts);
        this.instance = instance;
        this.limitsEnforced = limitsEnforced;
    }

    /** The outcome of {@link #detect}: usable cgroups, or why there are none. */
    record Detection(Optional<Cgroups> cgroups, String problem) {}

    /**
     * Finds this machine's cgroups and prepares drover's directory in them.
     *
     * @param instance a short name unique to this runtime on the machine
     */
    static Detection detect(String instance) {
        List<String> mountLines;
        try {
            mountLines = Files.readAllLines(MOUNTS);
        } catch (IOException e) {
            return none("cannot read " + MOUNTS + ": " + e.getMessage());
        }
        Optional<Hierarchies> found = Hierarchies.find(mountLines);
        if (found.isEmpty()) {
            return none("no cgroup v2 hierarchy with the memory controller and no v1 memory, cpu or pids hierarchy is mounted");
        }
        Hierarchies h = found.get();
        return h.version() == Version.V2 ? prepareV2(h.mounts(), instance) : prepareV1(h.mounts(), instance);
    }

    /**
     * The hierarchies drover puts tasks in, with their mount points by controller (v2: every
     * controller maps to the one mount).
     */
    record Hierarchies(Version version, Map<String, Path> mounts) {

        /** Reads them from this process's mount table. */
        static Optional<Hierarchies> mounted() {
            try {
                return find(Files.readAllLines(MOUNTS));
            } catch (IOException e) {
                return Optional.empty();
            }
        }

        /** Finds them in {@code /proc/self/mounts} lines; empty when none is mounted. */
        static Optional<Hierarchies> find(List<String> mountLines) {
            Map<String, Path> v1 = new LinkedHashMap<>();
            Path v2 = null;
            for (String line : mountLines) {
                String[] f = line.split(" ");
                if (f.length < 4) {
                    continue;
                }
                Path mountPoint = Path.of(f[1].replace("\\040", " "));
                if (f[2].equals("cgroup2") && readOrEmpty(mountPoint.resolve("cgroup.controllers")).contains("memory")) {
                    v2 = mountPoint;
                } else if (f[2].equals("cgroup")) {
                    for (String option : f[3].split(",")) {
                        if (option.equals("memory") || option.equals("cpu") || option.equals("pids")) {
                            v1.putIfAbsent(option, mountPoint);
                        }
                    }
                }
            }
            if (v2 != null && !v1.containsKey("memory")) {
                Map<String, Path> all = new LinkedHashMap<>();
                for (String controller : List.of("memory", "cpu", "pids")) {
                    all.put(controller, v2);
                }
                return Optional.of(new Hierarchies(Version.V2, all));
            }
            return v1.isEmpty() ? Optional.empty() : Optional.of(new Hierarchies(Version.V1, v1));
        }
    }

    private static Detection prepareV1(Map<String, Path> v1, String instance) {
        for (Map.Entry<String, Path> e : v1.entrySet()) {
            Path base = e.getValue().resolve(BASE);
            try {
                Files.createDirectories(base);
            } catch (IOException ex) {
                return none("cannot create " + base + " (" + describe(ex) + ")");
            }
        }
        if (v1.containsKey("cpu")) {
            writeQuietly(v1.get("cpu").resolve(BASE).resolve("cpu.shares"), Long.toString(podsShares()));
        }
        boolean limits = v1.containsKey("memory") && v1.containsKey("cpu");
        return new Detection(Optional.of(new Cgroups(Version.V1, v1, instance, limits)),
                limits ? null : "cgroup v1 without " + (v1.containsKey("memory") ? "the cpu" : "the memory") + " hierarchy");
    }

    private static Detection prepareV2(Map<String, Path> all, String instance) {
        Path mount = all.get("cpu");
        Path base = mount.resolve(BASE);
        try {
            Files.createDirectories(base);
        } catch (IOException ex) {
            return none("cannot create " + base + " (" + describe(ex) + ")");
        }
        // Controllers reach a cgroup only when every ancestor enables them for its children. The
        // root may refuse (a container's namespaced root with processes in it): then tasks are
        // still tracked, without limits.
        for (String controller : List.of("memory", "cpu", "pids")) {
            enable(mount, controller);
            enable(base, controller);
        }
        writeQuietly(base.resolve("cpu.weight"), Long.toString(weight(podsShares())));
        String offered = readOrEmpty(base.resolve("cgroup.controllers"));
        boolean limits = offered.contains("memory") && offered.contains("cpu");
        return new Detection(Optional.of(new Cgroups(Version.V2, all, instance, limits)),
                limits ? null : "cgroup v2: the memory and cpu controllers cannot be enabled for " + base
                        + " (offered: '" + offered.strip() + "')");
    }

    private static void enable(Path cgroup, String controller) {
        try {
            if (!readOrEmpty(cgroup.resolve("cgroup.subtree_control")).contains(controller)) {
                Files.writeString(cgroup.resolve("cgroup.subtree_control"), "+" + controller);
            }
        } catch (IOException e) {
            // not offered or refused: prepareV2 reads what the base really has
        }
    }

    /** The shares of all pods together: the node's allocatable CPU, which is all its cores. */
    static long podsShares() {
        return shares(Runtime.getRuntime().availableProcessors() * 1000L);
    }

    private static void writeQuietly(Path file, String value) {
        try {
            Files.writeString(file, value);
        } catch (IOException e) {
            // no cpu controller here: the pods share the CPU at the default weight
        }
    }

    private static Detection none(String problem) {
        return new Detection(Optional.empty(), problem);
    }

    boolean limitsEnforced() {
        return limitsEnforced;
    }

    String describe() {
        return "cgroup " + version.name().toLowerCase() + " (" + String.join(", ", mounts.keySet()) + ")";
    }

    /** The name of a task's cgroup below drover's directory. */
    String nameFor(String taskDirName) {
        return instance + "_" + taskDirName;
    }

    /**
     * Creates a task's cgroup (or reuses an empty one of a previous run) and writes its limits.
     *
     * @throws IOException when a directory or limit cannot be written
     */
    TaskCgroup create(String name, Resources resources) throws IOException {
        TaskCgroup cgroup = open(name);
        for (Path dir : cgroup.dirs()) {
            Files.createDirectories(dir);
        }
        if (limitsEnforced) {
            writeLimits(cgroup, resources);
        }
        return cgroup;
    }

    /** A task's cgroup by name, as {@link #create} made it (it may no longer exist). */
    TaskCgroup open(String name) {
        if (name.isEmpty() || name.contains("/") || name.startsWith(".")) {
            throw new IllegalArgumentException("cgroup name: " + name + " (expected: one path element)");
        }
        List<Path> dirs = new ArrayList<>();
        // the first directory is the one whose cgroup.procs lists the task's processes
        for (String controller : List.of("pids", "memory", "cpu")) {
            Path mount = mounts.get(controller);
            if (mount != null && dirs.stream().noneMatch(d -> d.startsWith(mount))) {
                dirs.add(mount.resolve(BASE).resolve(name));
            }
        }
        Path memory = mounts.containsKey("memory") ? mounts.get("memory").resolve(BASE).resolve(name) : null;
        return new TaskCgroup(version, dirs, memory);
    }

    private void writeLimits(TaskCgroup cgroup, Resources r) throws IOException {
        Path memory = mounts.get("memory").resolve(BASE).resolve(cgroup.name());
        Path cpu = mounts.get("cpu").resolve(BASE).resolve(cgroup.name());
        long shares = shares(r.cpuRequestMillis());
        long quota = r.cpuLimitMillis() == 0 ? -1 : quotaMicros(r.cpuLimitMillis());
        if (version == Version.V1) {
            // memsw must stay >= limit_in_bytes: lift it first, set the limit, then lower memsw to it
            Path memsw = memory.resolve("memory.memsw.limit_in_bytes");
            boolean swapAccounted = Files.exists(memsw);
            if (swapAccounted) {
                Files.writeString(memsw, "-1");
            }
            Files.writeString(memory.resolve("memory.limit_in_bytes"),
                    r.memoryLimitBytes() == 0 ? "-1" : Long.toString(r.memoryLimitBytes()));
            if (swapAccounted) {
                Files.writeString(memsw, r.memoryLimitBytes() == 0 ? "-1" : Long.toString(r.memoryLimitBytes()));
            }
            Files.writeString(cpu.resolve("cpu.cfs_period_us"), Long.toString(CPU_PERIOD_MICROS));
            Files.writeString(cpu.resolve("cpu.cfs_quota_us"), Long.toString(quota));
            Files.writeString(cpu.resolve("cpu.shares"), Long.toString(shares));
        } else {
            Files.writeString(memory.resolve("memory.max"),
                    r.memoryLimitBytes() == 0 ? "max" : Long.toString(r.memoryLimitBytes()));
            if (Files.exists(memory.resolve("memory.swap.max"))) {
                Files.writeString(memory.resolve("memory.swap.max"), r.memoryLimitBytes() == 0 ? "max" : "0");
            }
            Files.writeString(cpu.resolve("cpu.max"), (quota < 0 ? "max" : Long.toString(quota)) + " " + CPU_PERIOD_MICROS);
            Files.writeString(cpu.resolve("cpu.weight"), Long.toString(weight(shares)));
        }
    }

    /** The kubelet's milliCPUToQuota. */
    static long quotaMicros(long milliCpu) {
        return Math.max(MIN_QUOTA_MICROS, milliCpu * CPU_PERIOD_MICROS / 1000);
    }

    /** The kubelet's MilliCPUToShares. */
    static long shares(long milliCpu) {
        return Math.min(MAX_SHARES, Math.max(MIN_SHARES, milliCpu * 1024 / 1000));
    }

    /** runc's ConvertCPUSharesToCgroupV2Value: [2, 262144] onto [1, 10000]. */
    static long weight(long shares) {
        return 1 + ((shares - 2) * 9999) / 262142;
    }

    static String readOrEmpty(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "";
        }
    }

    private static String describe(IOException e) {
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }
}
