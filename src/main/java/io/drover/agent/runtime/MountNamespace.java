package io.drover.agent.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A task's own mount namespace, which a command run "inside" the task must enter to see the task's
 * files: as root, a pod with its own resolv.conf runs in a private mount namespace (see
 * {@code PodResolvConfMount}), and {@code kubectl exec POD -- cat /etc/resolv.conf} has to show
 * that file, not the host's. {@code nsenter --mount} (util-linux) enters it and execs the rest in
 * place, so the pid the caller started stays the command's.
 */
public final class MountNamespace {
    private static final Path OWN = Path.of("/proc/self/ns/mnt");

    private MountNamespace() {}

    /** {@code /proc/<pid>/ns/mnt} when that process has a mount namespace other than the agent's; else empty. */
    public static Optional<Path> of(long pid) {
        Path ns = Path.of("/proc", Long.toString(pid), "ns", "mnt");
        try {
            // The links read "mnt:[inode]": equal when the namespaces are the same.
            return Files.readSymbolicLink(ns).equals(Files.readSymbolicLink(OWN)) ? Optional.empty() : Optional.of(ns);
        } catch (IOException | UnsupportedOperationException e) {
            // Gone, or not ours to read (the agent is not root, so there is no private namespace either).
            return Optional.empty();
        }
    }

    /**
     * The command prefix that runs the rest in {@code namespace} with {@code workingDir} as working
     * directory (entering a mount namespace resets it to the namespace's root); empty for none.
     */
    public static List<String> enter(Optional<Path> namespace, Path workingDir) {
        return namespace.map(ns -> List.of("nsenter", "--mount=" + ns, "--wd=" + workingDir.toAbsolutePath(), "--"))
                .orElse(List.of());
    }
}
