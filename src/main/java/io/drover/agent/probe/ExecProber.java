package io.drover.agent.probe;

import io.fabric8.kubernetes.api.model.ExecAction;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * kubelet's exec probe (pkg/probe/exec): runs the command and passes on exit code 0; the output
 * (stdout and stderr, at most 10 KiB) is the event's text; a command that outlives the timeout is
 * killed and fails (ExecProbeTimeout, on by default since 1.20).
 *
 * <p>The process runtime has no container to exec into, so the command runs as a host process
 * with the container's environment, in its working directory: the spec's, else the one its main
 * process runs in. It does not join the task's session or (future) cgroup; that belongs behind the
 * Runtime seam once runtimes can exec.
 */
final class ExecProber {
    static final int MAX_OUTPUT = 10 * 1024;

    ProbeResult probe(ProbeTarget target, ExecAction action, Duration timeout) throws InterruptedException {
        List<String> command = action.getCommand() == null ? List.of() : action.getCommand();
        if (command.isEmpty() || command.get(0).isEmpty()) {
            return ProbeResult.error("exec probe of container " + target.container().getName() + " has no command");
        }
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().clear();
        builder.environment().putAll(target.instance().env());
        Path dir = workingDir(target.instance());
        if (dir != null) {
            builder.directory(dir.toFile());
        }
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            return ProbeResult.failure("exec: \"" + command.get(0) + "\": " + e.getMessage());
        }
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        Thread reader = Thread.ofVirtual().name("exec-probe-output").start(() -> drain(process.getInputStream(), output));
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                kill(process);
                return ProbeResult.failure("command " + GoQuote.of(String.join(" ", command)) + " timed out");
            }
            // A child left in the background may hold the pipe open: do not wait for it beyond the timeout.
            reader.join(timeout);
        } finally {
            kill(process);
            reader.interrupt();
        }
        String text;
        synchronized (output) {
            text = output.toString(StandardCharsets.UTF_8);
        }
        return process.exitValue() == 0 ? ProbeResult.success(text) : ProbeResult.failure(text);
    }

    private static Path workingDir(ContainerInstance instance) {
        if (instance.workingDir() != null) {
            return instance.workingDir();
        }
        try {
            return Files.readSymbolicLink(Path.of("/proc", Long.toString(instance.pid()), "cwd"));
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return null; // gone, or not ours to look at: the agent's own directory will do
        }
    }

    private static void drain(InputStream in, ByteArrayOutputStream output) {
        byte[] buffer = new byte[4096];
        try (in) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                synchronized (output) {
                    output.write(buffer, 0, Math.max(0, Math.min(n, MAX_OUTPUT - output.size())));
                }
            }
        } catch (IOException e) {
            // the process was killed or closed its output: what was read is the output
        }
    }

    private static void kill(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }
}
