package io.drover.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContainerCapabilitiesTest {
    private final ContainerCapabilities root = new ContainerCapabilities(true, 40);

    @Test
    void aContainerWithoutASecurityContextGetsContainerdsFourteenDefaults() {
        assertThat(root.of(null)).hasValueSatisfying(caps -> assertThat(caps).containsExactly("CAP_CHOWN",
                "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP",
                "CAP_NET_BIND_SERVICE", "CAP_NET_RAW", "CAP_SYS_CHROOT", "CAP_MKNOD", "CAP_AUDIT_WRITE",
                "CAP_SETFCAP"));
        assertThat(root.of(new SecurityContext())).isEqualTo(root.of(null));
    }

    @Test
    void addsAndDropsByTheCrisNamesWithoutPrefix() {
        assertThat(root.of(capabilities(List.of("NET_ADMIN", "sys_ptrace"), List.of("CHOWN", "MKNOD"))).orElseThrow())
                .contains("CAP_NET_ADMIN", "CAP_SYS_PTRACE").doesNotContain("CAP_CHOWN", "CAP_MKNOD").hasSize(14);
    }

    @Test
    void dropAllThenAddKeepsOnlyTheAdded() {
        assertThat(root.of(capabilities(List.of("NET_BIND_SERVICE"), List.of("ALL"))).orElseThrow())
                .containsExactly("CAP_NET_BIND_SERVICE");
        assertThat(root.of(capabilities(List.of(), List.of("ALL"))).orElseThrow()).isEmpty();
    }

    @Test
    void addAllThenDropOneKeepsEveryOtherAndADropWinsOverAnAdd() {
        assertThat(root.of(capabilities(List.of("ALL"), List.of("SYS_ADMIN"))).orElseThrow())
                .hasSize(40).doesNotContain("CAP_SYS_ADMIN").contains("CAP_CHECKPOINT_RESTORE");
        assertThat(root.of(capabilities(List.of("NET_ADMIN"), List.of("NET_ADMIN"))).orElseThrow())
                .doesNotContain("CAP_NET_ADMIN");
    }

    @Test
    void allIsAllInAnyCaseAndOnlyWhatTheKernelKnowsIsAdded() {
        assertThat(root.of(capabilities(List.of(), List.of("all"))).orElseThrow()).isEmpty();
        assertThat(new ContainerCapabilities(true, 37).of(capabilities(List.of("All", "BPF"), List.of())).orElseThrow())
                .hasSize(38).contains("CAP_AUDIT_READ").doesNotContain("CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE");
    }

    @Test
    void readsTheKernelsLastCapability(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("cap_last_cap"), "40\n");
        assertThat(ContainerCapabilities.lastCapability(dir.resolve("cap_last_cap"))).isEqualTo(40);
        assertThat(ContainerCapabilities.lastCapability(dir.resolve("missing"))).isEqualTo(40);
        Path kernels = Path.of("/proc/sys/kernel/cap_last_cap");
        if (Files.exists(kernels)) { // procfs reports a size of 0 for its files
            assertThat(ContainerCapabilities.lastCapability(kernels)).isGreaterThanOrEqualTo(36);
        }
    }

    @Test
    void unknownNamesAreIgnoredAsRuncIgnoresThem() {
        // containerd prefixes every name, so "CAP_NET_ADMIN" becomes the unknown CAP_CAP_NET_ADMIN.
        assertThat(root.of(capabilities(List.of("CAP_NET_ADMIN", "BOGUS"), List.of())).orElseThrow())
                .doesNotContain("CAP_NET_ADMIN").hasSize(14);
    }

    @Test
    void aPrivilegedContainerAndAnAgentWithoutSetpcapKeepTheAgentsSet() {
        assertThat(root.of(new SecurityContextBuilder().withPrivileged(true).withNewCapabilities()
                .withDrop("ALL").endCapabilities().build())).isEmpty();
        assertThat(new ContainerCapabilities(false, 40).of(capabilities(List.of(), List.of("ALL")))).isEmpty();
    }

    @Test
    void readsCapSetpcapFromTheEffectiveSet(@TempDir Path dir) throws Exception {
        Path status = dir.resolve("status");
        Files.writeString(status, "Name:\tjava\nCapInh:\t0000000000000000\nCapEff:\t000001fffeffffff\n");
        assertThat(ContainerCapabilities.effectiveHas(status, 8)).isTrue();
        assertThat(ContainerCapabilities.effectiveHas(status, 24)).isFalse();
        Files.writeString(status, "CapEff:\t0000000000000000\n");
        assertThat(ContainerCapabilities.effectiveHas(status, 8)).isFalse();
        assertThat(ContainerCapabilities.effectiveHas(dir.resolve("missing"), 8)).isFalse();
    }

    private static SecurityContext capabilities(List<String> add, List<String> drop) {
        return new SecurityContextBuilder().withNewCapabilities().withAdd(add).withDrop(drop).endCapabilities().build();
    }
}
