package io.drover.agent.runtime.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.drover.agent.runtime.ExitResult;
import io.drover.agent.runtime.Resources;
import io.drover.agent.runtime.TaskExec.ExecResult;
import io.drover.agent.runtime.TaskHandle;
import io.drover.agent.runtime.TaskSpec;
import io.drover.testing.TempDirs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * The process runtime's cgroups with real processes: limits, OOM kills, processes that leave the
 * task's session, exec, clean-up. Skipped with the reason when this machine's cgroups cannot be
 * written (not root, a read-only cgroupfs, v2 without delegated controllers).
 */
@EnabledOnOs(OS.LINUX)
class ProcessRuntimeCgroupIT {
    private static final Duration LONG = Duration.ofSeconds(20);
    private static final long MI = 1024 * 1024;

    private Path tmp;
    private ProcessRuntime runtime;
    private final List<TaskHandle> started = new ArrayList<>();
    private final List<Long> pids = new ArrayList<>();
    private int count;

    @BeforeEach
    void setUp() {
        tmp = TempDirs.create("drover-cgroup-runtime");
        runtime = ProcessRuntime.create(tmp.resolve("tasks"));
        Assumptions.assumeTrue(runtime.capabilities().supportsResourceLimits(),
                "cgroups are not writable here (see the process runtime's warning in the log): skipping");
    }

    @AfterEach
    void tearDown() throws Exception {
        for (TaskHandle h : started) {
            runtime.destroy(h);
            assertThat(ProcFs.session(h.pid())).isEmpty();
        }
        for (long pid : pids) {
            await().atMost(LONG).until(() -> ProcFs.stat(pid).filter(s -> !s.ended()).isEmpty());
        }
        TempDirs.delete(tmp);
    }

    @Test
    void aTaskOverItsMemoryLimitIsOomKilledWithExitCode137() throws Exception {
        TaskHandle h = start(spec(new Resources(64 * MI, 0, 0), "tail", "/dev/zero"));
        TaskCgroup cgroup = runtime.cgroupOf(h);
        assertThat(Files.readString(cgroup.memory().resolve(cgroup.version() == Cgroups.Version.V1
                ? "memory.limit_in_bytes" : "memory.max")).strip()).isEqualTo(Long.toString(64 * MI));

        ExitResult exit = runtime.await(h, LONG).orElseThrow();

        assertThat(exit.oomKilled()).isTrue();
        assertThat(exit.exitCode()).isEqualTo(137);
        assertThat(exit.signal()).isEqualTo(9);
    }

    @Test
    void aTaskKilledBySigkillWithoutHittingItsLimitIsNotOomKilled() throws Exception {
        TaskSpec spec = spec(new Resources(64 * MI, 0, 0), "sh", "-c", "echo ready; exec sleep 4242");
        TaskHandle h = start(spec);
        awaitLog(spec.stdoutLog(), "ready");

        runtime.stop(h, Duration.ZERO);
        ExitResult exit = runtime.await(h, LONG).orElseThrow();

        assertThat(exit.exitCode()).isEqualTo(143); // SIGTERM came first and sleep dies of it
        assertThat(exit.oomKilled()).isFalse();
    }

    @Test
    void cpuLimitAndRequestAreWrittenAsTheKubeletWouldAndTheTaskIsInsideFromTheStart() throws Exception {
        TaskSpec spec = spec(new Resources(0, 250, 100), "sh", "-c", "cat /proc/self/cgroup; exec sleep 4242");
        TaskHandle h = start(spec);
        TaskCgroup cgroup = runtime.cgroupOf(h);
        Path cpu = cgroup.dirs().stream().filter(d -> cgroup.version() == Cgroups.Version.V2
                || Files.exists(d.resolve("cpu.cfs_quota_us"))).findFirst().orElseThrow();

        if (cgroup.version() == Cgroups.Version.V1) {
            assertThat(Files.readString(cpu.resolve("cpu.cfs_quota_us")).strip()).isEqualTo("25000");
            assertThat(Files.readString(cpu.resolve("cpu.cfs_period_us")).strip()).isEqualTo("100000");
            assertThat(Files.readString(cpu.resolve("cpu.shares")).strip()).isEqualTo("102");
            // the pods' parent, like the kubelet's kubepods: 1024 shares per core of the node
            assertThat(Files.readString(cpu.getParent().resolve("cpu.shares")).strip())
                    .isEqualTo(Long.toString(1024L * Runtime.getRuntime().availableProcessors()));
        } else {
            assertThat(Files.readString(cpu.resolve("cpu.max")).strip()).isEqualTo("25000 100000");
            assertThat(Files.readString(cpu.resolve("cpu.weight")).strip()).isEqualTo(Long.toString(Cgroups.weight(102)));
            assertThat(Files.readString(cpu.getParent().resolve("cpu.weight")).strip())
                    .isEqualTo(Long.toString(Cgroups.weight(1024L * Runtime.getRuntime().availableProcessors())));
        }
        assertThat(cgroup.pids()).contains(h.pid());
        awaitLog(spec.stdoutLog(), cgroup.name());
        // the monitor stays outside: a memory limit must never kill the process that records the exit
        assertThat(cgroup.pids()).doesNotContain(Long.parseLong(h.state().get("monitorPid")));
        runtime.stop(h, LONG);
    }

    @Test
    void stopKillsAGrandchildThatCalledSetsid() throws Exception {
        TaskSpec spec = spec(Resources.NONE, "sh", "-c", "setsid sleep 4243 & echo ready; sleep 4242 & wait");
        TaskHandle h = start(spec);
        long escaped = awaitEscapedProcess(h);

        runtime.stop(h, LONG);

        assertThat(ProcFs.stat(escaped).filter(s -> !s.ended())).isEmpty();
        assertThat(runtime.cgroupOf(h).pids()).isEmpty();
        assertThat(runtime.await(h, LONG).orElseThrow().exitCode()).isEqualTo(143);
    }

    @Test
    void whenTheMainProcessEndsItsMonitorKillsWhatLeftTheSession() throws Exception {
        TaskSpec spec = spec(Resources.NONE, "sh", "-c", "setsid sleep 4243 & sleep 0.5; exit 3");
        TaskHandle h = start(spec);

        assertThat(runtime.await(h, LONG).orElseThrow().exitCode()).isEqualTo(3);

        await().atMost(LONG).until(() -> runtime.cgroupOf(h).pids().stream()
                .allMatch(pid -> ProcFs.stat(pid).filter(s -> !s.ended()).isEmpty()));
    }

    @Test
    void aRecoveredTaskKeepsItsCgroupSoStopStillReachesEscapedProcesses() throws Exception {
        TaskHandle h = start(spec(Resources.NONE, "sh", "-c", "setsid sleep 4243 & sleep 4242 & wait"));
        long escaped = awaitEscapedProcess(h);

        ProcessRuntime restarted = ProcessRuntime.create(tmp.resolve("tasks"));
        TaskHandle recovered = restarted.recover(TaskHandle.fromJson(h.toJson())).orElseThrow();
        restarted.stop(recovered, LONG);

        assertThat(ProcFs.stat(escaped).filter(s -> !s.ended())).isEmpty();
    }

    @Test
    void destroyRemovesTheCgroup() throws Exception {
        TaskHandle h = runtime.start(spec(new Resources(64 * MI, 500, 500), "sleep", "4242"));
        TaskCgroup cgroup = runtime.cgroupOf(h);
        assertThat(cgroup.exists()).isTrue();

        runtime.destroy(h);

        assertThat(cgroup.exists()).isFalse();
        assertThat(ProcFs.session(h.pid())).isEmpty();
    }

    @Test
    void execRunsWithTheTasksEnvironmentAndDirectoryInsideItsCgroup() throws Exception {
        Path work = Files.createDirectories(tmp.resolve("work"));
        TaskSpec base = spec(Resources.NONE, "sleep", "4242");
        TaskHandle h = start(new TaskSpec(base.id(), base.command(), Map.of("GREETING", "hi", "PATH", "/usr/bin:/bin"),
                work, base.stdoutLog(), base.stderrLog(), base.resources()));

        ExecResult ok = runtime.exec(h, List.of("sh", "-c", "echo \"$GREETING $(pwd)\"; cat /proc/self/cgroup"),
                LONG);
        ExecResult failed = runtime.exec(h, List.of("sh", "-c", "echo oops >&2; exit 4"), LONG);
        ExecResult slow = runtime.exec(h, List.of("sh", "-c", "sleep 4244 & echo started; wait"), Duration.ofMillis(500));

        assertThat(ok.succeeded()).isTrue();
        assertThat(ok.output()).startsWith("hi " + work.toRealPath() + "\n").contains(runtime.cgroupOf(h).name());
        assertThat(failed.exitCode()).isEqualTo(4);
        assertThat(failed.output()).isEqualTo("oops\n");
        assertThat(slow.timedOut()).isTrue();
        assertThat(slow.output()).isEqualTo("started\n");
        // the slow exec's sleep was killed with it (a zombie may be listed until it is reaped)
        await().atMost(LONG).until(() -> runtime.cgroupOf(h).pids().stream()
                .filter(pid -> ProcFs.stat(pid).filter(st -> !st.ended()).isPresent()).toList().equals(List.of(h.pid())));
    }

    /** Waits for a process of the task's cgroup outside its session and returns its pid. */
    private long awaitEscapedProcess(TaskHandle h) {
        long[] found = new long[1];
        await().atMost(LONG).until(() -> {
            for (long pid : runtime.cgroupOf(h).pids()) {
                if (ProcFs.stat(pid).filter(s -> s.session() != h.pid() && !s.ended()).isPresent()) {
                    found[0] = pid;
                    return true;
                }
            }
            return false;
        });
        pids.add(found[0]);
        return found[0];
    }

    @Test
    void aStartKillsWhatAnEarlierUnrecordedStartLeftInTheTasksCgroup() throws Exception {
        TaskSpec spec = spec(new Resources(0, 0, 0), "sleep", "4243");
        // An agent that stopped between the spawn and the handle's save: the task runs, no handle knows it.
        TaskHandle unrecorded = ProcessRuntime.create(tmp.resolve("tasks")).start(spec);
        pids.add(unrecorded.pid());

        TaskHandle again = start(spec);

        await().atMost(LONG).until(() -> ProcFs.stat(unrecorded.pid()).filter(st -> !st.ended()).isEmpty());
        assertThat(runtime.cgroupOf(again).pids()).contains(again.pid()).doesNotContain(unrecorded.pid());
        assertThat(runtime.inspect(again)).isPresent();
        // The earlier start's monitor is gone too: once its task was killed it swept the re-created cgroup, killing
        // the new task, and wrote its exit into the task dir (fuzz round 23).
        assertThat(ProcFs.withArguments(List.of("drover-monitor"))).noneMatch(m -> m.pid() == monitorPid(unrecorded));
        await().during(Duration.ofSeconds(2)).atMost(LONG)
                .until(() -> ProcFs.stat(again.pid()).filter(st -> !st.ended()).isPresent());
        assertThat(runtime.inspect(again).orElseThrow().exit()).isNull();
    }

    private static long monitorPid(TaskHandle handle) {
        return Long.parseLong(handle.state().get("monitorPid"));
    }

    @Test
    void aTaskNoHandleRecordsCanBeDestroyedByItsId() throws Exception {
        TaskSpec spec = spec(new Resources(0, 0, 0), "sleep", "4244");
        TaskHandle unrecorded = ProcessRuntime.create(tmp.resolve("tasks")).start(spec);
        pids.add(unrecorded.pid());

        runtime.destroyUnrecorded(spec.id());

        await().atMost(LONG).until(() -> ProcFs.stat(unrecorded.pid()).filter(st -> !st.ended()).isEmpty());
        assertThat(runtime.cgroupOf(unrecorded).exists()).isFalse();
        runtime.destroyUnrecorded("pod-none/c"); // none: nothing happens
    }

    private TaskSpec spec(Resources resources, String... command) {
        String id = "pod-" + (++count) + "/c";
        Path logs = tmp.resolve("logs");
        return new TaskSpec(id, List.of(command), Map.of(), null, logs.resolve(count + ".out"),
                logs.resolve(count + ".err"), resources);
    }

    private TaskHandle start(TaskSpec spec) {
        TaskHandle h = runtime.start(spec);
        started.add(h);
        return h;
    }

    private static void awaitLog(Path log, String text) {
        await().atMost(LONG).until(() -> read(log).contains(text));
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return "";
        }
    }
}
