package io.drover.api;

import io.drover.api.http.ApiRouter;
import io.drover.api.http.JettyAdapter;
import io.drover.api.http.StatusErrorHandler;
import io.drover.api.security.ClusterCredentials;
import java.util.concurrent.Executors;
import java.util.function.UnaryOperator;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The HTTPS listener of the API server, on Jetty 12. Requests run on virtual threads, so a watch
 * that waits for events holds no platform thread.
 */
public final class ApiServer implements AutoCloseable {
    private final Server server;
    private final ServerConnector connector;
    private final ApiRouter router;

    private ApiServer(Server server, ServerConnector connector, ApiRouter router) {
        this.server = server;
        this.connector = connector;
        this.router = router;
    }

    /**
     * Starts listening on {@code host:port} (port 0 picks a free one), with {@code front} wrapped
     * around the API handler for requests that need Jetty itself (WebSocket upgrades: pods/exec,
     * pods/portforward).
     *
     * @throws Exception when the port cannot be bound
     */
    public static ApiServer start(String host, int port, ClusterCredentials credentials, ApiRouter router,
            UnaryOperator<Handler> front) throws Exception {
        QueuedThreadPool threads = new QueuedThreadPool();
        threads.setName("api");
        // Requests run on virtual threads; the pool only runs the acceptor, the selector and TLS
        // work, so it need not keep Jetty's default 8 idle platform threads, nor let the ones a burst
        // added go one a minute.
        threads.setMinThreads(4);
        threads.setIdleTimeout(10_000);
        threads.setMaxEvictCount(4);
        threads.setVirtualThreadsExecutor(Executors.newThreadPerTaskExecutor(
                Thread.ofVirtual().name("api-request-", 0).factory()));
        Server server = new Server(threads);

        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setKeyStore(credentials.serverKeyStore());
        String password = new String(credentials.keyStorePassword());
        ssl.setKeyStorePassword(password);
        ssl.setKeyManagerPassword(password);

        HttpConfiguration config = new HttpConfiguration();
        config.setSendServerVersion(false);
        // The certificate names this host by its addresses too; clients reach it by IP.
        config.addCustomizer(new SecureRequestCustomizer(false));
        HttpConnectionFactory http = new HttpConnectionFactory(config);
        ServerConnector connector = new ServerConnector(server, new SslConnectionFactory(ssl, http.getProtocol()), http);
        connector.setHost(host);
        connector.setPort(port);
        server.addConnector(connector);
        server.setHandler(front.apply(new JettyAdapter(router)));
        server.setErrorHandler(new StatusErrorHandler());
        server.setStopTimeout(5_000);
        try {
            server.start();
        } catch (Exception e) {
            server.stop();
            throw e;
        }
        return new ApiServer(server, connector, router);
    }

    /** The port actually bound. */
    public int port() {
        return connector.getLocalPort();
    }

    @Override
    public void close() throws Exception {
        // Watches end within a second of this, so the graceful stop has no request left to wait for.
        router.shutdown();
        server.stop();
    }
}
