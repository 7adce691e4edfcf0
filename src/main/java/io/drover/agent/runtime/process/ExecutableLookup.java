package io.drover.agent.runtime.process;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Finds a task's program the way runc does before it starts a container (Go's exec.LookPath on
 * the container's PATH), so a program that does not exist is the StartError Kubernetes users know,
 * with runc's message, instead of a shell's exit status 127 after the task ran.
 */
final class ExecutableLookup {
    private ExecutableLookup() {}

    /**
     * Why {@code program} cannot be started, or empty when it can.
     *
     * @param path the task's PATH
     * @param workDir the task's working directory, which a relative name with a slash starts from
     */
    static Optional<String> problem(String program, String path, Path workDir) {
        if (program.indexOf('/') >= 0) {
            Path file = workDir.resolve(program);
            if (!Files.exists(file)) {
                return Optional.of("exec: \"" + program + "\": stat " + program + ": no such file or directory");
            }
            return executable(file) ? Optional.empty()
                    : Optional.of("exec: \"" + program + "\": permission denied");
        }
        for (String dir : path.split(":", -1)) {
            Path file = workDir.resolve(dir.isEmpty() ? "." : dir).resolve(program);
            if (executable(file)) {
                return Optional.empty();
            }
        }
        return Optional.of("exec: \"" + program + "\": executable file not found in $PATH");
    }

    private static boolean executable(Path file) {
        return Files.isRegularFile(file) && Files.isExecutable(file);
    }
}
