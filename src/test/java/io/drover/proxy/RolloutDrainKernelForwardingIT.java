package io.drover.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.drover.agent.HostFacts;
import io.drover.server.ServerOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * {@link RolloutDrainIT} with the node's proxy in nftables mode ({@code --proxy-mode nftables}): the
 * kernel forwards the requests to the pods, and a replaced pod still gets SIGTERM only after the
 * rule without it is in the kernel and the proxies acknowledged it. The kernel cannot retry a
 * refused connect as the relay does, so here every test holds without that failover: no request
 * may fail.
 */
class RolloutDrainKernelForwardingIT extends RolloutDrainIT {
    private static final String TABLE = "drover_10_43_0_0_16";

    @Override
    ServerOptions serverOptions(ServerOptions defaults) {
        assumeTrue(KernelForwarding.nft("list tables\n") == null,
                "nftables cannot be used here (needs root, nft and nf_tables)");
        // Pods' endpoints are the node's address; the kernel does not forward to loopback.
        assumeTrue(!HostFacts.detectInternalIp().startsWith("127."), "this machine has no address but loopback");
        return defaults.withKernelForwarding(true);
    }

    /** The Service's ClusterIP port is in the kernel's dispatch map, so the load did not pass the relay. */
    @Override
    void checkForwarding(String clusterIp) throws IOException, InterruptedException {
        Process nft = new ProcessBuilder("nft", "list", "map", "ip", TABLE, "services").redirectErrorStream(true).start();
        String map = new String(nft.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(nft.waitFor()).as(map).isZero();
        assertThat(map).contains(clusterIp + " . 8080");
    }
}
