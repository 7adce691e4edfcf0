package io.drover.agent.exec;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One exec'd command running on the host (command line in {@link ExecCommandLine}): its pipes,
 * its exit status, terminal resizing and killing its whole process tree.
 */
final class ExecProcess {
    private static final Logger log = LoggerFactory.getLogger(ExecProcess.class);
    /** How long a resize waits for script(1) to have started the command on its pty. */
    private static final Duration PTY_WAIT = Duration.ofSeconds(2);

    private final Process process;
    private final boolean tty;

    private ExecProcess(Process process, boolean tty) {
        this.process = process;
        this.tty = tty;
    }

    /**
     * Starts the command.
     *
     * @throws IOException when it cannot be started (working directory gone, setsid missing)
     */
    static ExecProcess start(ExecTarget target, ExecOptions options) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(ExecCommandLine.of(target, options))
                .directory(target.workingDir().toFile());
        builder.environment().clear();
        builder.environment().putAll(ExecCommandLine.launcherEnvironment());
        File devNull = new File("/dev/null");
        // A TTY command keeps its stdin pipe even without -i: script(1) would end the session at
        // EOF on it. Without TTY and -i, the command reads /dev/null, as without an attached stdin.
        if (!options.stdin() && !options.tty()) {
            builder.redirectInput(devNull);
        }
        if (!options.stdout()) {
            builder.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        }
        if (options.tty()) {
            // The pty merges the command's stderr already; script's own complaints go the same way.
            builder.redirectErrorStream(true);
        } else if (!options.stderr()) {
            builder.redirectError(ProcessBuilder.Redirect.DISCARD);
        }
        return new ExecProcess(builder.start(), options.tty());
    }

    long pid() {
        return process.pid();
    }

    OutputStream stdin() {
        return process.getOutputStream();
    }

    InputStream stdout() {
        return process.getInputStream();
    }

    InputStream stderr() {
        return process.getErrorStream();
    }

    int waitFor() throws InterruptedException {
        return process.waitFor();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Sets the size of the command's terminal: {@code stty} on the pty's slave side, which the
     * command's first process (script's child) has as stdin. The kernel sends SIGWINCH to the
     * terminal's foreground group, as for a local terminal. No-op without a TTY.
     */
    void resize(TerminalSize size) throws IOException, InterruptedException {
        if (!tty) {
            return;
        }
        Optional<Path> pty = awaitPty();
        if (pty.isEmpty()) {
            log.debug("exec {}: no pty to resize (command gone or not started)", process.pid());
            return;
        }
        Process stty = new ProcessBuilder("stty", "-F", pty.get().toString(),
                "cols", Integer.toString(size.width()), "rows", Integer.toString(size.height()))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        stty.waitFor(5, TimeUnit.SECONDS);
        stty.destroyForcibly();
    }

    /**
     * The pty's slave device, once script(1) has forked the command. The first size arrives right
     * after the connection opens, so it may race with that fork: poll briefly and boundedly.
     */
    private Optional<Path> awaitPty() throws InterruptedException {
        Instant deadline = Instant.now().plus(PTY_WAIT);
        while (process.isAlive()) {
            Optional<Path> pty = process.children()
                    .map(child -> Path.of("/proc", Long.toString(child.pid()), "fd", "0"))
                    .flatMap(fd -> {
                        try {
                            return java.util.stream.Stream.of(Files.readSymbolicLink(fd));
                        } catch (IOException e) {
                            return java.util.stream.Stream.empty();
                        }
                    })
                    .filter(p -> p.startsWith("/dev/pts/"))
                    .findFirst();
            if (pty.isPresent() || Instant.now().isAfter(deadline)) {
                return pty;
            }
            Thread.sleep(10);
        }
        return Optional.empty();
    }

    /**
     * SIGKILL to the command's whole tree: its process group (it leads one) and every descendant
     * and the groups they lead (script's child leads a session of its own). Processes that left the
     * tree (double-forked daemons) escape unless the container's cgroup holds them.
     */
    void killTree() {
        if (!process.isAlive()) {
            return;
        }
        List<ProcessHandle> tree = new ArrayList<>();
        tree.add(process.toHandle());
        process.descendants().forEach(tree::add);
        List<String> kill = new ArrayList<>(List.of("kill", "-KILL", "--"));
        for (ProcessHandle p : tree) {
            kill.add("-" + p.pid());
            kill.add(Long.toString(p.pid()));
        }
        try {
            Process killer = new ProcessBuilder(kill)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            killer.waitFor(5, TimeUnit.SECONDS);
        } catch (IOException e) {
            log.warn("exec {}: kill(1) failed: {}", process.pid(), e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // kill(1) may be missing a pid that forked just now; signal each known process directly too.
        tree.forEach(ProcessHandle::destroyForcibly);
    }
}
