package io.drover.agent.runtime.process;

import io.drover.agent.runtime.Capabilities;
import io.drover.agent.runtime.Passwd;
import io.drover.agent.runtime.TaskUser;
import io.drover.agent.runtime.Pty;
import io.drover.agent.runtime.TaskAttach;
import io.drover.agent.runtime.TaskStreams;
import io.drover.agent.runtime.ExitResult;
import io.drover.agent.runtime.Runtime;
import io.drover.agent.runtime.TaskExec;
import io.drover.agent.runtime.TaskException;
import io.drover.agent.runtime.TaskHandle;
import io.drover.agent.runtime.TaskSpec;
import io.drover.agent.runtime.TaskStatus;
import io.drover.agent.runtime.process.ProcFs.Stat;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code process} runtime: each task is a supervised host process in its own session and
 * process group, so no container engine is needed.
 *
 * <h2>How a task is launched, and why this way</h2>
 *
 * <pre>
 *   agent JVM
 *    └─ setsid --wait sh -c MONITOR      the monitor: own session, survives the agent
 *        └─ setsid env -i --default-signal NAME=VALUE... -- command...
 *                                        the task: pid = process group id = session id
 * </pre>
 *
 * <p><b>The task leads its own session and group</b>, so {@code kill -- -<pid>} reaches every
 * process it starts and none of them shares a group with the agent. {@code setsid(1)} calls
 * {@code setsid(2)} and then {@code exec}s, so the pid does not change; it would fork only if its
 * caller already led a group, which a background job of a shell without job control never does.
 *
 * <p><b>Why a monitor and not just the task</b>: only a process's parent can read its exit status.
 * If the agent JVM were the parent, a task recovered after an agent restart would have an unknown
 * exit code. A wrapper in the task's own group ({@code sh -c 'cmd; echo $? > exit'}) would not
 * do either: the group's SIGTERM and SIGKILL reach the wrapper too, which then dies before
 * recording anything, and the task would no longer be the pid the agent signals. So a tiny
 * {@code /bin/sh} monitor, in a session of its own (outside the task's group, untouched by its
 * signals, and not killed with the agent's terminal or group), forks the task, {@code wait}s for
 * it, writes the shell status ({@code 128+n} for signal {@code n}, as Kubernetes reports it) to
 * {@code <task-dir>/exit} (write-then-rename), kills what is left of the task's group (a task
 * ends when its main process ends, as in a container), and exits with the same status. The task
 * itself {@code exec}s with nothing in between, so its signal semantics are its own.
 *
 * <p><b>Clean signal state and environment</b>: a shell starts background jobs with SIGINT and
 * SIGQUIT ignored; {@code env --default-signal} (coreutils ≥ 8.31) restores every signal to its
 * default before the command runs. {@code env -i} gives the task exactly {@link TaskSpec#env()}:
 * the monitor itself runs with a fixed minimal environment, so nothing of the agent leaks in and
 * no task variable (IFS...) can change how the monitor's script runs. stdin is {@code /dev/null},
 * or a FIFO that attached clients write to for a container with {@code stdin} or {@code tty}
 * (see {@link #MONITOR}).
 *
 * <p><b>Identity</b>: the task's subshell prints its own {@code /proc/self/stat} before it
 * {@code exec}s, so the agent learns the pid and start time even of a task that ends at once.
 * Start time (clock ticks since boot) plus pid is the task's identity in the {@link TaskHandle};
 * a pid now held by a process with another start time is not the task. The kernel does not hand
 * out a pid while it is still some process's session or group id, so while any process of the
 * task's session lives, the session id is the task's.
 *
 * <p><b>Waiting</b>: for tasks this instance started, {@link Process#waitFor} on the monitor
 * (no polling); for recovered ones, polling {@code /proc} every {@value #POLL_MILLIS} ms until
 * the exit file appears or both the task and its monitor are gone (then the status is {@link
 * ExitResult#lost lost}).
 *
 * <p><b>Stopping</b>: SIGTERM to the task's main process only, as containerd signals a
 * container's init alone; its children are left for it to stop. Once the main process has ended,
 * or when the grace period ends, SIGKILL to every group and every process left in the task's
 * session and cgroup (the monitor kills them too when the main process ends, as a container's PID
 * namespace goes with its init).
 *
 * <p><b>One task per id at a time</b>: a task's directory is {@code <root>/<id>}; starting an id
 * again (a container restart) clears the previous exit file, so the caller starts it only after
 * the previous run has ended.
 *
 * <p><b>Cgroups</b> ({@link Cgroups}, when this machine's are writable): each task gets a cgroup
 * of its own, created with the task's limits before it starts. The task's subshell moves itself
 * into it (writing {@code 0} to {@code cgroup.procs}) before it {@code exec}s, so the task and
 * everything it ever starts are inside from their first instruction, while the monitor stays
 * outside (a memory limit never kills the monitor, and the monitor survives to record the exit).
 * The cgroup lists processes that {@code setsid} or double-fork away from the task's session, so
 * stopping and the monitor's clean-up reach them too; its OOM kill count turns an exit into
 * {@link ExitResult#oomKilled()}. Its name is in the handle's state, so a recovered task keeps
 * it; {@link #destroy} removes it. Without usable cgroups the runtime logs one warning and runs
 * tasks without limits, as before.
 *
 * <p><b>Exec'd commands</b> ({@code kubectl exec}) lead sessions of their own and run on after
 * their client leaves, as in Kubernetes: a task with a cgroup holds them in it; without one,
 * their sessions are adopted ({@link #adoptSession}) and stopping the task kills them after it.
 *
 * <p><b>Limits</b>: without cgroups a process that calls {@code setsid} itself leaves the task's
 * session and is not found; nor are commands exec'd before the agent restarted. If something kills the monitor too (e.g. systemd stopping the agent's
 * unit with the default {@code KillMode=control-group}), the task's exit status is lost.
 */
public final class ProcessRuntime implements Runtime, TaskExec, TaskAttach {

    static final String NAME = "process";
    private static final Logger log = LoggerFactory.getLogger(ProcessRuntime.class);

    static final long POLL_MILLIS = 20;
    private static final String EXIT_FILE = "exit";
    private static final String MONITOR_LOG = "monitor.log";
    private static final String STDIN_FIFO = "stdin";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration KILL_TIMEOUT = Duration.ofSeconds(10);
    private static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    /**
     * The monitor: {@code $1} task dir, {@code $2} stdout log, {@code $3} stderr log, {@code $4}
     * the task cgroup's {@code cgroup.procs} files separated by spaces (empty without cgroups),
     * {@code $5} the file to bind over /etc/resolv.conf in a mount namespace of the task's own
     * (empty: the host's; unshare and sh exec, so the task keeps the pid printed before), {@code
     * $6} the FIFO the task reads as stdin (empty: /dev/null), then {@code env} arguments and the
     * command. Prints its own stat line, then the task's, on stdout. When the task ends it kills
     * what is left of its group and, up to 50 rounds, of its cgroup, or without one of its session
     * (a process may fork while it is being killed): what a container's PID namespace takes with
     * its init process.
     *
     * <p>The stdin FIFO is made afresh for each run. The monitor holds it open read-write on fd 3
     * for as long as the task's stdin is to stay open: the task's read-only open then does not
     * block, and the task never reads end of file while no client is attached (as a container's
     * stdin, held by its shim). SIGUSR1 makes the monitor close fd 3 (stdinOnce: the first
     * attached client is gone), and the task reads end of file once the attached writers are gone
     * too. The trapped signal interrupts {@code wait} (status 128 + 10), so then the monitor waits
     * again; the shell keeps the task's status until it is waited for.
     */
    private static final String MONITOR = """
            d=$1 o=$2 e=$3 g=$4 r=$5 i=$6; shift 6
            read -r m </proc/self/stat; printf '%s\\n' "$m"
            if [ -n "$i" ]; then
              rm -f "$i" && mkfifo -m 600 "$i" && exec 3<>"$i" || exit 125
              trap 'exec 3>&-; u=1' USR1
            else
              i=/dev/null
            fi
            ( exec 3>&-
              for f in $g; do printf '0\\n' >"$f" || exit 125; done
              read -r s </proc/self/stat; printf '%s\\n' "$s"
              [ -z "$r" ] || exec /usr/bin/unshare --mount --propagation private /bin/sh -c \
                'mount --bind "$0" /etc/resolv.conf || exit 125; exec "$@"' "$r" \
                /usr/bin/setsid /usr/bin/env -i --default-signal "$@" <"$i" >>"$o" 2>>"$e"
              exec /usr/bin/setsid /usr/bin/env -i --default-signal "$@" <"$i" >>"$o" 2>>"$e" ) &
            p=$!
            exec >/dev/null
            u=; wait "$p"; c=$?
            while [ -n "$u" ] && [ "$c" -eq 138 ]; do u=; wait "$p"; c=$?; done
            kill -s KILL -- "-$p" 2>/dev/null
            n=0
            while [ -z "$g" ] && [ "$n" -lt 50 ]; do
              k=
              for f in /proc/[0-9]*/stat; do
                read -r s 2>/dev/null <"$f" || continue
                set -- ${s##*) }
                [ "$4" = "$p" ] && [ "$1" != Z ] && { q=${f%/stat}; k="$k ${q#/proc/}"; }
              done
              [ -n "$k" ] || break
              kill -s KILL $k 2>/dev/null; n=$((n+1))
            done
            n=0
            while [ -n "$g" ] && [ "$n" -lt 50 ] && q=$(cat "${g%% *}" 2>/dev/null) && [ -n "$q" ]; do
              kill -s KILL $q 2>/dev/null; n=$((n+1))
            done
            printf '%s\\n' "$c" >"$d/exit.tmp" && mv -f "$d/exit.tmp" "$d/exit"
            exit "$c"
            """;

    private final Path root;
    private final String setsid;
    private final String kill;
    /** This machine's cgroups, or null when they cannot be used. */
    private final Cgroups cgroups;
    private final Capabilities capabilities;
    private final ProcessExec exec;
    /** Monitors this instance started, by {@link #key}; recovered tasks have none. */
    private final Map<String, Process> monitors = new ConcurrentHashMap<>();
    /** Sessions of commands exec'd into tasks without a cgroup, which stop kills with the task. */
    private final AdoptedSessions adopted = new AdoptedSessions();

    private ProcessRuntime(Path root, Cgroups cgroups) {
        this.root = root.toAbsolutePath();
        this.setsid = executable("/usr/bin/setsid");
        this.kill = executable("/usr/bin/kill", "/bin/kill");
        executable("/usr/bin/env");
        this.cgroups = cgroups;
        boolean limits = cgroups != null && cgroups.limitsEnforced();
        this.capabilities = new Capabilities(NAME, limits);
        this.exec = new ProcessExec(setsid, kill);
    }

    /**
     * A process runtime keeping its per-task state under {@code root} (one directory per task:
     * the exit file, the monitor's log, the default working directory).
     */
    public static ProcessRuntime create(Path root) {
        Path absolute = root.toAbsolutePath();
        Cgroups.Detection found = Cgroups.detect(instanceName(absolute));
        if (found.cgroups().isEmpty()) {
            log.warn("process runtime: no usable cgroups, so CPU and memory limits are not enforced, OOM kills are "
                    + "not reported, and processes that leave their task's session are not stopped with it: {}",
                    found.problem());
        } else if (found.problem() != null) {
            log.warn("process runtime: {} tracks task processes, but CPU and memory limits are not enforced and OOM "
                    + "kills are not reported: {}", found.cgroups().get().describe(), found.problem());
        } else {
            log.info("process runtime: tasks run in their own cgroups, {}", found.cgroups().get().describe());
        }
        return new ProcessRuntime(absolute, found.cgroups().orElse(null));
    }

    /** A process runtime that uses no cgroups, as on a machine whose cgroups cannot be used (tests). */
    static ProcessRuntime withoutCgroups(Path root) {
        return new ProcessRuntime(root.toAbsolutePath(), null);
    }

    /** A short name for this runtime's cgroups, the same for every runtime on the same root. */
    private static String instanceName(Path root) {
        try {
            byte[] sha = MessageDigest.getInstance("SHA-256").digest(root.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public Capabilities capabilities() {
        return capabilities;
    }

    @Override
    public TaskHandle start(TaskSpec spec) {
        if (spec.command().get(0).indexOf('=') >= 0) {
            throw new IllegalArgumentException("command[0]: " + spec.command().get(0) + " (expected: no '=')");
        }
        Path dir = root.resolve(dirName(spec.id()));
        Path workDir;
        Map<String, String> env = new java.util.TreeMap<>(spec.env());
        env.putIfAbsent("PATH", DEFAULT_PATH);
        // runc sets HOME from the user's passwd entry when the container does not: every container has one.
        Optional<TaskUser> user = spec.security().user();
        env.putIfAbsent("HOME", Passwd.node().home(user.map(TaskUser::uid).orElseGet(Passwd::processUid)));
        killEarlierMonitors(spec.id(), dir);
        try {
            Files.createDirectories(dir);
            Files.deleteIfExists(dir.resolve(EXIT_FILE));
            workDir = spec.workingDir() != null ? spec.workingDir() : Files.createDirectories(dir.resolve("work"));
            if (spec.workingDir() == null && user.isPresent()) {
                // The task's own directory is its user's to write, as an image's working directory would be.
                Files.setAttribute(workDir, "unix:uid", (int) user.get().uid());
                Files.setAttribute(workDir, "unix:gid", (int) user.get().gid());
            }
            if (!Files.isDirectory(workDir)) {
                throw new TaskException("task " + spec.id() + ": working directory " + workDir + " does not exist");
            }
            Optional<String> notStartable = ExecutableLookup.problem(spec.command().get(0), env.get("PATH"), workDir);
            if (notStartable.isPresent()) {
                throw new TaskException("unable to start container process: " + notStartable.get());
            }
            touch(spec.stdoutLog());
            touch(spec.stderrLog());
            ProcessExec.saveEnv(dir, env, workDir);
        } catch (IOException e) {
            throw new TaskException("task " + spec.id() + ": cannot prepare " + dir + ": " + e.getMessage(), e);
        }
        TaskCgroup cgroup = createCgroup(spec);

        List<String> argv = new ArrayList<>(List.of(setsid, "--wait", "/bin/sh", "-c", MONITOR, "drover-monitor",
                dir.toString(), spec.stdoutLog().toAbsolutePath().toString(), spec.stderrLog().toAbsolutePath().toString(),
                cgroup == null ? "" : String.join(" ", cgroup.procsFiles().stream().map(Path::toString).toList()),
                PodResolvConfMount.argument(spec),
                spec.stdio().opensStream() ? dir.resolve(STDIN_FIFO).toString() : ""));
        argv.add("--");
        if (spec.stdio().tty()) {
            // containerd sets TERM for a container with a terminal too.
            env.putIfAbsent("TERM", "xterm");
        }
        env.forEach((k, v) -> argv.add(k + "=" + v));
        argv.addAll(spec.security().setpriv()); // after env, which finds it by its absolute path
        argv.addAll(spec.stdio().tty() ? Pty.wrap(spec.command()) : spec.command());

        ProcessBuilder pb = new ProcessBuilder(argv)
                .directory(workDir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.PIPE)
                .redirectError(ProcessBuilder.Redirect.appendTo(dir.resolve(MONITOR_LOG).toFile()));
        pb.environment().clear();
        pb.environment().put("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
        pb.environment().put("LC_ALL", "C");

        Process monitor;
        try {
            monitor = pb.start();
        } catch (IOException e) {
            throw new TaskException("task " + spec.id() + ": cannot start its monitor: " + e.getMessage(), e);
        }
        Stat monitorStat;
        Stat taskStat;
        try {
            List<String> lines = readLines(monitor, 2, START_TIMEOUT);
            if (lines.size() < 2) {
                monitor.destroyForcibly();
                if (cgroup != null) {
                    cgroup.killAll(); // a task the monitor started before it stopped answering
                }
                throw new TaskException("task " + spec.id() + ": monitor ended before starting it; see " + dir.resolve(MONITOR_LOG));
            }
            monitorStat = ProcFs.parse(lines.get(0));
            taskStat = ProcFs.parse(lines.get(1));
        } catch (InterruptedException e) {
            // The task runs in a session of its own: killing the monitor alone would leave it running unmanaged.
            monitor.destroyForcibly();
            if (cgroup != null) {
                cgroup.killAll();
            }
            Thread.currentThread().interrupt();
            throw new TaskException("task " + spec.id() + ": interrupted while starting", e);
        }
        Map<String, String> state = new java.util.HashMap<>(Map.of(
                "dir", dir.toString(),
                "monitorPid", Long.toString(monitorStat.pid()),
                "monitorStart", Long.toString(monitorStat.startTime())));
        if (cgroup != null) {
            state.put("cgroup", cgroup.name());
        }
        if (spec.stdio().opensStream()) {
            state.put("stdin", !spec.stdio().stdin() ? "none" : spec.stdio().stdinOnce() ? "once" : "open");
        }
        if (spec.stdio().tty()) {
            state.put("tty", "true");
        }
        spec.security().saveTo(state);
        state.put("stdout", spec.stdoutLog().toAbsolutePath().toString());
        state.put("stderr", spec.stderrLog().toAbsolutePath().toString());
        TaskHandle handle = new TaskHandle(NAME, spec.id(), taskStat.pid(), taskStat.startTime(), state);
        monitors.put(key(handle), monitor);
        awaitSessionLeader(handle);
        return handle;
    }

    @Override
    public void destroyUnrecorded(String taskId) throws InterruptedException {
        if (cgroups == null) {
            return; // without cgroups such a task cannot be told from any other process of the machine
        }
        TaskCgroup cgroup = cgroups.open(cgroups.nameFor(dirName(taskId)));
        if (cgroup.exists()) {
            List<Long> killed = cgroup.killAll();
            if (!killed.isEmpty()) {
                log.warn("task {}: killed processes {} that no handle recorded", taskId, killed);
            }
            cgroup.remove(Duration.ofSeconds(5));
        }
    }

    /**
     * Kills what an earlier start of this task left that no handle records (the agent stopped between spawning the
     * monitor and saving the handle): the monitor, which would otherwise sweep the cgroup this start re-creates and
     * write its exit into the task dir once its task is killed (fuzz round 23: a running container "restarted" with
     * 137 a second after the agent's restart), and the task it started, a session of its own that would run on
     * unmanaged (without cgroups nothing else finds it). A monitor is found by its arguments, {@code drover-monitor
     * DIR}; the monitors of this task's earlier runs have ended with them.
     */
    private void killEarlierMonitors(String taskId, Path dir) {
        List<Stat> monitors = ProcFs.withArguments(List.of("drover-monitor", dir.toString()));
        if (monitors.isEmpty()) {
            return;
        }
        Set<Long> monitorPids = monitors.stream().map(Stat::pid).collect(Collectors.toSet());
        // Before the monitors die, while the tasks are still their children; each task leads its own session.
        Set<Long> taskSessions = ProcFs.children(monitorPids).stream().map(Stat::pid).collect(Collectors.toSet());
        monitors.forEach(m -> ProcessHandle.of(m.pid()).ifPresent(ProcessHandle::destroyForcibly));
        List<Stat> tasks = ProcFs.sessions(taskSessions);
        tasks.forEach(t -> ProcessHandle.of(t.pid()).ifPresent(ProcessHandle::destroyForcibly));
        log.warn("task {}: killed the monitor {} and processes {} of an earlier start that no handle recorded", taskId,
                monitorPids, tasks.stream().map(Stat::pid).toList());
    }

    /**
     * A fresh cgroup for the task with its limits, or null without cgroups. A cgroup left by an
     * earlier run of the same id is removed first, so its OOM count starts at zero.
     */
    private TaskCgroup createCgroup(TaskSpec spec) {
        if (cgroups == null) {
            return null;
        }
        TaskCgroup cgroup = cgroups.open(cgroups.nameFor(dirName(spec.id())));
        try {
            if (cgroup.exists() && !cgroup.remove(Duration.ofSeconds(1))) {
                // The cgroup is this task's alone: what still runs in it is an earlier start of it that no handle
                // records (the agent stopped between its spawn and the handle's save). It would run unmanaged for
                // good, and the new start could never have its cgroup.
                log.warn("task {}: killing processes {} left in its cgroup by an earlier start", spec.id(),
                        cgroup.killAll());
                if (!cgroup.remove(Duration.ofSeconds(5))) {
                    throw new TaskException("task " + spec.id() + ": its cgroup " + cgroup.dirs().get(0)
                            + " still has processes " + cgroup.pids());
                }
            }
            return cgroups.create(cgroup.name(), spec.resources());
        } catch (IOException e) {
            throw new TaskException("task " + spec.id() + ": cannot create its cgroup " + cgroup.dirs().get(0)
                    + " with " + spec.resources() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TaskException("task " + spec.id() + ": interrupted while creating its cgroup", e);
        }
    }

    /** The task's cgroup, or null when it has none. */
    TaskCgroup cgroupOf(TaskHandle h) {
        String name = h.state().get("cgroup");
        return name == null || cgroups == null ? null : cgroups.open(name);
    }

    /**
     * Waits until the task has called setsid, so that stopping it can signal its group. Takes a
     * millisecond or two: the time to exec setsid(1).
     */
    private void awaitSessionLeader(TaskHandle h) {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (true) {
            Optional<Stat> s = ProcFs.stat(h.pid());
            if (s.isEmpty() || s.get().startTime() != h.startTime() || s.get().ended() || s.get().session() == h.pid()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                ProcessHandle.of(h.pid()).ifPresent(ProcessHandle::destroyForcibly);
                throw new TaskException("task " + h.taskId() + ": pid " + h.pid() + " did not become a session leader");
            }
            Thread.onSpinWait();
            sleepQuietly(1);
        }
    }

    @Override
    public Optional<ExitResult> await(TaskHandle h, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Process monitor = monitors.get(key(h));
        while (true) {
            Optional<ExitResult> result = exitResult(h);
            if (result.isPresent()) {
                monitors.remove(key(h));
                return result;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return Optional.empty();
            }
            if (monitor != null && monitor.isAlive()) {
                monitor.waitFor(left, TimeUnit.NANOSECONDS);
            } else {
                TimeUnit.NANOSECONDS.sleep(Math.min(left, TimeUnit.MILLISECONDS.toNanos(POLL_MILLIS)));
            }
        }
    }

    /**
     * How the task ended, or empty while it runs. Empty too in the instant between the task's
     * end and the monitor's write of the exit file.
     */
    private Optional<ExitResult> exitResult(TaskHandle h) {
        Path exitFile = dir(h).resolve(EXIT_FILE);
        Optional<ExitResult> recorded = readExitFile(exitFile);
        if (recorded.isPresent() || running(h) || monitorRunning(h)) {
            return recorded.map(e -> withOom(h, e));
        }
        // the monitor may have written the file after the first look and then exited
        return readExitFile(exitFile).map(e -> withOom(h, e)).or(() -> Optional.of(ExitResult.lost(Instant.now())));
    }

    /** Marks an exit OOM-killed when the kernel's OOM killer acted in the task's cgroup. */
    private ExitResult withOom(TaskHandle h, ExitResult e) {
        TaskCgroup cgroup = cgroupOf(h);
        if (cgroup == null || !cgroup.oomKilled(e.signal())) {
            return e;
        }
        return new ExitResult(e.exitCode(), e.signal(), e.finishedAt(), true, e.lost());
    }

    private static Optional<ExitResult> readExitFile(Path exitFile) {
        try {
            String text = Files.readString(exitFile).trim();
            Instant finishedAt = Files.getLastModifiedTime(exitFile).toInstant();
            return Optional.of(ExitResult.of(Integer.parseInt(text), finishedAt));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | NumberFormatException e) {
            throw new TaskException("cannot read exit status " + exitFile + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void stop(TaskHandle h, Duration gracePeriod) throws InterruptedException {
        if (ours(h)) {
            stopTask(h, gracePeriod);
        }
        // After the task, as in a container whose init has ended: what was exec'd into it gets SIGKILL.
        killAdoptedSessions(h);
    }

    private void stopTask(TaskHandle h, Duration gracePeriod) throws InterruptedException {
        TaskCgroup cgroup = cgroupOf(h);
        List<Stat> left = members(h, cgroup);
        if (left.isEmpty()) {
            return;
        }
        // SIGTERM goes to the main process only, as containerd's stopContainer sends the stop signal
        // to the container's init alone (task.Kill without WithKillAll): its children are its to stop.
        // h.pid() is the container's command itself (the subshell execs setsid, env, setpriv and the
        // command, so the pid never changes; under a tty it is script, which passes SIGTERM to the command).
        if (running(h)) {
            send("TERM", List.of(Long.toString(h.pid())));
        }
        // What is left once the main process has ended goes at once, as a container's PID namespace
        // goes with its init (the monitor does so too; this covers a task whose monitor is gone);
        // everything goes at the end of the grace period.
        long deadline = System.nanoTime() + gracePeriod.toNanos();
        while (!(left = members(h, cgroup)).isEmpty() && System.nanoTime() < deadline && running(h)) {
            TimeUnit.MILLISECONDS.sleep(POLL_MILLIS);
        }
        killUntilGone(h, left, () -> members(h, cgroup));
    }

    /** SIGKILL to {@code left} and to what {@code members} finds after, until it finds nothing. */
    private void killUntilGone(TaskHandle h, List<Stat> left, Supplier<List<Stat>> members) throws InterruptedException {
        long killDeadline = System.nanoTime() + KILL_TIMEOUT.toNanos();
        while (!left.isEmpty()) {
            if (System.nanoTime() > killDeadline) {
                throw new TaskException("task " + h.taskId() + ": processes " + left + " survived SIGKILL");
            }
            signalGroups(left, "KILL");
            signalProcesses(left, "KILL");
            TimeUnit.MILLISECONDS.sleep(POLL_MILLIS);
            left = members.get();
        }
    }

    /**
     * A command exec'd into the task (kubectl exec) leads a session of its own: a task without a
     * cgroup has it adopted here, so that it ends with the task. The task's cgroup holds it
     * otherwise (it joins before it execs), which stopping the task empties.
     */
    @Override
    public void adoptSession(TaskHandle h, long sessionId) {
        if (cgroupOf(h) != null) {
            return;
        }
        adopted.add(key(h), sessionId);
        if (!running(h)) {
            // The task stopped meanwhile, and its stop may have come before this adoption.
            try {
                killAdoptedSessions(h);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void killAdoptedSessions(TaskHandle h) throws InterruptedException {
        Set<Long> sessions = adopted.take(key(h));
        if (!sessions.isEmpty()) {
            killUntilGone(h, ProcFs.sessions(sessions), () -> ProcFs.sessions(sessions));
        }
    }

    /**
     * The live processes of the task. With a cgroup that is every process in it (the task joins it
     * before it execs, and whatever it starts inherits it): one file to read, where the session
     * needs every {@code /proc/<pid>/stat} of the machine, and {@link #stop} asks every 20 ms.
     * Without one, its session.
     */
    private static List<Stat> members(TaskHandle h, TaskCgroup cgroup) {
        if (cgroup == null) {
            return ProcFs.session(h.pid());
        }
        List<Stat> members = new ArrayList<>();
        for (long pid : cgroup.pids()) {
            ProcFs.stat(pid).filter(s -> !s.ended()).ifPresent(members::add);
        }
        return members;
    }

    /**
     * Whether the session with the task's pid as id is the task's: its leader is the task, or is
     * gone (then the kernel keeps the id reserved while any member lives, so members are the task's).
     */
    private static boolean ours(TaskHandle h) {
        Optional<Stat> leader = ProcFs.stat(h.pid());
        return leader.isEmpty() || leader.get().startTime() == h.startTime();
    }

    @Override
    public Optional<TaskStatus> inspect(TaskHandle h) {
        boolean running = running(h);
        if (!running && !Files.isDirectory(dir(h))) {
            return Optional.empty();
        }
        Instant startedAt = ProcFs.instantOfTicks(h.startTime());
        if (running) {
            return Optional.of(new TaskStatus(TaskStatus.State.RUNNING, h.pid(), startedAt, null));
        }
        try {
            // the task is gone: give its monitor the moment it needs to record the status
            Optional<ExitResult> exit = await(h, Duration.ofSeconds(1));
            return Optional.of(exit
                    .map(e -> new TaskStatus(TaskStatus.State.EXITED, h.pid(), startedAt, e))
                    .orElseGet(() -> new TaskStatus(TaskStatus.State.RUNNING, h.pid(), startedAt, null)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TaskException("interrupted while inspecting " + h.taskId(), e);
        }
    }

    @Override
    public Optional<TaskHandle> recover(TaskHandle persisted) {
        if (!NAME.equals(persisted.runtime())) {
            throw new IllegalArgumentException("handle runtime: " + persisted.runtime() + " (expected: process)");
        }
        Optional<Stat> s = ProcFs.stat(persisted.pid());
        if (s.isEmpty() || s.get().ended() || s.get().startTime() != persisted.startTime()
                || s.get().session() != persisted.pid()) {
            return Optional.empty();
        }
        return Optional.of(persisted);
    }

    @Override
    public ExecResult exec(TaskHandle h, List<String> command, Duration timeout) throws InterruptedException {
        return exec.run(h, dir(h), cgroupOf(h), command, timeout);
    }

    @Override
    public Optional<TaskEnvironment> environment(TaskHandle h) {
        if (!running(h)) {
            return Optional.empty();
        }
        TaskCgroup cgroup = cgroupOf(h);
        return ProcessExec.environment(h, dir(h), cgroup == null ? List.of() : cgroup.procsFiles());
    }

    /**
     * Follows the files the task's stdout and stderr are open on (its current run's raw output,
     * wherever the caller put them) from their current end, and writes to its stdin FIFO. The
     * task's stdin is open while its monitor still holds the FIFO ({@link #MONITOR}).
     */
    @Override
    public Optional<TaskStreams> attach(TaskHandle h, boolean withStdin) throws IOException {
        if (!ours(h) || !running(h)) {
            return Optional.empty();
        }
        String stdin = h.state().getOrDefault("stdin", "none");
        Path fifo = !withStdin || stdin.equals("none") || !stdinHeld(h) ? null : dir(h).resolve(STDIN_FIFO);
        Path fds = Path.of("/proc", Long.toString(h.pid()), "fd");
        // The run's output files as started; a task from before they were recorded: what fd 1 and 2 are now.
        Path stdout = Optional.ofNullable(h.state().get("stdout")).map(Path::of).orElse(fds.resolve("1"));
        Path stderr = Optional.ofNullable(h.state().get("stderr")).map(Path::of).orElse(fds.resolve("2"));
        try {
            return Optional.of(ProcessAttachment.open(h, stdout, stderr, fifo, stdin.equals("once"),
                    "true".equals(h.state().get("tty")), () -> running(h), () -> releaseStdin(h)));
        } catch (NoSuchFileException e) {
            return Optional.empty(); // ended meanwhile: its /proc entry is gone
        }
    }

    /** Whether the monitor still holds the task's stdin open (fd 3; closed once a stdinOnce client left). */
    private static boolean stdinHeld(TaskHandle h) {
        String pid = h.state().get("monitorPid");
        return monitorRunning(h) && Files.exists(Path.of("/proc", pid, "fd", "3"));
    }

    /** Makes the monitor let go of the task's stdin, so the task reads end of file. */
    private void releaseStdin(TaskHandle h) {
        if (monitorRunning(h)) {
            send("USR1", List.of(h.state().get("monitorPid")));
        }
    }

    @Override
    public void destroy(TaskHandle h) throws InterruptedException {
        stop(h, Duration.ZERO);
        await(h, Duration.ofSeconds(5));
        monitors.remove(key(h));
        TaskCgroup cgroup = cgroupOf(h);
        if (cgroup != null && !cgroup.remove(KILL_TIMEOUT)) {
            log.warn("task {}: cgroup {} could not be removed (processes {} are still in it)", h.taskId(),
                    cgroup.dirs().get(0), cgroup.pids());
        }
        Path dir = dir(h);
        if (!dir.startsWith(root) || dir.equals(root)) {
            return; // not a directory this instance owns: leave it
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (NoSuchFileException e) {
            // already gone
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The task's main process is alive: same pid, same start time, not a zombie. */
    private static boolean running(TaskHandle h) {
        return alive(h.pid(), h.startTime());
    }

    private static boolean monitorRunning(TaskHandle h) {
        String pid = h.state().get("monitorPid");
        String start = h.state().get("monitorStart");
        return pid != null && start != null && alive(Long.parseLong(pid), Long.parseLong(start));
    }

    private static boolean alive(long pid, long startTime) {
        return ProcFs.stat(pid).filter(s -> s.startTime() == startTime && !s.ended()).isPresent();
    }

    private void signalGroups(List<Stat> members, String signal) {
        if (members.isEmpty()) {
            return;
        }
        List<String> targets = members.stream().map(s -> "-" + s.pgrp()).distinct().toList();
        send(signal, targets);
    }

    private void signalProcesses(List<Stat> members, String signal) {
        send(signal, members.stream().map(s -> Long.toString(s.pid())).toList());
    }

    /**
     * Runs kill(1): Java 21 has no kill(2) for a process group. Failures (a group that ended in the
     * meantime) are expected; the caller looks at /proc again.
     */
    private void send(String signal, List<String> targets) {
        List<String> argv = new ArrayList<>(List.of(kill, "-s", signal, "--"));
        argv.addAll(targets);
        try {
            Process p = new ProcessBuilder(argv)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            p.waitFor();
        } catch (IOException e) {
            throw new TaskException("cannot run " + argv + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TaskException("interrupted while running " + argv, e);
        }
    }

    private Path dir(TaskHandle h) {
        String dir = h.state().get("dir");
        return dir != null ? Path.of(dir) : root.resolve(dirName(h.taskId()));
    }

    private static String key(TaskHandle h) {
        return h.pid() + "@" + h.startTime();
    }

    /**
     * The task's directory name: the id itself when it is a safe file name, else a cleaned id
     * with a hash, so that {@code a/b} and {@code a_b} do not share a directory.
     */
    static String dirName(String id) {
        if (id.matches("[A-Za-z0-9_-][A-Za-z0-9._-]*") && id.length() <= 200) {
            return id;
        }
        String clean = id.replaceAll("[^A-Za-z0-9._-]", "_").replaceFirst("^\\.", "_");
        clean = clean.substring(0, Math.min(clean.length(), 180));
        try {
            byte[] sha = MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8));
            return clean + "-" + HexFormat.of().formatHex(sha, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void touch(Path log) throws IOException {
        Path parent = log.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.write(log, new byte[0], StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    /** Reads up to {@code n} lines of the monitor's stdout, giving up after {@code timeout}. */
    private static List<String> readLines(Process monitor, int n, Duration timeout) throws InterruptedException {
        List<String> lines = new ArrayList<>();
        Thread reader = Thread.ofVirtual().name("drover-monitor-reader").start(() -> {
            try (BufferedReader r = new BufferedReader(
                    new InputStreamReader(monitor.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while (lines.size() < n && (line = r.readLine()) != null) {
                    synchronized (lines) {
                        lines.add(line);
                    }
                }
            } catch (IOException e) {
                // the monitor died; fewer lines tell the caller
            }
        });
        if (!reader.join(timeout)) {
            monitor.destroyForcibly(); // the reader is left to end with the pipe
        }
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    private static String executable(String... candidates) {
        for (String c : candidates) {
            if (Files.isExecutable(Path.of(c))) {
                return c;
            }
        }
        throw new IllegalStateException(
                "none of " + List.of(candidates) + " is executable (needs util-linux setsid, coreutils env, procps kill)");
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TaskException("interrupted", e);
        }
    }
}
