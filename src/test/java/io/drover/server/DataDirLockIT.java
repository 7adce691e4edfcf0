package io.drover.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drover.testing.ServerProcess;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/**
 * One server per data dir: a second server started on a running one's dir is refused with a clear message and
 * leaves the first one untouched (fuzz round 23: it started, rewrote the kubeconfig, and broke the first one's
 * SQLite writes until it restarted); once the first has stopped, even killed, its dir can be used again.
 */
class DataDirLockIT {

    @Test
    void aSecondServerOnARunningServersDataDirIsRefused() throws Exception {
        try (ServerProcess first = ServerProcess.start()) {
            String kubeconfig = Files.readString(first.kubeconfig());

            assertThatThrownBy(first::startAnother).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("drover: data dir " + first.dataDir()
                            + " is in use by another drover server (pid " + first.process().pid() + ")");

            assertThat(Files.readString(first.kubeconfig())).isEqualTo(kubeconfig);
            assertThat(first.process().isAlive()).isTrue();

            first.kill9();
            try (ServerProcess restarted = first.restart()) {
                assertThat(restarted.url()).isNotNull();
            }
        }
    }
}
