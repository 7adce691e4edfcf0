package io.drover.agent.ports;

import static org.assertj.core.api.Assertions.assertThat;

import io.drover.testing.TempDirs;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Against stand-in files: the real /proc/sys files are the machine's, not the test's. */
class PortReservationTest {
    private final Path dir = TempDirs.create("port-reservation");
    private final Path reserved = dir.resolve("ip_local_reserved_ports");
    private final Path ephemeral = dir.resolve("ip_local_port_range");

    @AfterEach
    void cleanUp() {
        TempDirs.delete(dir);
    }

    @Test
    void aRangeOutsideTheEphemeralRangeLeavesTheHostAlone() throws Exception {
        Files.writeString(ephemeral, "32768\t60999\n");
        Files.writeString(reserved, "8080\n");
        assertThat(new PortReservation(reserved, ephemeral).reserve(PortRange.DEFAULT)).isTrue();
        assertThat(Files.readString(reserved)).isEqualTo("8080\n");
    }

    @Test
    void anOverlappingRangeIsAddedToWhatIsReservedAlready() throws Exception {
        Files.writeString(ephemeral, "10000\t60999\n");
        Files.writeString(reserved, "8080,9000-9100\n");
        assertThat(new PortReservation(reserved, ephemeral).reserve(PortRange.DEFAULT)).isTrue();
        assertThat(Files.readString(reserved)).isEqualTo("8080,9000-9100,20000-29999");
    }

    @Test
    void aRangeAlreadyCoveredIsNotWrittenAgain() throws Exception {
        Files.writeString(ephemeral, "10000\t60999\n");
        Files.writeString(reserved, "19000-30000\n");
        assertThat(new PortReservation(reserved, ephemeral).reserve(PortRange.DEFAULT)).isTrue();
        assertThat(Files.readString(reserved)).isEqualTo("19000-30000\n");
    }

    @Test
    void anUnwritableFileIsReportedNotThrown() throws Exception {
        Files.writeString(ephemeral, "10000\t60999\n");
        assertThat(new PortReservation(dir.resolve("missing/file"), ephemeral).reserve(PortRange.DEFAULT)).isFalse();
    }
}
