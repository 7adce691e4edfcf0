package io.drover.agent.runtime.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.drover.agent.runtime.TaskHandle;
import io.drover.agent.runtime.TaskSpec;
import io.drover.testing.TempDirs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * Commands exec'd into a task without a cgroup lead sessions the task's does not contain: adopted,
 * they end with the task (what {@code kubectl exec} relies on now that a command outlives its
 * client). Real processes; what a test starts is killed in teardown.
 */
@EnabledOnOs(OS.LINUX)
class ProcessRuntimeExecSessionsIT {
    private static final Duration LONG = Duration.ofSeconds(10);

    private Path tmp;
    private ProcessRuntime runtime;
    private final List<TaskHandle> tasks = new ArrayList<>();
    private final List<Process> commands = new ArrayList<>();

    @BeforeEach
    void setUp() {
        tmp = TempDirs.create("drover-exec-sessions");
        runtime = ProcessRuntime.withoutCgroups(tmp.resolve("tasks"));
    }

    @AfterEach
    void tearDown() throws Exception {
        for (Process p : commands) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        for (TaskHandle h : tasks) {
            runtime.destroy(h);
        }
        TempDirs.delete(tmp);
    }

    @Test
    void stoppingTheTaskKillsTheSessionsOfCommandsExecdIntoIt() throws Exception {
        TaskHandle h = start("sleep", "4301");
        // as kubectl exec starts it: setsid execs in place, so the pid is the session's id
        Process exec = command("setsid", "sh", "-c", "sleep 4302 & exec sleep 4303");
        await().atMost(LONG).until(() -> ProcFs.session(exec.pid()).size() == 2);
        runtime.adoptSession(h, exec.pid());

        long began = System.nanoTime();
        runtime.stop(h, LONG);

        assertThat(ProcFs.session(h.pid())).isEmpty();
        assertThat(ProcFs.session(exec.pid())).isEmpty();
        // the task ended on SIGTERM: the exec'd command, which ignores nothing, did not hold the grace period open
        assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void aCommandAdoptedAfterItsTaskStoppedIsKilledAtOnce() throws Exception {
        TaskHandle h = start("sleep", "4311");
        runtime.stop(h, LONG);
        Process exec = command("setsid", "sleep", "4312");
        await().atMost(LONG).until(() -> ProcFs.session(exec.pid()).size() == 1);

        runtime.adoptSession(h, exec.pid());

        assertThat(ProcFs.session(exec.pid())).isEmpty();
    }

    private TaskHandle start(String... command) {
        int n = tasks.size() + 1;
        TaskHandle h = runtime.start(new TaskSpec("pod-" + n + "/c", List.of(command), Map.of(), null,
                tmp.resolve("logs").resolve(n + ".out"), tmp.resolve("logs").resolve(n + ".err")));
        tasks.add(h);
        return h;
    }

    private Process command(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        commands.add(p);
        return p;
    }
}
