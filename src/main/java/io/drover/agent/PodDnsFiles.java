package io.drover.agent;

import io.drover.agent.runtime.process.PodResolvConfMount;
import io.drover.dns.ClusterDnsOptions;
import io.drover.dns.PodResolvConf;
import io.fabric8.kubernetes.api.model.Pod;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Writes each pod's resolv.conf ({@link PodResolvConf}) into its pod directory for the runtime to
 * bind over /etc/resolv.conf. Only where the runtime can apply it (root); the cluster DNS server's
 * address is asked for at each container start, since the DNS starts after the agent.
 */
final class PodDnsFiles {
    private final Supplier<String> clusterDns;

    /** {@code clusterDns}: the address pods reach the cluster DNS at on port 53, or null for none. */
    PodDnsFiles(Supplier<String> clusterDns) {
        this.clusterDns = clusterDns;
    }

    /** The file for the pod's containers, or null for the host's own /etc/resolv.conf. */
    Path prepare(Pod pod, Path podDir) throws IOException {
        if (!PodResolvConfMount.supported()) {
            return null;
        }
        String host = Files.isReadable(ClusterDnsOptions.HOST_RESOLV_CONF)
                ? Files.readString(ClusterDnsOptions.HOST_RESOLV_CONF) : "";
        Optional<String> contents = PodResolvConf.forPod(pod, clusterDns.get(), ClusterDnsOptions.DEFAULT_DOMAIN,
                host);
        if (contents.isEmpty()) {
            return null;
        }
        Files.createDirectories(podDir);
        Path file = podDir.resolve("resolv.conf");
        Path tmp = podDir.resolve("resolv.conf.tmp");
        Files.writeString(tmp, contents.get());
        return Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
