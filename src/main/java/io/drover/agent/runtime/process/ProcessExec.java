package io.drover.agent.runtime.process;

import io.drover.agent.runtime.TaskException;
import io.drover.agent.runtime.TaskExec.ExecResult;
import io.drover.agent.runtime.TaskExec.TaskEnvironment;
import io.drover.agent.runtime.MountNamespace;
import io.drover.agent.runtime.TaskHandle;
import io.drover.agent.runtime.TaskSecurity;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs a command "inside" a process task: with the task's environment (as {@link #saveEnv} kept
 * it at start; the main process's {@code /proc/<pid>/environ} is not it until setsid and env have
 * exec'd the command, and a hook may run before that), in its working directory, in its cgroup (so
 * it counts against the task's limits and dies with it), in a session of its own (so a timeout
 * kills all it started), and in its mount namespace when it has one (a pod's own resolv.conf).
 * This is what a container runtime's exec gives, minus the namespaces the process runtime does
 * not have.
 */
final class ProcessExec {
    /** Joins the cgroup ({@code $1}: procs files), then execs {@code env} with the rest. */
    private static final String ENTER = """
            for f in $1; do printf '0\\n' >"$f" || exit 125; done; shift
            exec /usr/bin/env -i --default-signal "$@"
            """;

    static final String ENV_FILE = "env";
    static final String WORKDIR_FILE = "workdir";
    private final String setsid;
    private final String kill;

    ProcessExec(String setsid, String kill) {
        this.setsid = setsid;
        this.kill = kill;
    }

    /**
     * Keeps a task's environment (NAME=VALUE, NUL-separated, owner-only: it may hold secrets) and
     * working directory in its directory, for execs, also after an agent restart.
     */
    static void saveEnv(Path taskDir, Map<String, String> env, Path workDir) throws IOException {
        StringBuilder text = new StringBuilder();
        env.forEach((k, v) -> text.append(k).append('=').append(v).append('\0'));
        Path tmp = taskDir.resolve(ENV_FILE + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, taskDir.resolve(ENV_FILE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        Files.writeString(taskDir.resolve(WORKDIR_FILE), workDir.toAbsolutePath().toString(), StandardCharsets.UTF_8);
    }

    /** The environment and working directory {@link #saveEnv} kept, with the cgroup files to join. */
    static Optional<TaskEnvironment> environment(TaskHandle h, Path taskDir, List<Path> cgroupProcs) {
        try {
            Map<String, String> env = new LinkedHashMap<>();
            for (String entry : Files.readString(taskDir.resolve(ENV_FILE), StandardCharsets.UTF_8).split("\0")) {
                int eq = entry.indexOf('=');
                if (eq > 0) {
                    env.put(entry.substring(0, eq), entry.substring(eq + 1));
                }
            }
            Path cwd = Path.of(Files.readString(taskDir.resolve(WORKDIR_FILE), StandardCharsets.UTF_8));
            return Optional.of(new TaskEnvironment(env, cwd, cgroupProcs, MountNamespace.of(h.pid()),
                    TaskSecurity.readFrom(h.state())));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new TaskException("task " + h.taskId() + ": cannot read its environment: " + e.getMessage(), e);
        }
    }

    ExecResult run(TaskHandle h, Path taskDir, TaskCgroup cgroup, List<String> command, Duration timeout)
            throws InterruptedException {
        if (command.isEmpty() || command.get(0).isEmpty() || command.get(0).indexOf('=') >= 0) {
            throw new IllegalArgumentException("command: " + command + " (expected: a program, without '=', and its arguments)");
        }
        List<String> env;
        Path cwd;
        try {
            env = List.of(Files.readString(taskDir.resolve(ENV_FILE), StandardCharsets.UTF_8).split("\0"));
            cwd = Path.of(Files.readString(taskDir.resolve(WORKDIR_FILE), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new TaskException("task " + h.taskId() + ": cannot read its environment: " + e.getMessage(), e);
        }
        if (ProcFs.stat(h.pid()).filter(s -> s.startTime() == h.startTime() && !s.ended()).isEmpty()) {
            throw new TaskException("task " + h.taskId() + " is not running");
        }
        List<String> argv = new ArrayList<>(MountNamespace.enter(MountNamespace.of(h.pid()), cwd));
        argv.addAll(List.of(setsid, "/bin/sh", "-c", ENTER, "drover-exec",
                cgroup == null ? "" : String.join(" ", cgroup.procsFiles().stream().map(Path::toString).toList()), "--"));
        env.stream().filter(v -> !v.isEmpty()).forEach(argv::add);
        argv.addAll(TaskSecurity.readFrom(h.state()).setpriv());
        argv.addAll(command);
        ProcessBuilder pb = new ProcessBuilder(argv).directory(cwd.toFile()).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().clear();
        pb.environment().put("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new TaskException("task " + h.taskId() + ": cannot exec " + command + ": " + e.getMessage(), e);
        }
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        Thread reader = Thread.ofVirtual().name("exec-output-" + h.taskId()).start(() -> copyBounded(p.getInputStream(), output));
        boolean ended = p.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS);
        if (!ended) {
            killSession(p.pid());
            p.waitFor();
        }
        reader.join(Duration.ofSeconds(1)); // a grandchild holding the pipe must not hold the caller
        String text;
        synchronized (output) {
            text = output.toString(StandardCharsets.UTF_8);
        }
        return new ExecResult(ended ? p.exitValue() : 137, text, !ended);
    }

    /** setsid(1) exec'd in place, so the child's pid leads its session: kill that group. */
    private void killSession(long pid) throws InterruptedException {
        try {
            new ProcessBuilder(kill, "-s", "KILL", "--", "-" + pid).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
        } catch (IOException e) {
            throw new TaskException("cannot run " + kill + ": " + e.getMessage(), e);
        }
    }

    private static void copyBounded(InputStream in, ByteArrayOutputStream out) {
        byte[] buf = new byte[4096];
        try (in) {
            int n;
            while ((n = in.read(buf)) >= 0) {
                synchronized (out) {
                    int room = ExecResult.OUTPUT_LIMIT - out.size();
                    if (room > 0) {
                        out.write(buf, 0, Math.min(room, n));
                    }
                }
            }
        } catch (IOException e) {
            // the process ended or was killed: what was read is the output
        }
    }
}
