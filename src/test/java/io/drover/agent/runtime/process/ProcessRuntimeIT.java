package io.drover.agent.runtime.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.drover.agent.runtime.ExitResult;
import io.drover.agent.runtime.TaskException;
import io.drover.agent.runtime.TaskHandle;
import io.drover.agent.runtime.TaskSpec;
import io.drover.agent.runtime.TaskStatus;
import io.drover.agent.runtime.TaskStdio;
import io.drover.agent.runtime.TaskStreams;
import io.drover.testing.TempDirs;
import java.io.IOException;
import java.io.InputStream;
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

/** The process runtime with real processes. Every test's tasks are killed by session in teardown. */
@EnabledOnOs(OS.LINUX)
class ProcessRuntimeIT {
    private static final Duration LONG = Duration.ofSeconds(10);

    private Path tmp;
    private Path root;
    private ProcessRuntime runtime;
    private final List<TaskHandle> started = new ArrayList<>();
    private int count;

    @BeforeEach
    void setUp() {
        tmp = TempDirs.create("drover-process-runtime");
        root = tmp.resolve("tasks");
        runtime = ProcessRuntime.create(root);
    }

    @AfterEach
    void tearDown() throws Exception {
        for (TaskHandle h : started) {
            // kill by group (pgid = pid), then anything else left in the task's session
            List<ProcFs.Stat> left = ProcFs.session(h.pid());
            if (!left.isEmpty() && ProcFs.stat(h.pid()).map(s -> s.startTime() == h.startTime()).orElse(true)) {
                new ProcessBuilder("kill", "-s", "KILL", "--", "-" + h.pid()).start().waitFor();
                for (ProcFs.Stat s : left) {
                    ProcessHandle.of(s.pid()).ifPresent(ProcessHandle::destroyForcibly);
                }
            }
            await().atMost(LONG).until(() -> ProcFs.session(h.pid()).isEmpty());
            runtime.destroy(h); // removes the task's cgroup where there is one
        }
        TempDirs.delete(tmp);
    }

    @Test
    void echoWritesItsLogAndExitsZero() throws Exception {
        TaskSpec spec = spec("echo", "hello");
        TaskHandle h = start(spec);

        ExitResult exit = runtime.await(h, LONG).orElseThrow();

        assertThat(exit.exitCode()).isZero();
        assertThat(exit.signal()).isZero();
        assertThat(exit.lost()).isFalse();
        assertThat(exit.finishedAt()).isBeforeOrEqualTo(java.time.Instant.now());
        assertThat(Files.readString(spec.stdoutLog())).isEqualTo("hello\n");
        assertThat(runtime.inspect(h)).get().extracting(TaskStatus::state).isEqualTo(TaskStatus.State.EXITED);
    }

    @Test
    void exitCodeAndStderrArePropagatedAndLogsAreAppended() throws Exception {
        TaskSpec spec = spec("sh", "-c", "echo oops >&2; exit 3");
        Files.createDirectories(spec.stderrLog().getParent());
        Files.writeString(spec.stderrLog(), "before\n");

        ExitResult exit = runtime.await(start(spec), LONG).orElseThrow();

        assertThat(exit.exitCode()).isEqualTo(3);
        assertThat(exit.signal()).isZero();
        assertThat(Files.readString(spec.stderrLog())).isEqualTo("before\noops\n");
    }

    @Test
    void aProgramThatCannotBeFoundOrRunIsNotStarted() throws Exception {
        assertThatThrownBy(() -> start(spec("drover-no-such-program")))
                .isInstanceOf(TaskException.class)
                .hasMessage("unable to start container process: exec: \"drover-no-such-program\": executable file "
                        + "not found in $PATH");
        assertThatThrownBy(() -> start(spec("./missing")))
                .hasMessage("unable to start container process: exec: \"./missing\": stat ./missing: no such file "
                        + "or directory");
        Path script = Files.writeString(tmp.resolve("not-executable.sh"), "echo hi\n");
        assertThatThrownBy(() -> start(spec(script.toString())))
                .hasMessageEndingWith("exec: \"" + script + "\": permission denied");
        // Found on the task's PATH, not the agent's.
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Files.copy(Path.of("/bin/echo"), bin.resolve("drover-echo"));
        TaskSpec base = spec("drover-echo", "found");
        TaskSpec onPath = new TaskSpec(base.id(), base.command(), Map.of("PATH", bin.toString()), null,
                base.stdoutLog(), base.stderrLog());
        assertThat(runtime.await(start(onPath), LONG).orElseThrow().exitCode()).isZero();
        assertThat(Files.readString(onPath.stdoutLog())).isEqualTo("found\n");
    }

    @Test
    void environmentIsExactlyTheSpecsAndWorkingDirIsUsed() throws Exception {
        Path work = Files.createDirectories(tmp.resolve("work dir"));
        TaskSpec base = spec("sh", "-c", "echo \"$GREETING|$(pwd)\"; env");
        TaskSpec spec = new TaskSpec(base.id(), base.command(), Map.of("GREETING", "hi there", "PATH", "/usr/bin:/bin"),
                work, base.stdoutLog(), base.stderrLog());

        assertThat(runtime.await(start(spec), LONG).orElseThrow().exitCode()).isZero();

        List<String> out = Files.readAllLines(spec.stdoutLog());
        assertThat(out.get(0)).isEqualTo("hi there|" + work.toRealPath());
        assertThat(out).contains("GREETING=hi there", "PATH=/usr/bin:/bin");
        assertThat(out).noneMatch(l -> l.startsWith("JAVA_HOME=") || l.startsWith("LC_ALL="));
        // HOME is not the agent's but the user's passwd entry's, as runc sets it.
        assertThat(out).contains("HOME=" + io.drover.testing.Users.homeOf(((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).longValue()));
    }

    @Test
    void defaultWorkingDirIsPerTaskAndDefaultPathIsSet() throws Exception {
        TaskSpec spec = spec("sh", "-c", "pwd; echo \"$PATH\"");

        assertThat(runtime.await(start(spec), LONG).orElseThrow().exitCode()).isZero();

        List<String> out = Files.readAllLines(spec.stdoutLog());
        assertThat(Path.of(out.get(0))).startsWith(root.toRealPath());
        assertThat(out.get(1)).contains("/usr/bin");
    }

    @Test
    void taskLeadsItsSessionWithDefaultSignalDispositions() throws Exception {
        TaskSpec spec = spec("sh", "-c", "grep SigIgn /proc/self/status; exec sleep 4242");
        TaskHandle h = start(spec);

        ProcFs.Stat stat = ProcFs.stat(h.pid()).orElseThrow();
        assertThat(stat.pgrp()).isEqualTo(h.pid());
        assertThat(stat.session()).isEqualTo(h.pid());
        assertThat(stat.startTime()).isEqualTo(h.startTime());
        await().atMost(LONG).until(() -> !Files.readString(spec.stdoutLog()).isEmpty());
        // signals 1-31 (the standard ones) at their defaults: the shell that forked the task
        // ignored SIGINT and SIGQUIT in it. (32 and 33 are glibc's internal real-time signals.)
        String sigIgn = Files.readString(spec.stdoutLog()).strip();
        assertThat(sigIgn).startsWith("SigIgn:");
        assertThat(Long.parseLong(sigIgn.substring("SigIgn:".length()).strip(), 16) & 0x7fffffffL).isZero();
        // the agent (this JVM) is in another session, so the task's signals cannot reach it
        assertThat(ProcFs.stat(ProcessHandle.current().pid()).orElseThrow().session()).isNotEqualTo(h.pid());
        runtime.stop(h, LONG);
    }

    @Test
    void stopIsGracefulWhenTheTaskHandlesTerm() throws Exception {
        TaskSpec spec = spec("sh", "-c", "trap 'echo got TERM; exit 0' TERM; echo ready; sleep 4242 & wait");
        TaskHandle h = start(spec);
        awaitLog(spec, "ready");
        assertThat(runtime.await(h, Duration.ZERO)).isEmpty();
        assertThat(runtime.inspect(h)).get().extracting(TaskStatus::state).isEqualTo(TaskStatus.State.RUNNING);

        long t0 = System.nanoTime();
        runtime.stop(h, LONG);
        ExitResult exit = runtime.await(h, LONG).orElseThrow();

        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
        assertThat(exit.exitCode()).isZero();
        assertThat(Files.readString(spec.stdoutLog())).contains("got TERM");
        assertThat(ProcFs.session(h.pid())).isEmpty();
    }

    @Test
    void stopKillsATaskThatIgnoresTermAfterTheGracePeriod() throws Exception {
        TaskSpec spec = spec("sh", "-c", "trap '' TERM; echo ready; sleep 4242");
        TaskHandle h = start(spec);
        awaitLog(spec, "ready");

        long t0 = System.nanoTime();
        runtime.stop(h, Duration.ofSeconds(1));
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        ExitResult exit = runtime.await(h, LONG).orElseThrow();

        assertThat(took).isBetween(Duration.ofMillis(900), Duration.ofSeconds(6));
        assertThat(exit.exitCode()).isEqualTo(137);
        assertThat(exit.signal()).isEqualTo(9);
        assertThat(ProcFs.session(h.pid())).isEmpty();
    }

    @Test
    void stopKillsTheWholeProcessGroup() throws Exception {
        TaskHandle h = start(spec("sh", "-c", "sleep 4242 & sleep 4242 & wait"));
        await().atMost(LONG).until(() -> ProcFs.session(h.pid()).size() == 3);
        List<ProcFs.Stat> children = ProcFs.session(h.pid()).stream().filter(s -> s.pid() != h.pid()).toList();
        assertThat(children).hasSize(2).allMatch(s -> s.pgrp() == h.pid());

        runtime.stop(h, LONG);

        assertThat(ProcFs.session(h.pid())).isEmpty();
        for (ProcFs.Stat child : children) {
            assertThat(ProcFs.stat(child.pid()).filter(s -> s.startTime() == child.startTime() && !s.ended())).isEmpty();
        }
        ExitResult exit = runtime.await(h, LONG).orElseThrow();
        assertThat(exit.exitCode()).isEqualTo(143);
        assertThat(exit.signal()).isEqualTo(15);
    }

    @Test
    void stopReachesProcessesThatMovedToAnotherGroupOfTheSession() throws Exception {
        // bash's job control (dash refuses it without a tty) puts the background job in a group of its own
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/bin/bash")), "needs /bin/bash");
        TaskHandle h = start(spec("/bin/bash", "-c", "set -m; sleep 4242 & wait"));
        await().atMost(LONG).until(() -> ProcFs.session(h.pid()).size() == 2);
        assertThat(ProcFs.session(h.pid())).anyMatch(s -> s.pgrp() != h.pid());

        runtime.stop(h, LONG);

        assertThat(ProcFs.session(h.pid())).isEmpty();
    }

    @Test
    void stopSignalsTheMainProcessOnlyAndItsChildrenDieWithIt() throws Exception {
        stopSignalsTheMainProcessOnly(runtime);
    }

    @Test
    void stopSignalsTheMainProcessOnlyAndItsChildrenDieWithItWithoutCgroups() throws Exception {
        stopSignalsTheMainProcessOnly(ProcessRuntime.withoutCgroups(root));
    }

    /**
     * containerd's stopContainer signals the container's init alone: a trapped-TERM parent sees
     * TERM, its trapped-TERM child does not, and is killed once the parent has ended.
     */
    private void stopSignalsTheMainProcessOnly(ProcessRuntime rt) throws Exception {
        Path marks = Files.createDirectories(tmp.resolve("marks-" + (count + 1)));
        TaskSpec spec = spec("sh", "-c", """
                sh -c 'trap "echo TERM > %1$s/child; exit 0" TERM; while true; do sleep 0.2; done' &
                echo $! > %1$s/child.pid
                trap 'echo TERM > %1$s/parent; kill -0 $(cat %1$s/child.pid) && echo alive > %1$s/child.seen; sleep 1; exit 0' TERM
                echo ready
                while true; do sleep 0.2; done
                """.formatted(marks));
        TaskHandle h = rt.start(spec);
        started.add(h);
        awaitLog(spec, "ready");
        long childPid = Long.parseLong(Files.readString(marks.resolve("child.pid")).strip());
        ProcFs.Stat child = ProcFs.stat(childPid).orElseThrow();

        rt.stop(h, LONG);
        ExitResult exit = rt.await(h, LONG).orElseThrow();

        assertThat(exit.exitCode()).as("the parent's trap ran to its end").isZero();
        assertThat(marks.resolve("parent")).hasContent("TERM");
        assertThat(marks.resolve("child.seen")).as("the child ran while the parent handled TERM").hasContent("alive");
        assertThat(marks.resolve("child")).as("the child never got SIGTERM").doesNotExist();
        assertThat(ProcFs.stat(childPid).filter(s -> s.startTime() == child.startTime() && !s.ended())).isEmpty();
        assertThat(ProcFs.session(h.pid())).isEmpty();
    }

    @Test
    void aMainProcessIgnoringTermIsKilledWithItsChildrenAtTheGracePeriod() throws Exception {
        mainProcessIgnoringTermIsKilledAtTheGracePeriod(runtime);
    }

    @Test
    void aMainProcessIgnoringTermIsKilledWithItsChildrenAtTheGracePeriodWithoutCgroups() throws Exception {
        mainProcessIgnoringTermIsKilledAtTheGracePeriod(ProcessRuntime.withoutCgroups(root));
    }

    private void mainProcessIgnoringTermIsKilledAtTheGracePeriod(ProcessRuntime rt) throws Exception {
        TaskSpec spec = spec("sh", "-c", "trap '' TERM; sleep 4242 & sleep 4242 & echo ready; while true; do sleep 0.2; done");
        TaskHandle h = rt.start(spec);
        started.add(h);
        awaitLog(spec, "ready");
        await().atMost(LONG).until(() -> ProcFs.session(h.pid()).size() >= 3);
        List<ProcFs.Stat> before = ProcFs.session(h.pid());

        long t0 = System.nanoTime();
        rt.stop(h, Duration.ofSeconds(1));
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        ExitResult exit = rt.await(h, LONG).orElseThrow();

        assertThat(took).isBetween(Duration.ofMillis(900), Duration.ofSeconds(6));
        assertThat(exit.exitCode()).isEqualTo(137);
        assertThat(ProcFs.session(h.pid())).isEmpty();
        for (ProcFs.Stat s : before) {
            assertThat(ProcFs.stat(s.pid()).filter(p -> p.startTime() == s.startTime() && !p.ended())).isEmpty();
        }
    }

    @Test
    void whenTheMainProcessEndsItsSessionIsKilledWithoutCgroups() throws Exception {
        // bash's job control puts the background job in a group of its own: the monitor finds it by session
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/bin/bash")), "needs /bin/bash");
        ProcessRuntime rt = ProcessRuntime.withoutCgroups(root);
        TaskSpec spec = spec("/bin/bash", "-c", "set -m; sleep 4242 & echo ready; exit 0");
        TaskHandle h = rt.start(spec);
        started.add(h);

        assertThat(rt.await(h, LONG).orElseThrow().exitCode()).isZero();

        await().atMost(Duration.ofSeconds(2)).until(() -> ProcFs.session(h.pid()).isEmpty());
    }

    @Test
    void aTaskOutlivesTheAgentThatStartedItAndItsExitCodeIsKnownAfterRecovery() throws Exception {
        // the "agent" is a separate JVM that starts a task, prints the handle and exits
        String java = ProcessHandle.current().info().command().orElseThrow();
        Process agent = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                        StartTaskAndExit.class.getName(), root.toString(), tmp.resolve("agent.out").toString(),
                        "sh", "-c", "trap 'exit 42' TERM; echo ready; sleep 4242 & wait")
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        String json = new String(agent.getInputStream().readAllBytes()).strip();
        assertThat(agent.waitFor()).isZero();
        TaskHandle h = TaskHandle.fromJson(json);
        started.add(h);
        awaitLog(tmp.resolve("agent.out"), "ready");

        TaskHandle recovered = runtime.recover(h).orElseThrow();
        assertThat(runtime.inspect(recovered)).get().extracting(TaskStatus::state).isEqualTo(TaskStatus.State.RUNNING);
        runtime.stop(recovered, LONG);

        ExitResult exit = runtime.await(recovered, LONG).orElseThrow();
        assertThat(exit.exitCode()).isEqualTo(42);
        assertThat(exit.lost()).isFalse();
    }

    /** The agent of the test above: starts a task, prints its handle, exits without stopping it. */
    static final class StartTaskAndExit {
        public static void main(String[] args) {
            Path log = Path.of(args[1]);
            TaskSpec spec = new TaskSpec("agent-restart/c", List.of(args).subList(2, args.length), Map.of(), null, log, log);
            System.out.println(ProcessRuntime.create(Path.of(args[0])).start(spec).toJson());
            System.exit(0);
        }
    }

    @Test
    void whenTheMainProcessEndsWhatItLeftBehindIsKilled() throws Exception {
        TaskSpec spec = spec("sh", "-c", "sleep 4242 & echo $!; exit 0");
        TaskHandle h = start(spec);

        assertThat(runtime.await(h, LONG).orElseThrow().exitCode()).isZero();

        await().atMost(LONG).until(() -> ProcFs.session(h.pid()).isEmpty());
    }

    @Test
    void recoverFromAPersistedHandleInANewRuntime() throws Exception {
        TaskHandle h = start(spec("sleep", "4242"));
        String persisted = h.toJson();

        ProcessRuntime restarted = ProcessRuntime.create(root);
        TaskHandle recovered = restarted.recover(TaskHandle.fromJson(persisted)).orElseThrow();

        assertThat(recovered).isEqualTo(h);
        assertThat(recovered.pid()).isEqualTo(h.pid());
        TaskStatus status = restarted.inspect(recovered).orElseThrow();
        assertThat(status.state()).isEqualTo(TaskStatus.State.RUNNING);
        assertThat(status.startedAt()).isBetween(java.time.Instant.now().minusSeconds(60), java.time.Instant.now().plusSeconds(1));
        assertThat(restarted.await(recovered, Duration.ofMillis(100))).isEmpty();

        restarted.stop(recovered, LONG);
        ExitResult exit = restarted.await(recovered, LONG).orElseThrow();

        assertThat(exit.exitCode()).isEqualTo(143);
        assertThat(exit.lost()).isFalse();
        assertThat(restarted.inspect(recovered)).get().extracting(TaskStatus::exit).isEqualTo(exit);
    }

    @Test
    void recoverIsEmptyWhenTheTaskHasEndedButInspectStillKnowsHow() throws Exception {
        TaskHandle h = start(spec("sh", "-c", "exit 7"));
        runtime.await(h, LONG).orElseThrow();

        ProcessRuntime restarted = ProcessRuntime.create(root);
        TaskHandle persisted = TaskHandle.fromJson(h.toJson());

        assertThat(restarted.recover(persisted)).isEmpty();
        assertThat(restarted.inspect(persisted)).get().extracting(s -> s.exit().exitCode()).isEqualTo(7);
    }

    @Test
    void aReusedPidIsNotTheTask() throws Exception {
        TaskHandle h = start(spec("sleep", "4242"));
        TaskHandle impostor = new TaskHandle(h.runtime(), h.taskId(), h.pid(), h.startTime() + 1, h.state());
        TaskHandle jvm = new TaskHandle("process", "x", ProcessHandle.current().pid(), 1, Map.of());

        ProcessRuntime restarted = ProcessRuntime.create(root);
        assertThat(restarted.recover(impostor)).isEmpty();
        assertThat(restarted.recover(jvm)).isEmpty();

        // and stopping through a stale handle must not touch the process that now has the pid
        restarted.stop(impostor, Duration.ZERO);
        assertThat(runtime.inspect(h)).get().extracting(TaskStatus::state).isEqualTo(TaskStatus.State.RUNNING);
        runtime.stop(h, LONG);
    }

    @Test
    void destroyKillsAndForgets() throws Exception {
        TaskHandle h = start(spec("sleep", "4242"));

        runtime.destroy(h);

        assertThat(ProcFs.session(h.pid())).isEmpty();
        assertThat(runtime.inspect(h)).isEmpty();
        assertThat(root.resolve(ProcessRuntime.dirName(h.taskId()))).doesNotExist();
    }

    @Test
    void stopAndAwaitOfAnEndedTaskAreIdempotent() throws Exception {
        TaskHandle h = start(spec("true"));
        ExitResult first = runtime.await(h, LONG).orElseThrow();

        runtime.stop(h, Duration.ofSeconds(1));

        assertThat(runtime.await(h, Duration.ZERO)).contains(first);
    }

    @Test
    void handleSurvivesAJsonRoundTrip() {
        TaskHandle h = new TaskHandle("process", "uid-1/web", 1234, 98765, Map.of("dir", "/x y", "monitorPid", "12"));

        assertThat(TaskHandle.fromJson(h.toJson())).isEqualTo(h);
        assertThat(ProcessRuntime.dirName("uid-1/web")).doesNotContain("/").isNotEqualTo(ProcessRuntime.dirName("uid-1_web"));
        assertThat(ProcessRuntime.dirName("..")).doesNotStartWith(".");
    }

    @Test
    void anAttachedClientWritesToStdinAndReadsOnlyNewOutputWhileStdinStaysOpenBetweenAttachments() throws Exception {
        TaskSpec spec = withStdio(spec("sh", "-c", "echo before; while read l; do echo \"got $l\"; done; echo eof"),
                new TaskStdio(true, false, false));
        TaskHandle h = start(spec);
        awaitLog(spec, "before");

        try (TaskStreams first = runtime.attach(h, true).orElseThrow()) {
            StringBuffer out = collect(first.stdout());
            // The writer thread starts with the first input: an attachment that sends none costs no thread.
            assertThat(stdinThreads(h)).isZero();
            first.writeStdin("a\n".getBytes());
            assertThat(stdinThreads(h)).isOne();
            await().atMost(LONG).until(() -> out.toString().contains("got a"));
            assertThat(out.toString()).isEqualTo("got a\n");
        }
        await().atMost(LONG).until(() -> stdinThreads(h) == 0);
        // Detached: the task runs on and still reads its stdin.
        assertThat(runtime.await(h, Duration.ofMillis(200))).isEmpty();
        try (TaskStreams second = runtime.attach(h, true).orElseThrow()) {
            StringBuffer out = collect(second.stdout());
            second.writeStdin("b\n".getBytes());
            await().atMost(LONG).until(() -> out.toString().contains("got b"));
            assertThat(out.toString()).isEqualTo("got b\n");
            assertThat(second.tty()).isFalse();
            assertThat(second.stdinOnce()).isFalse();
        }
    }

    @Test
    void closingAStdinOnceTasksStdinEndsItsInputAndTheOutputStreamEndsWithTheTask() throws Exception {
        TaskSpec spec = withStdio(spec("sh", "-c", "cat; echo done"), new TaskStdio(true, true, false));
        TaskHandle h = start(spec);

        // An attachment that only reads does not hold the task's stdin open.
        TaskStreams observer = runtime.attach(h, false).orElseThrow();
        StringBuffer observed = collect(observer.stdout());
        TaskStreams attached = runtime.attach(h, true).orElseThrow();
        StringBuffer out = collect(attached.stdout());
        attached.writeStdin("x\n".getBytes());
        attached.closeTaskStdin();

        assertThat(runtime.await(h, LONG).orElseThrow().exitCode()).isZero();
        await().atMost(LONG).until(() -> out.toString().equals("x\ndone\n") && observed.toString().equals("x\ndone\n"));
        attached.close();
        observer.close();
        assertThat(runtime.attach(h, true)).isEmpty();
    }

    @Test
    void closingAStdinOnceTasksStdinWritesAllQueuedInputFirst() throws Exception {
        // The task reads only after a while: when the input ends, the FIFO (64 KiB) is full, the writer waits
        // with a third chunk, and the queue holds eight more.
        TaskSpec spec = withStdio(spec("sh", "-c", "sleep 1; wc -c"), new TaskStdio(true, true, false));
        TaskHandle h = start(spec);
        TaskStreams attached = runtime.attach(h, true).orElseThrow();
        byte[] chunk = new byte[32 * 1024];
        for (int i = 0; i < 11; i++) {
            attached.writeStdin(chunk);
        }
        attached.closeTaskStdin();

        assertThat(runtime.await(h, LONG).orElseThrow().exitCode()).isZero();
        assertThat(read(spec.stdoutLog()).trim()).isEqualTo(Integer.toString(11 * chunk.length));
        attached.close();
    }

    @Test
    void inputWrittenBeforeADetachStillReachesTheTask() throws Exception {
        TaskSpec spec = withStdio(spec("sh", "-c", "sleep 1; head -c 1048576 | wc -c; sleep 60"),
                new TaskStdio(true, false, false));
        TaskHandle h = start(spec);
        byte[] chunk = new byte[32 * 1024];
        try (TaskStreams attached = runtime.attach(h, true).orElseThrow()) {
            for (int i = 0; i < 32; i++) {
                attached.writeStdin(chunk);
            }
        }

        awaitLog(spec, "1048576");
        await().atMost(LONG).until(() -> stdinThreads(h) == 0);
    }

    @Test
    void inputATaskDoesNotReadWaitsForItButClosingTheAttachmentEndsTheWait() throws Exception {
        TaskHandle h = start(withStdio(spec("sleep", "60"), new TaskStdio(true, false, false)));
        TaskStreams attached = runtime.attach(h, true).orElseThrow();
        byte[] chunk = new byte[32 * 1024];
        Thread client = Thread.ofVirtual().start(() -> {
            try {
                for (int i = 0; i < 64; i++) { // 2 MiB: far beyond what the FIFO and the queue hold
                    attached.writeStdin(chunk);
                }
            } catch (IOException e) {
                // the attachment went away: as good as done
            }
        });
        // The FIFO is full and the task does not read: the client waits...
        await().atMost(LONG).until(() -> client.getState() == Thread.State.TIMED_WAITING
                || client.getState() == Thread.State.WAITING);
        assertThat(client.isAlive()).isTrue();
        // ...until it goes away.
        attached.close();
        await().atMost(LONG).until(() -> !client.isAlive());
        assertThat(attached.running()).isTrue();
        // The input it took waits for the task a while, then its writer gives up.
        await().atMost(ProcessAttachment.DETACH_STDIN_WAIT.plus(LONG)).until(() -> stdinThreads(h) == 0);
    }

    @Test
    void aTaskWithoutStdinIgnoresAttachedInputAndReadsEndOfFile() throws Exception {
        TaskSpec spec = spec("sh", "-c", "cat; echo \"read all\"; sleep 30");
        TaskHandle h = start(spec);
        awaitLog(spec, "read all");

        try (TaskStreams attached = runtime.attach(h, true).orElseThrow()) {
            attached.writeStdin("ignored\n".getBytes());
            assertThat(attached.running()).isTrue();
        }
        runtime.stop(h, Duration.ofSeconds(1));
        assertThat(read(spec.stdoutLog())).isEqualTo("read all\n");
    }

    @Test
    void aTtyTaskRunsOnATerminalThatAttachedClientsResize() throws Exception {
        TaskSpec spec = withStdio(spec("sh", "-c", "while read l; do eval \"$l\"; done"), new TaskStdio(true, false, true));
        TaskHandle h = start(spec);

        try (TaskStreams attached = runtime.attach(h, true).orElseThrow()) {
            assertThat(attached.tty()).isTrue();
            StringBuffer out = collect(attached.stdout());
            attached.resize(123, 45);
            attached.writeStdin("tty; stty size; echo \"term=$TERM\"\n".getBytes());
            await().atMost(LONG).until(() -> out.toString().contains("term=xterm"));
            // The terminal echoes the input and ends lines with CR LF.
            assertThat(out.toString()).contains("/dev/pts/").contains("45 123\r\n").contains("tty; stty size");
        }
        // script(1) passes SIGTERM on to the command on the terminal, so stopping ends it within the
        // grace period instead of by SIGKILL after it.
        runtime.stop(h, LONG);
        ExitResult exit = runtime.await(h, LONG).orElseThrow();
        assertThat(exit.exitCode()).isNotEqualTo(128 + 9);
    }

    /** The live threads writing the task's stdin for attachments. */
    private static long stdinThreads(TaskHandle h) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("stdin-" + h.taskId()) && t.isAlive()).count();
    }

    private static TaskSpec withStdio(TaskSpec spec, TaskStdio stdio) {
        return new TaskSpec(spec.id(), spec.command(), spec.env(), spec.workingDir(), spec.stdoutLog(), spec.stderrLog(),
                spec.resources(), spec.resolvConf(), stdio);
    }

    /** Reads {@code in} to its end on a thread of its own. */
    private static StringBuffer collect(InputStream in) {
        StringBuffer text = new StringBuffer();
        Thread.ofVirtual().start(() -> {
            byte[] buffer = new byte[4096];
            try {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    text.append(new String(buffer, 0, n, java.nio.charset.StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                text.append("<").append(e).append(">");
            }
        });
        return text;
    }

    /**
     * Without cgroups, a start finds what an earlier start of the same task left unrecorded (the agent stopped between
     * the spawn and the handle's save) by its monitor's arguments: both the monitor and its task are killed, so the
     * task does not run twice and the old monitor does not write its exit over the new start's (fuzz round 23).
     */
    @Test
    void aStartWithoutCgroupsKillsAnEarlierUnrecordedStartAndItsMonitor() throws Exception {
        ProcessRuntime plain = ProcessRuntime.withoutCgroups(root);
        TaskSpec spec = spec("sleep", "4245");
        TaskHandle unrecorded = ProcessRuntime.withoutCgroups(root).start(spec);
        started.add(unrecorded);
        long oldMonitor = Long.parseLong(unrecorded.state().get("monitorPid"));

        TaskHandle again = plain.start(spec);
        started.add(again);

        await().atMost(LONG).until(() -> ProcFs.stat(unrecorded.pid()).filter(st -> !st.ended()).isEmpty()
                && ProcFs.stat(oldMonitor).filter(st -> !st.ended()).isEmpty());
        await().during(Duration.ofSeconds(2)).atMost(LONG)
                .until(() -> ProcFs.stat(again.pid()).filter(st -> !st.ended()).isPresent());
        assertThat(plain.inspect(again).orElseThrow().exit()).isNull();
        plain.stop(again, Duration.ofSeconds(1));
    }

    private TaskSpec spec(String... command) {
        String id = "pod-" + (++count) + "/c";
        Path logs = tmp.resolve("logs");
        return new TaskSpec(id, List.of(command), Map.of(), null, logs.resolve(count + ".out"), logs.resolve(count + ".err"));
    }

    private TaskHandle start(TaskSpec spec) {
        TaskHandle h = runtime.start(spec);
        started.add(h);
        return h;
    }

    private static void awaitLog(TaskSpec spec, String text) {
        awaitLog(spec.stdoutLog(), text);
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
