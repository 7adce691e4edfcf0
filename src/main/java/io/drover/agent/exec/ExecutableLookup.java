package io.drover.agent.exec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds an exec'd command's program before it is started, as runc does (Go's exec.LookPath on the
 * container's PATH), so that a program the container does not have is the runtime's error, not the
 * exit status 127 of a launcher in between. A name with a slash is taken as a path (relative to the
 * working directory); any other is looked for in each PATH entry (an empty one is the working directory).
 */
final class ExecutableLookup {
    private ExecutableLookup() {}

    /** @throws IOException worded as runc words it, when the program is not there or cannot be run */
    static void check(ExecTarget target, String program) throws IOException {
        Path root = target.mountNamespace().map(ns -> ns.getParent().getParent().resolve("root")).orElse(Path.of("/"));
        if (program.contains("/")) {
            Path file = inContainer(root, target.workingDir().resolve(program));
            if (!Files.exists(file)) {
                throw new IOException("exec: \"" + program + "\": stat " + program + ": no such file or directory");
            }
            if (!isExecutableFile(file)) {
                throw new IOException("exec: \"" + program + "\": permission denied");
            }
            return;
        }
        String path = target.env().getOrDefault("PATH", ExecCommandLine.DEFAULT_PATH);
        for (String dir : path.split(":", -1)) {
            Path base = dir.isEmpty() ? target.workingDir() : target.workingDir().resolve(dir);
            if (isExecutableFile(inContainer(root, base.resolve(program)))) {
                return;
            }
        }
        throw new IOException("exec: \"" + program + "\": executable file not found in $PATH");
    }

    /** The file as the container sees it: under its mount namespace's root ({@code /proc/<pid>/root}) when it has its own. */
    private static Path inContainer(Path root, Path absolute) {
        return root.resolve(Path.of("/").relativize(absolute.normalize()).toString());
    }

    private static boolean isExecutableFile(Path file) {
        return Files.isRegularFile(file) && Files.isExecutable(file);
    }
}
