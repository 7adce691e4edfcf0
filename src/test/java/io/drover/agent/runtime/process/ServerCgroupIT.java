package io.drover.agent.runtime.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.drover.agent.runtime.TaskHandle;
import io.drover.agent.runtime.process.Cgroups.Hierarchies;
import io.drover.testing.PodProcesses;
import io.drover.testing.ServerProcess;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * A real {@code drover server --server-cpu-cgroup} started from the root of the CPU hierarchy runs
 * in {@value ServerCgroup#NAME}, and the pods it starts still move on to their own cgroups under
 * {@code drover}; without the option it stays where it started.
 * Skipped with the reason where this JVM is not in the root of a writable CPU hierarchy.
 */
@EnabledOnOs(OS.LINUX)
class ServerCgroupIT {

    @Test
    void withTheOptionAServerStartedInTheRootRunsBesideItsPods() throws Exception {
        Hierarchies hierarchies = assumeCpuHierarchy();
        Path cpuMount = hierarchies.mounts().get("cpu");
        Assumptions.assumeTrue(Files.isWritable(cpuMount), cpuMount + " is not writable (not root?): skipping");
        Assumptions.assumeTrue(ServerCgroup.target(hierarchies, cgroupLines(ProcessHandle.current().pid())).isPresent(),
                "this JVM is not in the root of the CPU hierarchy (a service manager placed it), so neither is its child server: skipping");

        try (ServerProcess server = ServerProcess.start("--server-cpu-cgroup")) {
            assertThat(cpuCgroup(server.process().pid())).isEqualTo("/" + ServerCgroup.NAME);
            assertThat(server.output()).anyMatch(line -> line.contains("drover runs in the CPU cgroup"));

            Config config = Config.fromKubeconfig(null, Files.readString(server.kubeconfig()), null);
            try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build()) {
                client.pods().inNamespace("default").resource(sleeper()).create();
                await().atMost(Duration.ofSeconds(60)).until(() -> PodProcesses.handles(server.dataDir()).size() == 1);
                TaskHandle pod = PodProcesses.handles(server.dataDir()).get(0);
                await().atMost(Duration.ofSeconds(10)).until(() -> cpuCgroup(pod.pid()).startsWith("/drover/"));
                client.pods().inNamespace("default").withName("sleeper").delete();
                await().atMost(Duration.ofSeconds(30)).until(() -> ProcessHandle.of(pod.pid()).isEmpty());
            }
        }
    }

    @Test
    void withoutTheOptionTheServerStaysWhereItStarted() throws Exception {
        assumeCpuHierarchy();
        String own = cpuCgroup(ProcessHandle.current().pid());
        try (ServerProcess server = ServerProcess.start()) {
            assertThat(cpuCgroup(server.process().pid())).isEqualTo(own);
            assertThat(server.output()).noneMatch(line -> line.contains("drover runs in the CPU cgroup"));
        }
    }

    private static Hierarchies assumeCpuHierarchy() {
        Optional<Hierarchies> hierarchies = Hierarchies.mounted();
        Assumptions.assumeTrue(hierarchies.isPresent() && hierarchies.get().mounts().containsKey("cpu"),
                "no cgroup CPU hierarchy is mounted: skipping");
        return hierarchies.get();
    }

    /** The path of {@code pid}'s cgroup in the CPU hierarchy. */
    private static String cpuCgroup(long pid) throws IOException {
        return ServerCgroup.cpuPath(Hierarchies.mounted().orElseThrow().version(), cgroupLines(pid)).orElse("");
    }

    private static List<String> cgroupLines(long pid) throws IOException {
        return Files.readAllLines(Path.of("/proc/" + pid + "/cgroup"));
    }

    private static Pod sleeper() {
        return new PodBuilder().withNewMetadata().withName("sleeper").endMetadata()
                .withNewSpec().withTerminationGracePeriodSeconds(1L)
                .addNewContainer().withName("main").withCommand("sleep", "1000").endContainer()
                .endSpec().build();
    }
}
