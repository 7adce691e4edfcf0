package io.drover.proxy;

import io.drover.controller.BoundedCall;
import io.drover.controller.Informers;
import io.drover.controller.EventsV1Recorder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The service proxy of one node, as kube-proxy is: it watches Services and EndpointSlices through
 * the API and serves every ClusterIP:port and NodePort of this machine, and the Services' external
 * and load balancer ingress IPs that are this machine's, forwarding each new TCP
 * connection (or UDP session) to a ready endpoint.
 *
 * <p>Informer events only name a Service; one sync thread brings that Service's listeners and
 * endpoints in line with the informer caches, so events for one Service never race each other.
 */
public final class ServiceProxy implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ServiceProxy.class);
    static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";

    /**
     * @param serviceCidr the range ClusterIPs come from (served through a local route as root, on 127.x twins otherwise)
     * @param udpIdleTimeout how long a UDP session lives without a datagram either way
     * @param kernelForwarding whether TCP ClusterIP connections are forwarded by the kernel (nftables)
     *        where it can, rather than relayed by the proxy ({@link KernelForwarding})
     */
    public record Settings(String serviceCidr, Duration udpIdleTimeout, boolean kernelForwarding) {
        public static final Duration DEFAULT_UDP_IDLE = Duration.ofSeconds(60);
    }

    /** The first retry of a Service whose sockets did not all open, doubled up to {@link #MAX_RETRY}. */
    static final Duration FIRST_RETRY = Duration.ofSeconds(1);
    static final Duration MAX_RETRY = Duration.ofSeconds(30);

    private final KubernetesClient client;
    private final Transport transport;
    private final ServiceAddresses addresses;
    private final Listeners listeners;
    /** Null where the proxy relays every connection itself. */
    private final KernelForwarding kernel;
    private final ServiceSync sync;
    private final ScheduledThreadPoolExecutor syncThread;
    /**
     * The delay before the next retry of each Service ("namespace/name") whose sockets did not all
     * open; only the sync thread touches it.
     */
    private final Map<String, Duration> retryDelays = new HashMap<>();
    private final Set<String> retryScheduled = new HashSet<>();
    /** The newest EndpointSlice revision whose change new connections follow. */
    private final AtomicLong appliedRevision = new AtomicLong(-1);
    /** Publishes {@link #appliedRevision} for the node agents; null for a proxy of no node (tests). */
    private final AppliedRevisionPublisher acks;
    private SharedIndexInformer<Service> services;
    private SharedIndexInformer<EndpointSlice> slices;

    private ServiceProxy(KubernetesClient client, Settings settings, String nodeName) {
        this.client = client;
        this.acks = nodeName == null ? null : new AppliedRevisionPublisher(client, nodeName, Clock.systemUTC());
        this.addresses = ServiceAddresses.setUp(settings.serviceCidr());
        this.transport = Transport.create();
        this.listeners = new Listeners(transport, settings.udpIdleTimeout());
        if (!settings.kernelForwarding() && addresses.routed()) {
            KernelForwarding.removeLeftover(settings.serviceCidr());
        }
        if (settings.kernelForwarding() && !addresses.routed()) {
            log.warn("service CIDR {}: kernel forwarding needs the ClusterIPs on a local route (root); the proxy "
                    + "relays ClusterIP connections itself", settings.serviceCidr());
        }
        this.kernel = settings.kernelForwarding() && addresses.routed()
                ? KernelForwarding.open(settings.serviceCidr()) : null;
        this.sync = new ServiceSync(addresses, listeners, kernel, Clock.systemUTC(),
                new EventsV1Recorder(client, "kube-proxy", Clock.systemUTC()));
        this.syncThread = new ScheduledThreadPoolExecutor(1, Thread.ofPlatform().name("service-proxy-sync").factory());
        // Pending retries are dropped at close rather than holding it up.
        syncThread.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    /** Starts a proxy that publishes nothing (see the other {@code start}). */
    public static ServiceProxy start(KubernetesClient client, Settings settings) {
        return start(client, settings, null);
    }

    /**
     * Starts watching; returns once the informers have listed what exists. The proxy owns the client
     * from here on. With a {@code nodeName} it publishes how far it has applied EndpointSlice changes
     * on that node's {@link AppliedRevisionLease}, which node agents wait for before stopping a pod.
     */
    public static ServiceProxy start(KubernetesClient client, Settings settings, String nodeName) {
        ServiceProxy proxy = new ServiceProxy(client, settings, nodeName);
        try {
            // Both informers exist before either runs, so every sync finds both caches.
            proxy.services = Informers.keepWatching(client.services().inAnyNamespace().runnableInformer(0));
            proxy.slices = Informers.keepWatching(
                    client.discovery().v1().endpointSlices().inAnyNamespace().runnableInformer(0));
            proxy.services.addEventHandler(proxy.handler(s -> s.getMetadata().getName(), false));
            proxy.slices.addEventHandler(proxy.handler(
                    s -> s.getMetadata().getLabels() == null ? null : s.getMetadata().getLabels().get(SERVICE_NAME_LABEL),
                    true));
            proxy.services.start().toCompletableFuture().get(30, TimeUnit.SECONDS);
            proxy.slices.start().toCompletableFuture().get(30, TimeUnit.SECONDS);
            // Queued behind the syncs of the listed slices: once they ran, the list's revision is applied.
            proxy.enqueue(null, null, revision(proxy.slices.lastSyncResourceVersion()));
            if (proxy.acks != null) {
                proxy.acks.start();
            }
            log.info("service proxy started ({} transport, {} event loops, ClusterIPs {}{})",
                    proxy.transport.kind(), proxy.transport.loops(),
                    proxy.addresses.routed() ? "on a local route" : "on their 127.x twins",
                    proxy.kernel != null ? ", TCP ClusterIP connections forwarded by nftables" : "");
            return proxy;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            proxy.close();
            throw new IllegalStateException("interrupted while the service proxy started", e);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            proxy.close();
            throw new IllegalStateException("the service proxy could not list Services and EndpointSlices", e);
        }
    }

    /** The address this proxy listens on for a Service with this clusterIP (itself as root, its 127.x twin rootless). */
    public InetAddress listenAddress(String clusterIp) throws UnknownHostException {
        return addresses.listenAddress(clusterIp);
    }

    /** Whether ClusterIPs are served at their own addresses (root: a local route) rather than their 127.x twins. */
    public boolean servesClusterIps() {
        return addresses.routed();
    }

    /**
     * The store revision up to which this proxy has applied EndpointSlice changes (new connections
     * follow every slice at or before it), or -1 before the first; what it publishes.
     */
    public long appliedRevision() {
        return appliedRevision.get();
    }

    /**
     * Whether the proxy listens on this address and port (a ClusterIP's listen address, 0.0.0.0 for a
     * NodePort, or an external or ingress IP of this node).
     */
    boolean serving(InetSocketAddress address) {
        return listeners.keys().stream().anyMatch(
                k -> k.address().equals(address.getAddress()) && k.port() == address.getPort());
    }

    /**
     * Informer events to syncs. A slice event also carries its revision, applied once its sync ran
     * (the sync thread runs in event order, so every earlier slice event is applied too); Service
     * events do not, as their watch may run ahead of the slices'.
     */
    private <T extends HasMetadata> ResourceEventHandler<T> handler(java.util.function.Function<T, String> serviceName,
            boolean slices) {
        java.util.function.ToLongFunction<T> revision = o -> slices ? revision(o.getMetadata().getResourceVersion()) : -1;
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(T object) {
                enqueue(object.getMetadata().getNamespace(), serviceName.apply(object), revision.applyAsLong(object));
            }

            @Override
            public void onUpdate(T old, T object) {
                String before = serviceName.apply(old);
                String after = serviceName.apply(object);
                if (before != null && !before.equals(after)) {
                    enqueue(old.getMetadata().getNamespace(), before, -1);
                }
                enqueue(object.getMetadata().getNamespace(), after, revision.applyAsLong(object));
            }

            @Override
            public void onDelete(T object, boolean unknownFinalState) {
                enqueue(object.getMetadata().getNamespace(), serviceName.apply(object), revision.applyAsLong(object));
            }
        };
    }

    /** Syncs the Service (if named), then records {@code revision} (if >= 0) as applied. */
    private void enqueue(String namespace, String service, long revision) {
        if ((service == null && revision < 0) || syncThread.isShutdown()) {
            return;
        }
        syncThread.execute(() -> {
            try {
                if (service != null) {
                    syncService(namespace, service);
                }
            } catch (RuntimeException e) {
                log.warn("service {}/{}: sync failed", namespace, service, e);
            }
            // Acknowledged even after a failed sync (which is not retried either): agents would
            // otherwise wait their whole bound for every pod of that Service.
            if (revision > appliedRevision.getAndAccumulate(revision, Math::max) && acks != null) {
                acks.applied(revision);
            }
        });
    }

    /** A resourceVersion as the store revision it is in drover (see {@link AppliedRevisionLease}); -1 if none. */
    private static long revision(String resourceVersion) {
        try {
            return resourceVersion == null ? -1 : Long.parseLong(resourceVersion);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private void syncService(String namespace, String name) {
        String key = namespace + "/" + name;
        Service service = services.getIndexer().getByKey(key);
        List<EndpointSlice> own = slices.getIndexer().list().stream()
                .filter(s -> EndpointSelection.sameService(s, namespace, name))
                .toList();
        boolean complete = sync.sync(namespace, name, service, own);
        for (String waiting : sync.takeUnblocked()) {
            // A socket another Service waits for is free (an external address and port both name).
            int slash = waiting.indexOf('/');
            enqueue(waiting.substring(0, slash), waiting.substring(slash + 1), -1);
        }
        if (complete) {
            retryDelays.remove(key);
            return;
        }
        // A socket that did not open (its port still held by a proxy that is stopping, or by
        // another program) is retried on its own: the Service itself may not change for days.
        if (!retryScheduled.add(key)) {
            return; // one retry at a time per Service; the one pending syncs from the objects then
        }
        Duration delay = retryDelays.merge(key, FIRST_RETRY, (last, first) -> min(last.multipliedBy(2), MAX_RETRY));
        syncThread.schedule(() -> {
            retryScheduled.remove(key);
            enqueue(namespace, name, -1);
        }, delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    @Override
    public void close() {
        if (services != null) {
            services.close();
        }
        if (slices != null) {
            slices.close();
        }
        syncThread.shutdown();
        try {
            // Bounded as every last word: a sync under way may be recording an event, which waits for the
            // store (10 s when etcd is gone); the client's close below ends that call.
            if (!syncThread.awaitTermination(BoundedCall.ON_STOP.toMillis(), TimeUnit.MILLISECONDS)) {
                syncThread.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (acks != null) {
            acks.close(); // after the sync thread, which feeds it
        }
        if (kernel != null) {
            kernel.close(); // before the listeners: new connections meet the relay until it closes too
        }
        listeners.close();
        transport.shutdown();
        addresses.close();
        client.close();
    }
}
