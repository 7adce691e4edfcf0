package io.drover.agent;

import io.drover.agent.runtime.TaskSecurity;
import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.SecurityContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The capabilities a container's processes may hold, from its securityContext, as containerd's CRI
 * plugin computes them for runc: the engine's default set, then {@code add} and {@code drop}
 * ("ALL" first, then each name, a drop winning over an add); a privileged container keeps them all.
 */
final class ContainerCapabilities {

    /** containerd's default set for a container that is not privileged (oci.defaultUnixCaps). */
    static final List<String> DEFAULT = List.of("CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER",
            "CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP",
            "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE");

    private static final String ALL = "ALL";
    /** CAP_SETPCAP's bit: what it takes to lower a child's bounding set. */
    private static final int CAP_SETPCAP = 8;

    private final boolean agentMayBound;
    private final List<String> kernelCapabilities;

    /**
     * @param agentMayBound whether the agent holds CAP_SETPCAP, without which it cannot limit a task's set
     * @param lastCapability the highest capability number the kernel knows ({@code /proc/sys/kernel/cap_last_cap})
     */
    ContainerCapabilities(boolean agentMayBound, int lastCapability) {
        this.agentMayBound = agentMayBound;
        this.kernelCapabilities = TaskSecurity.LINUX_CAPABILITIES.subList(0,
                Math.min(lastCapability + 1, TaskSecurity.LINUX_CAPABILITIES.size()));
    }

    /** For the agent of this process, from its effective capabilities and the kernel's. */
    static ContainerCapabilities ofThisProcess() {
        return new ContainerCapabilities(effectiveHas(Path.of("/proc/self/status"), CAP_SETPCAP),
                lastCapability(Path.of("/proc/sys/kernel/cap_last_cap")));
    }

    static int lastCapability(Path capLastCap) {
        try {
            // Read as lines: Files.readString trusts the size procfs reports and returned "4" of "40" here.
            return Integer.parseInt(Files.readAllLines(capLastCap).get(0).trim());
        } catch (IOException | NumberFormatException | IndexOutOfBoundsException e) {
            return TaskSecurity.LINUX_CAPABILITIES.size() - 1;
        }
    }

    /**
     * The bounding set of the container's tasks; empty to keep the agent's, for a privileged
     * container or an agent that cannot lower it (an agent without CAP_SETPCAP, not root, gives its
     * tasks no capabilities anyway).
     */
    Optional<Set<String>> of(SecurityContext context) {
        if (!agentMayBound || context != null && Boolean.TRUE.equals(context.getPrivileged())) {
            return Optional.empty();
        }
        Capabilities requested = context == null ? null : context.getCapabilities();
        List<String> add = requested == null || requested.getAdd() == null ? List.of() : requested.getAdd();
        List<String> drop = requested == null || requested.getDrop() == null ? List.of() : requested.getDrop();
        Set<String> caps = new LinkedHashSet<>(DEFAULT);
        if (add.stream().anyMatch(ContainerCapabilities::isAll)) {
            caps.addAll(kernelCapabilities);
        }
        if (drop.stream().anyMatch(ContainerCapabilities::isAll)) {
            caps.clear();
        }
        add.stream().filter(c -> !isAll(c)).map(ContainerCapabilities::linuxName).forEach(caps::add);
        drop.stream().filter(c -> !isAll(c)).map(ContainerCapabilities::linuxName).forEach(caps::remove);
        caps.retainAll(kernelCapabilities); // as containerd, which adds only what the host knows
        return Optional.of(TaskSecurity.inLinuxOrder(caps));
    }

    /** containerd compares "ALL" in any case. */
    private static boolean isAll(String cri) {
        return cri.equalsIgnoreCase(ALL);
    }

    /** The CRI's names have no "CAP_" prefix: containerd adds it, upper-cased. */
    private static String linuxName(String cri) {
        return "CAP_" + cri.toUpperCase(Locale.ROOT);
    }

    static boolean effectiveHas(Path status, int capability) {
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("CapEff:")) {
                    long effective = Long.parseUnsignedLong(line.substring("CapEff:".length()).trim(), 16);
                    return (effective >>> capability & 1L) == 1L;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return false;
        }
        return false;
    }
}
