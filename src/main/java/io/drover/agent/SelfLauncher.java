package io.drover.agent;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Makes {@code drover} a command that pods can run ({@code command: [drover, demo-app]}): writes
 * {@code <dir>/drover}, a shell script that runs this server's own code with this server's JDK,
 * and puts {@code <dir>} first on the PATH of every pod.
 *
 * <p>Why not the {@code ./drover} launcher itself: it is rarely on PATH, it rebuilds the jar when
 * the sources are newer (a hundred replicas must not start a hundred Maven builds), and it may be
 * absent (tests run from classes). The script names the exact JDK and classpath this server runs
 * on, so a pod always runs the server's version, and is rewritten at every agent start.
 *
 * <p>Pods that run drover are small long-running workloads started many at a time, so the script
 * gives the JVM flags for that (measured in docs/BENCHMARKS.md): C1 only and the serial GC (less
 * start-up CPU and memory), small thread stacks, and an application class-data archive next to
 * the script that the first JVM to exit cleanly writes and later ones map ({@code
 * -XX:+AutoCreateSharedArchive}, JDK 19+; the JVM ignores and rewrites an archive that does not
 * match the classpath). {@code $DROVER_JAVA_OPTS} in the pod's env adds or overrides flags.
 */
final class SelfLauncher {
    static final String NAME = "drover";
    static final String MAIN_CLASS = "io.drover.cli.Main";

    private SelfLauncher() {}

    /** Writes the launcher into {@code dir} and returns the PATH for pods: {@code dir} first. */
    static String install(Path dir, String hostPath) throws IOException {
        Files.createDirectories(dir);
        Path script = dir.resolve(NAME);
        Path tmp = dir.resolve(NAME + ".tmp");
        Files.writeString(tmp, script(dir));
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.move(tmp, script, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        String base = hostPath == null || hostPath.isEmpty() ? "/usr/local/bin:/usr/bin:/bin" : hostPath;
        return dir.toAbsolutePath() + File.pathSeparator + base;
    }

    static String script(Path dir) {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        String classpath = List.of(System.getProperty("java.class.path").split(File.pathSeparator)).stream()
                .filter(entry -> !entry.isEmpty())
                .map(entry -> Path.of(entry).toAbsolutePath().toString())
                .collect(Collectors.joining(File.pathSeparator));
        List<String> flags = new ArrayList<>(List.of("--enable-native-access=ALL-UNNAMED",
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xss256k",
                "-XX:SharedArchiveFile=" + dir.toAbsolutePath().resolve(NAME + ".jsa"),
                "-XX:+AutoCreateSharedArchive"));
        return "#!/bin/sh\n"
                + "# Written by the drover node agent at start (io.drover.agent.SelfLauncher): runs the server's own\n"
                + "# drover with its JDK and never builds. DROVER_JAVA_OPTS adds JVM flags.\n"
                + "exec " + quote(java.toString()) + " "
                + flags.stream().map(SelfLauncher::quote).collect(Collectors.joining(" "))
                + " ${DROVER_JAVA_OPTS:-} -cp " + quote(classpath) + " " + MAIN_CLASS + " \"$@\"\n";
    }

    /** {@code value} as one single-quoted shell word. */
    static String quote(String value) {
        return "'" + value.replace("'", "'\\''") + "'";
    }
}
