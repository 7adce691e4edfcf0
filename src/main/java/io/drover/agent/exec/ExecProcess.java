package io.drover.agent.exec;

import io.drover.agent.runtime.Pty;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One exec'd command running on the host (command line in {@link ExecCommandLine}): its pipes,
 * its exit status, terminal resizing and killing its whole process tree.
 */
final class ExecProcess implements RemoteStreams {
    private static final Logger log = LoggerFactory.getLogger(ExecProcess.class);

    private final Process process;
    private final List<String> command;
    private final boolean stdin;
    private final boolean tty;

    private ExecProcess(Process process, ExecOptions options) {
        this.process = process;
        this.command = options.command();
        this.stdin = options.stdin();
        this.tty = options.tty();
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
        return new ExecProcess(builder.start(), options);
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

    /** An exec'd command does not outlive its client: its whole tree is killed. */
    @Override
    public void abandon() {
        if (process.isAlive()) {
            log.info("exec {}: killing {}", process.pid(), command);
            killTree();
        }
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
