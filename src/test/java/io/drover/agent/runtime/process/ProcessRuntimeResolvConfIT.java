package io.drover.agent.runtime.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.drover.agent.runtime.ExitResult;
import io.drover.agent.runtime.Resources;
import io.drover.agent.runtime.TaskHandle;
import io.drover.agent.runtime.TaskSpec;
import io.drover.testing.TempDirs;
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

/** A process task sees its pod's resolv.conf in a mount namespace of its own; the host's stays. */
@EnabledOnOs(OS.LINUX)
class ProcessRuntimeResolvConfIT {
    private static final Duration LONG = Duration.ofSeconds(10);
    private static final Path HOST_RESOLV_CONF = Path.of("/etc/resolv.conf");

    private Path tmp;
    private ProcessRuntime runtime;
    private final List<TaskHandle> started = new ArrayList<>();

    @BeforeEach
    void setUp() {
        Assumptions.assumeTrue(PodResolvConfMount.supported(),
                "per-pod resolv.conf needs root (a mount namespace and a bind mount); running as non-root");
        tmp = TempDirs.create("drover-resolv-conf");
        runtime = ProcessRuntime.create(tmp.resolve("tasks"));
    }

    @AfterEach
    void tearDown() throws Exception {
        for (TaskHandle h : started) {
            runtime.stop(h, Duration.ofSeconds(1));
            await().atMost(LONG).until(() -> ProcFs.session(h.pid()).isEmpty());
            runtime.destroy(h);
        }
        if (tmp != null) {
            TempDirs.delete(tmp);
        }
    }

    @Test
    void taskSeesThePodsResolvConfWhileTheHostsIsUnchanged() throws Exception {
        String host = Files.readString(HOST_RESOLV_CONF);
        Path podResolvConf = Files.writeString(tmp.resolve("resolv.conf"),
                "nameserver 10.43.0.10\nsearch default.svc.cluster.local svc.cluster.local cluster.local\n"
                        + "options ndots:5\n");
        TaskSpec spec = spec("pod-1/c", podResolvConf, "cat", "/etc/resolv.conf");

        TaskHandle h = start(spec);
        ExitResult exit = runtime.await(h, LONG).orElseThrow();

        assertThat(exit.exitCode()).as("stderr: %s", Files.readString(spec.stderrLog())).isZero();
        assertThat(Files.readString(spec.stdoutLog())).isEqualTo(Files.readString(podResolvConf));
        assertThat(Files.readString(HOST_RESOLV_CONF)).isEqualTo(host);
    }

    @Test
    void taskKeepsThePidTheRuntimeReportsThroughTheNamespaceSwitch() throws Exception {
        Path podResolvConf = Files.writeString(tmp.resolve("resolv.conf"), "nameserver 10.43.0.10\n");
        TaskSpec spec = spec("pod-2/c", podResolvConf, "sh", "-c", "echo $$; exec sleep 30");

        TaskHandle h = start(spec);

        await().atMost(LONG).until(() -> Files.readString(spec.stdoutLog()).endsWith("\n"));
        assertThat(Files.readString(spec.stdoutLog()).trim()).isEqualTo(Long.toString(h.pid()));
    }

    @Test
    void aMissingResolvConfFailsTheTaskWithAReasonInItsLog() throws Exception {
        TaskSpec spec = spec("pod-3/c", tmp.resolve("absent"), "true");

        ExitResult exit = runtime.await(start(spec), LONG).orElseThrow();

        assertThat(exit.exitCode()).isEqualTo(125);
        assertThat(Files.readString(spec.stderrLog())).contains("mount");
    }

    private TaskSpec spec(String id, Path resolvConf, String... command) {
        Path logs = tmp.resolve("logs");
        return new TaskSpec(id, List.of(command), Map.of(), null, logs.resolve(id.replace('/', '-') + ".out"),
                logs.resolve(id.replace('/', '-') + ".err"), Resources.NONE, resolvConf);
    }

    private TaskHandle start(TaskSpec spec) {
        TaskHandle h = runtime.start(spec);
        started.add(h);
        return h;
    }
}
