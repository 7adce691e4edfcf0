package io.drover.agent.runtime.process;

import io.drover.agent.runtime.TaskSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether a process task gets its pod's resolv.conf: only when the spec asks for one and the agent
 * runs as root, since a mount namespace and a bind mount need CAP_SYS_ADMIN. Rootless, the task
 * sees the host's /etc/resolv.conf and finds services through their environment variables.
 */
public final class PodResolvConfMount {
    private static final boolean ROOT = effectiveUidIsRoot();

    private PodResolvConfMount() {}

    /** Whether per-task resolv.conf files are applied on this machine. */
    public static boolean supported() {
        return ROOT;
    }

    /** The monitor's {@code $5}: the file to bind over /etc/resolv.conf, or empty for the host's. */
    static String argument(TaskSpec spec) {
        return spec.resolvConf() == null || !ROOT ? "" : spec.resolvConf().toAbsolutePath().toString();
    }

    /** The effective uid from /proc/self/status ("Uid: real effective saved fs"). */
    public static boolean effectiveUidIsRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return line.split("\\s+")[2].equals("0");
                }
            }
        } catch (IOException | ArrayIndexOutOfBoundsException e) {
            // not Linux: fall back to the user name
        }
        return "root".equals(System.getProperty("user.name"));
    }
}
