package io.drover.agent.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Pseudo-terminals for commands and tasks. Java has no pty API, so {@code script(1)} from
 * util-linux provides one: {@code script -qfec CMD /dev/null} runs {@code $SHELL -c CMD} (else
 * {@code /bin/sh}) on a new pty in a new session, copies its own stdin to the pty master and the
 * master to its stdout, flushes every write ({@code -f}), records nothing ({@code /dev/null}) and
 * exits with the command's status ({@code -e}). The pty echoes input ({@code --echo always}, even
 * when script's stdin is no terminal) and merges stderr into stdout, as a container's terminal does.
 * script forwards SIGTERM to the command.
 */
public final class Pty {
    /** Where script(1) is; absolute, because a container's PATH need not contain it. */
    public static final String SCRIPT = "/usr/bin/script";
    /** How long a resize waits for script(1) to have started the command on its pty. */
    private static final Duration PTY_WAIT = Duration.ofSeconds(2);

    private Pty() {}

    /** {@code command} run on a pty of its own. */
    public static List<String> wrap(List<String> command) {
        return List.of(SCRIPT, "-q", "-f", "-e", "--echo", "always", "-c", "exec " + shellQuoted(command), "/dev/null");
    }

    /** The words quoted for {@code sh -c}: each in single quotes, a quote inside as {@code '\''}. */
    public static String shellQuoted(List<String> words) {
        return words.stream().map(w -> "'" + w.replace("'", "'\\''") + "'").collect(Collectors.joining(" "));
    }

    /**
     * Sets the size of the terminal that {@code script} (a process {@link #wrap} started) runs its
     * command on: {@code stty} on the pty's slave side, which script's child has as stdin. The
     * kernel sends SIGWINCH to the terminal's foreground group, as for a local terminal. The first
     * size may arrive before script has forked its child: that is waited for, briefly.
     *
     * @return false when no pty was found (script gone, or not a script process)
     */
    public static boolean resize(ProcessHandle script, int columns, int rows) throws IOException, InterruptedException {
        Optional<Path> pty = awaitSlave(script);
        if (pty.isEmpty()) {
            return false;
        }
        List<String> stty = new ArrayList<>(List.of("stty", "-F", pty.get().toString(),
                "cols", Integer.toString(columns), "rows", Integer.toString(rows)));
        Process p = new ProcessBuilder(stty)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        p.waitFor(5, TimeUnit.SECONDS);
        p.destroyForcibly();
        return true;
    }

    private static Optional<Path> awaitSlave(ProcessHandle script) throws InterruptedException {
        long deadline = System.nanoTime() + PTY_WAIT.toNanos();
        while (script.isAlive()) {
            Optional<Path> pty = script.children()
                    .map(child -> Path.of("/proc", Long.toString(child.pid()), "fd", "0"))
                    .flatMap(fd -> {
                        try {
                            return Stream.of(Files.readSymbolicLink(fd));
                        } catch (IOException e) {
                            return Stream.empty();
                        }
                    })
                    .filter(p -> p.startsWith("/dev/pts/"))
                    .findFirst();
            if (pty.isPresent() || System.nanoTime() > deadline) {
                return pty;
            }
            Thread.sleep(10);
        }
        return Optional.empty();
    }
}
