package io.drover.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Quantity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostFactsTest {
    private static HostFacts host(long memoryKi, long storageBytes, Map<String, Long> hugePages) {
        return new HostFacts("n", "10.0.0.1", 2, memoryKi, "6.1", "Debian", "amd64", "", "", "", storageBytes,
                hugePages);
    }

    @Test
    void byteCountsAreWrittenInTheLargestBinaryUnitThatDividesThem() {
        assertThat(HostFacts.binaryBytes(2L << 20)).isEqualTo("2Mi");
        assertThat(HostFacts.binaryBytes(1L << 30)).isEqualTo("1Gi");
        assertThat(HostFacts.binaryBytes(24_585_932L * 1024)).isEqualTo("24585932Ki");
        assertThat(HostFacts.binaryBytes(93_478_772_583L)).isEqualTo("93478772583");
        assertThat(HostFacts.binaryBytes(0)).isEqualTo("0");
    }

    @Test
    void capacityHasEphemeralStorageAndHugePagesAndAllocatableLessTheEvictionThresholds() {
        HostFacts host = host(16_384_000, 100L << 30, Map.of("hugepages-2Mi", 4L << 20, "hugepages-1Gi", 0L));

        Map<String, Quantity> capacity = host.capacity("110");
        assertThat(capacity).containsEntry("cpu", new Quantity("2")).containsEntry("memory", new Quantity("16000Mi"))
                .containsEntry("ephemeral-storage", new Quantity("100Gi"))
                .containsEntry("hugepages-2Mi", new Quantity("4Mi")).containsEntry("hugepages-1Gi", new Quantity("0"))
                .containsEntry("pods", new Quantity("110"));

        Map<String, Quantity> allocatable = host.allocatable("110");
        // 16000Mi - 100Mi (memory.available) - 4Mi of huge pages; 100Gi - int64(100Gi * float32(0.1)).
        assertThat(allocatable).containsEntry("memory", new Quantity("15896Mi"))
                .containsEntry("ephemeral-storage", new Quantity(Long.toString((100L << 30)
                        - (long) ((100L << 30) * (double) 0.1f))))
                .containsEntry("hugepages-2Mi", new Quantity("4Mi")).containsEntry("cpu", new Quantity("2"));
    }

    @Test
    void hugePagesAreReadPerPageSizeFromSysfs(@TempDir Path sysfs) throws IOException {
        Files.createDirectories(sysfs.resolve("hugepages-2048kB"));
        Files.writeString(sysfs.resolve("hugepages-2048kB/nr_hugepages"), "3\n");
        Files.createDirectories(sysfs.resolve("hugepages-1048576kB"));
        Files.writeString(sysfs.resolve("hugepages-1048576kB/nr_hugepages"), "0\n");

        assertThat(HostFacts.hugePages(sysfs)).containsExactlyInAnyOrderEntriesOf(
                Map.of("hugepages-2Mi", 3L * 2048 * 1024, "hugepages-1Gi", 0L));
        assertThat(HostFacts.hugePages(sysfs.resolve("absent"))).isEmpty();
    }

    @Test
    void theFileSystemOfADirNotYetMadeIsItsNearestParentsOne(@TempDir Path dir) {
        assertThat(HostFacts.fileSystemSize(dir.resolve("data/pods"))).isEqualTo(HostFacts.fileSystemSize(dir))
                .isPositive();
    }
}
