package io.drover.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.drover.testing.EtcdProcess;
import io.drover.testing.Requirements;
import io.drover.testing.ServerProcess;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A server stops promptly at SIGTERM even when its store is gone: what its components still say
 * to the API on the way out (the proxy deleting its Lease) is best effort, bounded, and does not
 * wait for the store's timeouts and the clients' retries, which took the server 1-2 minutes to
 * stop before.
 */
class ServerShutdownIT {

    /** The API clients' last words are bounded at 2-3 s and run together; the store's timeout is 10 s. */
    private static final long STOP_SECONDS = 8;

    @Test
    void serverWhoseEtcdIsGoneStopsWithinSecondsOfSigterm() throws Exception {
        Requirements.etcd();
        EtcdProcess etcd = EtcdProcess.start();
        try (ServerProcess server = ServerProcess.start("--datastore-endpoint", etcd.endpoint().toString())) {
            etcd.close();

            long started = System.nanoTime();
            server.process().destroy();
            boolean exited = server.process().waitFor(STOP_SECONDS, TimeUnit.SECONDS);
            if (!exited) {
                // For the message: how long it took after all, and what it said meanwhile.
                server.process().waitFor(60, TimeUnit.SECONDS);
            }
            long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

            assertThat(exited)
                    .as("server stopped %d ms after SIGTERM (alive: %s); its output:%n%s", tookMillis,
                            server.process().isAlive(), String.join("\n", server.output()))
                    .isTrue();
        } finally {
            etcd.close();
        }
    }
}
