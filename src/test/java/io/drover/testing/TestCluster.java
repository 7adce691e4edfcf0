package io.drover.testing;

import io.drover.dns.ClusterDnsOptions;
import io.drover.server.DroverServer;
import io.drover.server.ServerOptions;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.UnaryOperator;

/**
 * A real drover server in this JVM on a free port and a temporary data dir, with a fabric8 client
 * configured from the kubeconfig it wrote. Close it to stop the server and remove the data dir.
 */
public final class TestCluster implements AutoCloseable {
    private final Path dataDir;
    private final DroverServer server;
    private final KubernetesClient client;

    private TestCluster(Path dataDir, DroverServer server, KubernetesClient client) {
        this.dataDir = dataDir;
        this.server = server;
        this.client = client;
    }

    public static TestCluster start() throws Exception {
        return start(options -> options);
    }

    /**
     * A cluster whose server options are the test defaults changed by {@code options}. The defaults
     * run no cluster DNS (it would want port 53 as root); tests that need it turn it on.
     */
    public static TestCluster start(UnaryOperator<ServerOptions> options) throws Exception {
        Path dataDir = TempDirs.create("drover-cluster");
        DroverServer server = null;
        try {
            server = DroverServer.start(options.apply(ServerOptions.forDataDir(dataDir).withBindAddress("127.0.0.1")
                    .withStopPodsOnClose(true).withClusterDns(ClusterDnsOptions.disabled())));
            Config config = Config.fromKubeconfig(Files.readString(server.kubeconfig()));
            config.setRequestRetryBackoffLimit(0);
            KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build();
            return new TestCluster(dataDir, server, client);
        } catch (Exception | Error e) {
            if (server != null) {
                server.closeQuietly();
            }
            TempDirs.delete(dataDir);
            throw e;
        }
    }

    public KubernetesClient client() {
        return client;
    }

    public DroverServer server() {
        return server;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** The admin bearer token, for raw HTTP requests. */
    public String token() throws IOException {
        return Files.readString(dataDir.resolve("pki/admin.token")).trim();
    }

    /** A JDK HTTP client that trusts the cluster CA, for requests fabric8 cannot express. */
    public HttpClient httpClient() throws Exception {
        return RawHttp.trusting(client.getConfiguration().getCaCertData());
    }

    @Override
    public void close() {
        try {
            client.close();
        } finally {
            server.closeQuietly();
            TempDirs.delete(dataDir);
        }
    }
}
