package io.drover.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.drover.agent.HostFacts;
import io.drover.agent.NodeAgent;
import io.drover.agent.server.KubeletServer;
import io.drover.api.ApiServer;
import io.drover.api.exec.StreamRelayHandler;
import io.drover.api.security.ClusterAuthenticator;
import io.drover.api.security.ServiceAccountTokens;
import io.drover.api.storage.StoredUids;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.drover.api.ClusterBootstrap;
import io.drover.api.http.ApiRouter;
import io.drover.api.service.ApiServerEndpoints;
import io.drover.api.service.KubernetesService;
import io.drover.api.service.ServiceAllocations;
import io.drover.api.http.DiscoveryRoutes;
import io.drover.api.kubelet.KubeletClient;
import io.drover.api.resource.ResourceRegistry;
import io.drover.api.security.ClusterCredentials;
import io.drover.api.security.Kubeconfig;
import io.drover.api.storage.EventExpiry;
import io.drover.api.storage.ObjectStorage;
import io.drover.controller.ApiClients;
import io.drover.controller.ControllerManager;
import io.drover.controller.TokenSigning;
import io.drover.controller.ElectedControllers;
import io.drover.dns.ClusterDns;
import io.drover.dns.ClusterDnsStarter;
import io.drover.json.Mappers;
import io.drover.proxy.ServiceProxy;
import io.drover.store.Compactor;
import io.drover.store.Store;
import io.drover.store.StoreConfig;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One drover server: the store, its compactor and event expiry, the API server, the controllers, the
 * node agent, its cluster DNS and its service proxy, started in that order and stopped in reverse.
 * The controllers, the node agent, the DNS and the proxy talk to the others through the API only,
 * even in this one process.
 */
public final class DroverServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DroverServer.class);

    private final Store store;
    private final Compactor compactor;
    private final EventExpiry eventExpiry;
    private final ApiServer api;
    private final ApiServerEndpoints apiEndpoints;
    /** Held until the server has stopped, so no other server starts on its data dir meanwhile. */
    private final DataDirLock dataDirLock;
    /** The controllers: a ControllerManager, or ElectedControllers on a datastore other servers share. */
    private final AutoCloseable controllers;
    private final NodeAgent agent;
    private final ClusterDns dns;
    private final ServiceProxy proxy;
    private final URI url;
    private final Path kubeconfig;
    private boolean closed;

    private DroverServer(DataDirLock dataDirLock, Store store, Compactor compactor, EventExpiry eventExpiry, ApiServer api,
            ApiServerEndpoints apiEndpoints, AutoCloseable controllers, NodeAgent agent, ClusterDns dns,
            ServiceProxy proxy, URI url, Path kubeconfig) {
        this.dataDirLock = dataDirLock;
        this.store = store;
        this.compactor = compactor;
        this.eventExpiry = eventExpiry;
        this.api = api;
        this.apiEndpoints = apiEndpoints;
        this.controllers = controllers;
        this.agent = agent;
        this.dns = dns;
        this.proxy = proxy;
        this.url = url;
        this.kubeconfig = kubeconfig;
    }

    /** Starts everything; when this returns, /readyz answers 200 and the kubeconfig is written. */
    public static DroverServer start(ServerOptions options) throws Exception {
        DataDirLock dataDirLock = DataDirLock.acquire(options.dataDir());
        try {
            return start(options, dataDirLock);
        } catch (Exception | Error e) {
            dataDirLock.close();
            throw e;
        }
    }

    private static DroverServer start(ServerOptions options, DataDirLock dataDirLock) throws Exception {
        StoreConfig storeConfig = StoreConfig.of(options.dataDir(), options.datastoreEndpoint());
        ClusterCredentials credentials = ClusterCredentials.loadOrCreate(options.dataDir(),
                InetAddress.getByName(options.serviceRanges().cidr().address(0)));
        ObjectMapper json = Mappers.json();
        ResourceRegistry registry = ResourceRegistry.builtin();
        Store store = storeConfig.open();
        Compactor compactor = null;
        EventExpiry eventExpiry = null;
        ApiServer api = null;
        ApiServerEndpoints apiEndpoints = null;
        AutoCloseable controllers = null;
        NodeAgent agent = null;
        ClusterDns dns = null;
        // The agent starts first (the DNS publishes the agent's Node address); its pods ask this
        // for their nameserver at each container start, and get none until DNS and proxy run.
        AtomicReference<String> podNameserver = new AtomicReference<>();
        // Likewise whether pods reach the API server through the kubernetes Service's ClusterIP.
        AtomicBoolean clusterIpsServed = new AtomicBoolean();
        ServiceProxy proxy = null;
        try {
            compactor = Compactor.start(store, options.compactionInterval(), Compactor.DEFAULT_MIN_RETAINED);
            eventExpiry = EventExpiry.start(store, json);
            ObjectStorage storage = new ObjectStorage(store, json, Clock.systemUTC(),
                    new ServiceAllocations(options.serviceRanges()));
            ClusterBootstrap.run(storage, registry, json);
            KubeletClient kubelets = KubeletClient.create(credentials.caCertificatePem(), credentials.adminToken());
            ServiceAccountTokens serviceAccountTokens = ServiceAccountTokens.loadOrCreate(options.dataDir());
            // kube-apiserver's --advertise-address: the bind address unless it is a wildcard, so pods
            // reaching the kubernetes Service through the proxy get to a server bound to loopback too.
            InetAddress bind = InetAddress.getByName(options.bindAddress());
            String advertised = bind.isAnyLocalAddress() ? HostFacts.detectInternalIp() : bind.getHostAddress();
            // The port is known once the listener is bound: /api answers with it from then on.
            java.util.concurrent.atomic.AtomicInteger boundPort = new java.util.concurrent.atomic.AtomicInteger(
                    options.apiPort());
            LegacyTokenLastUsed legacyTokenUses = new LegacyTokenLastUsed();
            ApiRouter router = new ApiRouter(json, registry, storage,
                    new DiscoveryRoutes(json, registry, () -> advertised + ":" + boundPort.get()),
                    authenticator(credentials, serviceAccountTokens, new StoredUids(storage, registry), legacyTokenUses),
                    serviceAccountTokens, kubelets);
            api = ApiServer.start(options.bindAddress(), options.apiPort(), credentials, router,
                    next -> new StreamRelayHandler(next, router::authorizes, storage, registry, kubelets));
            boundPort.set(api.port());
            URI url = URI.create("https://127.0.0.1:" + api.port());
            KubernetesService.ensure(storage, registry, json, options.serviceRanges().cidr(), advertised, api.port());
            apiEndpoints = ApiServerEndpoints.start(store, storage, registry, json, advertised, api.port());
            Path kubeconfig = options.dataDir().resolve("kubeconfig");
            Kubeconfig.write(kubeconfig, url, credentials.caCertificatePem(), credentials.adminToken(), "admin");
            legacyTokenUses.connect(() -> ApiClients.inProcess(router, url, credentials.adminToken(),
                    ApiClients.Component.API_SERVER));
            Supplier<KubernetesClient> controllerClient = () -> ApiClients.inProcess(router, url,
                    credentials.adminToken(), ApiClients.Component.CONTROLLER_MANAGER);
            TokenSigning signing = new TokenSigning(serviceAccountTokens, credentials.caCertificatePem());
            // SQLite is one server's alone; on etcd other servers may share the cluster, and only one may act.
            controllers = options.datastoreEndpoint() == null
                    ? ControllerManager.start(controllerClient.get(), registry, signing)
                    : ElectedControllers.start(controllerClient, registry, signing, electionIdentity(options));
            router.markReady();
            if (options.nodeAgent()) {
                agent = NodeAgent.start(ApiClients.inProcess(router, url, credentials.adminToken(),
                                ApiClients.Component.NODE_AGENT),
                        url, new NodeAgent.Settings(options.nodeName(), options.dataDir(), options.hostPortRange(),
                                options.restartBackoff(), new KubeletServer.Config(options.kubeletPort(),
                                        credentials.serverKeyStore(), credentials.keyStorePassword(),
                                        credentials::isAdminToken), options.stopPodsOnClose(),
                                podNameserver::get, clusterIpsServed::get));
                dns = ClusterDnsStarter.start(options.clusterDns(), agent.nodeName(),
                        () -> ApiClients.inProcess(router, url, credentials.adminToken(),
                                ApiClients.Component.CLUSTER_DNS));
                // The node's service proxy, as kube-proxy runs beside the kubelet: its own client, the API only.
                proxy = ServiceProxy.start(ApiClients.inProcess(router, url, credentials.adminToken(),
                                ApiClients.Component.SERVICE_PROXY),
                        new ServiceProxy.Settings(
                                options.serviceRanges().cidr().toString(), ServiceProxy.Settings.DEFAULT_UDP_IDLE,
                                options.kernelForwarding()),
                        agent.nodeName());
                podNameserver.set(dns == null ? null : dns.podNameserver(proxy.servesClusterIps()));
                clusterIpsServed.set(proxy.servesClusterIps());
            }
            log.info("drover API server ready at {} ({}); kubeconfig: {}", url, storeConfig.describe(), kubeconfig);
            return new DroverServer(dataDirLock, store, compactor, eventExpiry, api, apiEndpoints, controllers, agent,
                    dns, proxy, url, kubeconfig);
        } catch (Exception | Error e) {
            try {
                stop(proxy, dns, agent, controllers, apiEndpoints, api, eventExpiry, compactor, store);
            } catch (Exception suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /**
     * Stops what was started (null: not started): the API's clients together, then the API, and the compactor and
     * the store last, whatever failed before them.
     */
    private static void stop(ServiceProxy proxy, ClusterDns dns, NodeAgent agent, AutoCloseable controllers,
            ApiServerEndpoints apiEndpoints, ApiServer api, EventExpiry eventExpiry, Compactor compactor, Store store)
            throws Exception {
        try {
            if (apiEndpoints != null) {
                // Out of the kubernetes Service first, as kube-apiserver's shutdown does, and meanwhile the rest stops.
                apiEndpoints.beginClose();
            }
            closeTogether(proxy, dns, agent, controllers);
            for (AutoCloseable part : new AutoCloseable[] {apiEndpoints, api, eventExpiry}) {
                if (part != null) {
                    part.close();
                }
            }
        } finally {
            if (compactor != null) {
                compactor.close();
            }
            store.close();
        }
    }

    /**
     * Closes the API's clients at the same time: each one's last words to the store (the proxy's Lease, the DNS
     * server's EndpointSlice, the controllers' leadership) are bounded, so a store that is gone costs the server's
     * stop the longest of those bounds rather than their sum. They only talk to the API, which stops after them.
     */
    private static void closeTogether(AutoCloseable... parts) throws Exception {
        List<Thread> closing = new ArrayList<>();
        List<Exception> failures = Collections.synchronizedList(new ArrayList<>());
        for (AutoCloseable part : parts) {
            if (part != null) {
                closing.add(Thread.ofVirtual().name("stop-" + part.getClass().getSimpleName()).start(() -> {
                    try {
                        part.close();
                    } catch (Exception e) {
                        failures.add(e);
                    }
                }));
            }
        }
        for (Thread thread : closing) {
            thread.join();
        }
        if (!failures.isEmpty()) {
            Exception first = failures.getFirst();
            failures.stream().skip(1).forEach(first::addSuppressed);
            throw first;
        }
    }

    /** The admin token, service account tokens, and the long-lived tokens of service-account-token Secrets. */
    private static ClusterAuthenticator authenticator(ClusterCredentials credentials, ServiceAccountTokens tokens,
            StoredUids stored, ClusterAuthenticator.LegacyTokenUses legacyTokenUses) {
        return new ClusterAuthenticator(credentials, tokens, stored, stored, stored, legacyTokenUses, Clock.systemUTC());
    }

    /**
     * Who this server is in the controllers' election: the same across its restarts (it takes its own Lease back at
     * once) and different from every other server (node names differ; two servers without an agent on one host
     * differ by data directory).
     */
    private static String electionIdentity(ServerOptions options) {
        String node = options.nodeName() != null ? options.nodeName() : HostFacts.hostName();
        String dir = options.dataDir().toAbsolutePath().normalize().toString();
        return node + "_" + Integer.toHexString(dir.hashCode());
    }

    /** Compacts the store to its current revision now, as the periodic compactor would later. */
    public void compactStore() {
        store.compact(store.currentRevision());
    }

    /** Whether this server's controllers run: always on its own store, while it holds the Lease on a shared one. */
    public boolean controllersLeading() {
        return !(controllers instanceof ElectedControllers elected) || elected.leading();
    }

    public URI url() {
        return url;
    }

    /** The name of this machine's Node, run by the server's node agent; null without one. */
    public String nodeName() {
        return agent == null ? null : agent.nodeName();
    }

    /** The node's cluster DNS server; null when it is disabled or could not start. */
    public ClusterDns clusterDns() {
        return dns;
    }

    /** The node's service proxy; null without a node agent. */
    public ServiceProxy serviceProxy() {
        return proxy;
    }

    public Path kubeconfig() {
        return kubeconfig;
    }

    /** Stops the server, logging instead of throwing; for shutdown hooks. */
    public void closeQuietly() {
        try {
            close();
        } catch (Exception e) {
            log.warn("stopping the server failed", e);
        }
    }

    @Override
    public synchronized void close() throws Exception {
        if (closed) {
            return;
        }
        closed = true;
        try {
            stop(proxy, dns, agent, controllers, apiEndpoints, api, eventExpiry, compactor, store);
        } finally {
            dataDirLock.close();
        }
    }
}
