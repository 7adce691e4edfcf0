package io.drover.agent.runtime.process;

import static org.assertj.core.api.Assertions.assertThat;

import io.drover.agent.runtime.process.Cgroups.Hierarchies;
import io.drover.agent.runtime.process.Cgroups.Version;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Where {@link ServerCgroup} moves the server, from the hierarchies and /proc/self/cgroup. */
class ServerCgroupTest {
    private static final Path V1_CPU = Path.of("/sys/fs/cgroup/cpu");
    private static final Hierarchies V1 = new Hierarchies(Version.V1,
            Map.of("memory", Path.of("/sys/fs/cgroup/memory"), "cpu", V1_CPU, "pids", Path.of("/sys/fs/cgroup/pids")));
    private static final Path V2_MOUNT = Path.of("/sys/fs/cgroup");
    private static final Hierarchies V2 = new Hierarchies(Version.V2,
            Map.of("memory", V2_MOUNT, "cpu", V2_MOUNT, "pids", V2_MOUNT));

    @Test
    void v1ServerInTheCpuRootMovesBesideThePods() {
        List<String> own = List.of("9:name=systemd:/", "4:memory:/process_api/b36d", "1:cpu:/", "0::/");
        assertThat(ServerCgroup.target(V1, own)).contains(V1_CPU.resolve("drover-server"));
    }

    @Test
    void v1CpuMountedWithCpuacctIsFoundInTheCombinedControllerList() {
        List<String> own = List.of("3:cpu,cpuacct:/", "2:pids:/user.slice");
        assertThat(ServerCgroup.target(V1, own)).contains(V1_CPU.resolve("drover-server"));
    }

    @Test
    void v1ServerPlacedByAServiceManagerStays() {
        List<String> own = List.of("3:cpu,cpuacct:/system.slice/drover.service", "0::/");
        assertThat(ServerCgroup.target(V1, own)).isEmpty();
    }

    @Test
    void v2ServerInTheRootMovesBesideThePods() {
        assertThat(ServerCgroup.target(V2, List.of("0::/"))).contains(V2_MOUNT.resolve("drover-server"));
    }

    @Test
    void v2ServerInASessionOrContainerCgroupStays() {
        assertThat(ServerCgroup.target(V2, List.of("0::/user.slice/user-1000.slice/session-2.scope"))).isEmpty();
        assertThat(ServerCgroup.target(V2, List.of("0::/docker/3f2a:abc"))).isEmpty();
    }

    @Test
    void noCpuHierarchyOrNoCpuLineMovesNothing() {
        Hierarchies memoryOnly = new Hierarchies(Version.V1, Map.of("memory", Path.of("/sys/fs/cgroup/memory")));
        assertThat(ServerCgroup.target(memoryOnly, List.of("1:cpu:/", "4:memory:/"))).isEmpty();
        assertThat(ServerCgroup.target(V1, List.of("4:memory:/", "0::/"))).isEmpty();
        assertThat(ServerCgroup.target(V1, List.of("garbage"))).isEmpty();
    }

    @Test
    void cpuPathKeepsColonsInThePath() {
        assertThat(ServerCgroup.cpuPath(Version.V2, List.of("0::/docker/3f2a:abc"))).contains("/docker/3f2a:abc");
        assertThat(ServerCgroup.cpuPath(Version.V1, List.of("2:cpuacct:/a", "3:cpu:/b:c"))).contains("/b:c");
    }
}
