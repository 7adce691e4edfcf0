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
 */
public record HostFacts(String nodeName, String internalIp, int cpus, long memoryKi, String kernelVersion, String osImage,
        String architecture, String machineId, String systemUuid, String bootId) {

    static HostFacts detect(String nodeName) {
        return new HostFacts(nodeName, detectInternalIp(), java.lang.Runtime.getRuntime().availableProcessors(),
                detectMemTotalKi(), firstLine(Path.of("/proc/sys/kernel/osrelease"), "unknown"), detectOsImage(),
                kubernetesArch(), firstReadable(Path.of("/etc/machine-id"), Path.of("/var/lib/dbus/machine-id")),
                firstReadable(Path.of("/sys/class/dmi/id/product_uuid")),
                firstReadable(Path.of("/proc/sys/kernel/random/boot_id")));
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

    /** The Node's capacity and allocatable: all CPUs and memory, and the pod limit. */
    Map<String, Quantity> allocatable(String maxPods) {
        return Map.of("cpu", new Quantity(Integer.toString(cpus)), "memory", new Quantity(memoryKi + "Ki"),
                "pods", new Quantity(maxPods));
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
