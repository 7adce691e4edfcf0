package io.drover.agent.exec;

import io.drover.agent.runtime.Pty;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One exec'd command running on the host (command line in {@link ExecCommandLine}): its pipes,
 * its exit status, terminal resizing, and what a client that goes away leaves it with.
 *
 * <p>A command outlives its client, as under containerd and CRI-O: the kubelet only closes the
 * session's streams, and the runtime runs the exec with a context of its own, so the process reads
 * end of file on its stdin and runs to its end (kubernetes/kubernetes#89031, containerd/cri#1256).
 * fabric8's upload depends on it: it speaks v4, which has no stdin-close signal, so closing the
 * connection is how it ends the {@code cat - > file} that receives the archive. What keeps such a
 * command from running for good is the container: it is stopped with it ({@link SessionOwner}).
 */
final class ExecProcess implements RemoteStreams {
    private static final Logger log = LoggerFactory.getLogger(ExecProcess.class);

    private final Process process;
    private final List<String> command;
    private final boolean stdin;
    private final boolean tty;
    private final SessionOwner sessions;

    private ExecProcess(Process process, ExecOptions options, SessionOwner sessions) {
        this.process = process;
        this.command = options.command();
        this.stdin = options.stdin();
        this.tty = options.tty();
        this.sessions = sessions;
    }

    /**
     * Starts the command, in a session of its own that ends with the container.
     *
     * @throws IOException when it cannot be started (its program missing, working directory gone, setsid missing)
     */
    static ExecProcess start(ExecTarget target, ExecOptions options) throws IOException {
        ExecutableLookup.check(target, options.command().get(0));
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
        Process process = builder.start();
        // setsid(1) and what follows it exec in place, so the pid is the id of the session it makes.
        target.sessions().adopt(process.pid());
        return new ExecProcess(process, options, target.sessions());
    }

    @Override
    public InputStream stdout() {
        return process.getInputStream();
    }

    @Override
    public InputStream stderr() {
        return process.getErrorStream();
    }

    @Override
    public void writeStdin(byte[] data) throws IOException {
        if (stdin) {
            OutputStream pipe = process.getOutputStream();
            pipe.write(data);
            pipe.flush();
        }
    }

    /** The command reads end of file. */
    @Override
    public void endStdin() throws IOException {
        process.getOutputStream().close();
    }

    /** The exit status: success, or client-go's NonZeroExitCode. */
    @Override
    public ObjectNode awaitEnd() throws InterruptedException {
        int code = process.waitFor();
        return code == 0 ? ExecStatus.success() : ExecStatus.exitCode(command, code);
    }

    /**
     * The client went away before the end, which ends the command's input and nothing else, as
     * the kubelet and the container runtime do: without a terminal the command reads end of file
     * and runs on to its end, its output read and dropped by the session; with one, the terminal
     * hangs up.
     */
    @Override
    public void abandon() {
        if (!process.isAlive()) {
            return;
        }
        if (tty) {
            hangUp();
            return;
        }
        try {
            endStdin();
        } catch (IOException e) {
            log.debug("exec {}: closing stdin failed: {}", process.pid(), e.getMessage());
        }
    }

    /**
     * Hangs up the command's terminal as a container runtime does when the exec's stdin ends
     * (containerd's shim then closes the console, the pty master): script(1), which holds the
     * master, is killed, and the kernel sends SIGHUP and SIGCONT to the session on the pty, whose
     * reads see end of file from then on; when its leader ends, its foreground group gets SIGHUP
     * too. An interactive shell ends; a program that ignores SIGHUP runs on, as in a container.
     * The session on the pty (script's child made it) leaves the command's tree with script, so
     * it is handed to the container first. Closing script's stdin instead would only type ^D,
     * which a program in raw mode (an editor, top) reads as a key.
     */
    private void hangUp() {
        process.children().forEach(child -> sessions.adopt(child.pid()));
        log.info("exec {}: hanging up the terminal of {}", process.pid(), command);
        process.destroyForcibly();
    }

    @Override
    public void release() {
        // The pipes close with the pumps and the process.
    }

    /** Sets the size of the command's terminal ({@link Pty#resize}); no-op without a TTY. */
    @Override
    public void resize(TerminalSize size) throws IOException, InterruptedException {
        if (tty && !Pty.resize(process.toHandle(), size.width(), size.height())) {
            log.debug("exec {}: no pty to resize (command gone or not started)", process.pid());
        }
    }
}
