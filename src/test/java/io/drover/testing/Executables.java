package io.drover.testing;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the tools tests drive (kubectl, ...) the way a shell would. */
public final class Executables {
    private Executables() {}

    /** The first executable {@code name} on the PATH, else {@code fallback} when executable, else null. */
    public static Path find(String name, Path fallback) {
        String path = System.getenv("PATH");
        if (path != null) {
            for (String entry : path.split(File.pathSeparator)) {
                Path candidate = entry.isEmpty() ? null : Path.of(entry, name);
                if (candidate != null && Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
        }
        return Files.isExecutable(fallback) ? fallback : null;
    }
}
