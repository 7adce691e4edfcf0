package io.drover.agent.server;

import io.drover.agent.exec.AttachHandler;
import io.drover.agent.exec.AttachTargets;
import io.drover.agent.exec.ExecHandler;
import io.drover.agent.exec.ExecTargets;
import io.drover.agent.logs.LogPipeline;
import io.drover.agent.portforward.PortForwardHandler;
import io.drover.agent.portforward.PortForwardTargets;
import java.security.KeyStore;
import java.util.concurrent.Executors;
import java.util.function.Predicate;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The node agent's kubelet-style HTTPS endpoint, which the API server calls for what only the node
 * has (container logs, exec, port-forward), as kube-apiserver calls the
 * kubelet on port 10250. Its port is advertised in the Node's {@code
 * status.daemonEndpoints.kubeletEndpoint.Port}.
 *
 * <p>TLS with a certificate from the cluster CA, which the API server verifies against the node's
 * address. Callers authenticate with a bearer token the agent accepts (the admin token in the
 * all-in-one server): the API server sends it only after verifying this certificate, so it never
 * reaches an endpoint the cluster CA did not vouch for.
 *
 * <p>Listens on all addresses, as the kubelet does, since the API server reaches it by the node's
 * address; requests run on virtual threads, so a followed log holds no platform thread.
 */
public final class KubeletServer implements AutoCloseable {
    /**
     * How the endpoint serves.
     *
     * @param port the port; 0 picks a free one
     * @param keyStore the serving key and its chain (PKCS#12, one entry)
     * @param password the key store's and the key's password
     * @param tokenAccepted whether a bearer token may call it
     */
    public record Config(int port, KeyStore keyStore, char[] password, Predicate<String> tokenAccepted) {
        public Config {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("--kubelet-port: " + port + " (expected: 0-65535)");
            }
        }
    }

    private final Server server;
    private final ServerConnector connector;

    private KubeletServer(Server server, ServerConnector connector) {
        this.server = server;
        this.connector = connector;
    }

    public static KubeletServer start(Config config, ContainerLogSource pods, LogPipeline logs, ExecTargets execTargets,
            AttachTargets attachTargets, PortForwardTargets portForwardTargets) throws Exception {
        QueuedThreadPool threads = new QueuedThreadPool();
        threads.setName("kubelet");
        // Requests run on virtual threads; the pool runs the acceptor and selector of a port that
        // only the API server calls, so two idle threads are enough.
        threads.setMinThreads(2);
        threads.setVirtualThreadsExecutor(Executors.newThreadPerTaskExecutor(
                Thread.ofVirtual().name("kubelet-request-", 0).factory()));
        Server server = new Server(threads);

        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setKeyStore(config.keyStore());
        String password = new String(config.password());
        ssl.setKeyStorePassword(password);
        ssl.setKeyManagerPassword(password);

        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.addCustomizer(new SecureRequestCustomizer(false));
        HttpConnectionFactory factory = new HttpConnectionFactory(http);
        ServerConnector connector = new ServerConnector(server, new SslConnectionFactory(ssl, factory.getProtocol()),
                factory);
        connector.setPort(config.port());
        server.addConnector(connector);
        server.setHandler(new KubeletHandler(config.tokenAccepted(), new ContainerLogsEndpoint(pods, logs),
                new ExecHandler(execTargets), new AttachHandler(attachTargets), new PortForwardHandler(portForwardTargets)));
        server.setStopTimeout(2_000);
        try {
            server.start();
        } catch (Exception e) {
            server.stop();
            throw e;
        }
        return new KubeletServer(server, connector);
    }

    /** The port actually bound. */
    public int port() {
        return connector.getLocalPort();
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }
}
