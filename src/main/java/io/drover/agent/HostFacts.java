package io.drover.agent;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * What this machine is, as its Node reports it: read once at agent start from /proc, /etc and
 * the network interfaces.
 *
 * @param nodeName the Node's name
 * @param internalIp the first non-loopback IPv4 address, else 127.0.0.1
 * @param cpus available processors
 * @param memoryKi MemTotal from /proc/meminfo, in KiB
 * @param kernelVersion as {@code uname -r} prints it
 * @param osImage PRETTY_NAME from /etc/os-release
 * @param architecture the Kubernetes name of the CPU architecture (amd64, arm64)
 * @param machineId as cadvisor reads it: /etc/machine-id, else /var/lib/dbus/machine-id; "" when neither is readable
 * @param systemUuid the firmware's /sys/class/dmi/id/product_uuid (readable by root only); "" when unreadable
 * @param bootId /proc/sys/kernel/random/boot_id: new at each boot, which tells the kubelet the node rebooted
 * @param storageBytes the size of the file system holding the agent's data dir, where pods write (the kubelet's root
 *     dir file system, its ephemeral-storage)
 * @param hugePages the huge pages the kernel holds, per page size: as {@code hugepages-2Mi} to their bytes
 */
public record HostFacts(String nodeName, String internalIp, int cpus, long memoryKi, String kernelVersion, String osImage,
        String architecture, String machineId, String systemUuid, String bootId, long storageBytes,
        Map<String, Long> hugePages) {
    private static final Path HUGE_PAGES = Path.of("/sys/kernel/mm/hugepages");

    static HostFacts detect(String nodeName, Path dataDir) {
        return new HostFacts(nodeName, detectInternalIp(), java.lang.Runtime.getRuntime().availableProcessors(),
                detectMemTotalKi(), firstLine(Path.of("/proc/sys/kernel/osrelease"), "unknown"), detectOsImage(),
                kubernetesArch(), firstReadable(Path.of("/etc/machine-id"), Path.of("/var/lib/dbus/machine-id")),
                firstReadable(Path.of("/sys/class/dmi/id/product_uuid")),
                firstReadable(Path.of("/proc/sys/kernel/random/boot_id")), fileSystemSize(dataDir),
                hugePages(HUGE_PAGES));
    }

    /**
     * statfs's blocks times block size, as cadvisor's rootfs Capacity, of the file system that holds {@code dir} (or
     * will: its nearest existing parent); 0 when it cannot be read.
     */
    static long fileSystemSize(Path dir) {
        Path existing = dir.toAbsolutePath();
        while (existing.getParent() != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        try {
            return Files.getFileStore(existing).getTotalSpace();
        } catch (IOException e) {
            return 0;
        }
    }

    /**
     * cadvisor's GetHugePagesInfo: for each {@code hugepages-<size>kB} directory, nr_hugepages pages of that size,
     * named as the kubelet names the resource (HugePageResourceName: {@code hugepages-2Mi}, {@code hugepages-1Gi}).
     */
    static Map<String, Long> hugePages(Path sysfs) {
        Map<String, Long> pages = new java.util.TreeMap<>();
        try (var dirs = Files.list(sysfs)) {
            dirs.forEach(dir -> {
                String name = dir.getFileName().toString();
                if (name.startsWith("hugepages-") && name.endsWith("kB")) {
                    try {
                        long pageKi = Long.parseLong(name.substring("hugepages-".length(), name.length() - 2));
                        long count = Long.parseLong(firstLine(dir.resolve("nr_hugepages"), "0"));
                        pages.put("hugepages-" + binaryBytes(pageKi * 1024), count * pageKi * 1024);
                    } catch (NumberFormatException e) {
                        // not a page size directory
                    }
                }
            });
        } catch (IOException e) {
            // no huge pages support
        }
        return Map.copyOf(pages);
    }

    /** cadvisor's getInfoFromFiles: the trimmed content of the first file that can be read, else "". */
    static String firstReadable(Path... files) {
        for (Path file : files) {
            try {
                return Files.readString(file).strip();
            } catch (IOException e) {
                // missing or not readable by this user: the next one
            }
        }
        return "";
    }

    /** The Node's capacity: all CPUs, memory, the data dir's file system, the huge pages, and the pod limit. */
    Map<String, Quantity> capacity(String maxPods) {
        Map<String, Quantity> capacity = new java.util.TreeMap<>();
        capacity.put("cpu", new Quantity(Integer.toString(cpus)));
        capacity.put("memory", new Quantity(binaryBytes(memoryKi * 1024)));
        capacity.put("ephemeral-storage", new Quantity(binaryBytes(storageBytes)));
        hugePages.forEach((name, bytes) -> capacity.put(name, new Quantity(binaryBytes(bytes))));
        capacity.put("pods", new Quantity(maxPods));
        return capacity;
    }

    /**
     * The Node's allocatable, as the kubelet's MachineInfo setter with its default --eviction-hard
     * (memory.available<100Mi, nodefs.available<10%) and no reservations: capacity less the eviction thresholds,
     * and memory less every huge page as well, never below 0.
     */
    Map<String, Quantity> allocatable(String maxPods) {
        Map<String, Quantity> allocatable = new java.util.TreeMap<>(capacity(maxPods));
        long hugePageBytes = hugePages.values().stream().mapToLong(Long::longValue).sum();
        long memory = memoryKi * 1024 - MEMORY_EVICTION_THRESHOLD - hugePageBytes;
        allocatable.put("memory", new Quantity(binaryBytes(Math.max(0, memory))));
        // GetThresholdQuantity: int64(float64(capacity) * float64(float32 percentage)).
        long storageReserve = (long) (storageBytes * (double) NODEFS_EVICTION_PERCENTAGE);
        allocatable.put("ephemeral-storage", new Quantity(binaryBytes(Math.max(0, storageBytes - storageReserve))));
        return allocatable;
    }

    private static final long MEMORY_EVICTION_THRESHOLD = 100L << 20;
    private static final float NODEFS_EVICTION_PERCENTAGE = 0.1f;

    /**
     * A byte count as a BinarySI quantity is written (resource.NewQuantity(n, BinarySI)): in the largest binary
     * unit that divides it, else as bare bytes.
     */
    static String binaryBytes(long bytes) {
        String[] units = {"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};
        int unit = 0;
        long amount = bytes;
        while (amount != 0 && amount % 1024 == 0 && unit < units.length - 1) {
            amount /= 1024;
            unit++;
        }
        return amount + units[unit];
    }

    /** The host name, lower-cased as a Node name must be. */
    public static String hostName() {
        String name = firstLine(Path.of("/proc/sys/kernel/hostname"), "");
        if (name.isEmpty()) {
            try {
                name = InetAddress.getLocalHost().getHostName();
            } catch (IOException e) {
                name = "localhost";
            }
        }
        return name.toLowerCase(java.util.Locale.ROOT);
    }

    static String kubernetesArch() {
        String arch = System.getProperty("os.arch", "");
        return switch (arch) {
            case "amd64", "x86_64" -> "amd64";
            case "aarch64", "arm64" -> "arm64";
            default -> arch;
        };
    }

    /** The first non-loopback IPv4 address of an interface that is up; 127.0.0.1 when there is none. */
    public static String detectInternalIp() {
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nic.isUp() || nic.isLoopback()) {
                    continue;
                }
                for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                    if (address instanceof Inet4Address && !address.isLoopbackAddress()
                            && !address.isLinkLocalAddress()) {
                        return address.getHostAddress();
                    }
                }
            }
        } catch (SocketException e) {
            // no interfaces to look at: fall back to loopback
        }
        return "127.0.0.1";
    }

    private static long detectMemTotalKi() {
        for (String line : lines(Path.of("/proc/meminfo"))) {
            if (line.startsWith("MemTotal:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return java.lang.Runtime.getRuntime().maxMemory() / 1024;
    }

    private static String detectOsImage() {
        for (String line : lines(Path.of("/etc/os-release"))) {
            if (line.startsWith("PRETTY_NAME=")) {
                return line.substring("PRETTY_NAME=".length()).replace("\"", "").trim();
            }
        }
        return "Linux";
    }

    private static String firstLine(Path file, String fallback) {
        List<String> lines = lines(file);
        return lines.isEmpty() || lines.get(0).isBlank() ? fallback : lines.get(0).trim();
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            return List.of();
        }
    }
}
