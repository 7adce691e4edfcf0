package io.drover.proxy;

import io.drover.controller.EventsV1Recorder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServiceSpec;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the proxy in line with one Service and its EndpointSlices, level-triggered: from the
 * objects as they are now, never from the event that woke it. Runs on the proxy's one sync thread.
 */
final class ServiceSync {
    private static final Logger log = LoggerFactory.getLogger(ServiceSync.class);
    /** Kubernetes' default sessionAffinityConfig.clientIP.timeoutSeconds (3 hours). */
    static final int DEFAULT_AFFINITY_SECONDS = 10800;

    private final ServiceAddresses addresses;
    private final Listeners listeners;
    private final Clock clock;
    private final EventsV1Recorder events;
    /** Forwards TCP ClusterIP ports in the kernel; null where the proxy relays every connection itself. */
    private final KernelForwarding kernel;
    /** Sockets that failed to open and for which Service, so each failure is reported once, not on every sync. */
    private final Map<ListenerKey, String> failed = new HashMap<>();
    private final Map<ServicePortKey, Backends> backends = new ConcurrentHashMap<>();
    /** The listeners each Service ("namespace/name") has open. */
    private final Map<String, Set<ListenerKey>> listenersByService = new HashMap<>();
    /** The ClusterIP ports each Service ("namespace/name") has forwarded in the kernel. */
    private final Map<String, Set<ListenerKey>> forwardedByService = new HashMap<>();

    ServiceSync(ServiceAddresses addresses, Listeners listeners, KernelForwarding kernel, Clock clock,
            EventsV1Recorder events) {
        this.addresses = addresses;
        this.listeners = listeners;
        this.kernel = kernel;
        this.clock = clock;
        this.events = events;
    }

    /**
     * Applies the Service (null: gone) with the EndpointSlices labelled for it.
     *
     * @return whether every socket the Service needs is open (false: retry later)
     */
    boolean sync(String namespace, String name, Service service, List<EndpointSlice> slices) {
        String serviceKey = namespace + "/" + name;
        Set<ListenerKey> wanted = new HashSet<>();
        Set<ListenerKey> attempted = new HashSet<>();
        Set<ServicePortKey> ports = new HashSet<>();
        Map<ListenerKey, List<InetSocketAddress>> forward = new HashMap<>();
        if (service != null && proxied(service.getSpec())) {
            ServiceSpec spec = service.getSpec();
            BalancingPolicy policy = BalancingPolicy.of(service.getMetadata().getAnnotations());
            Duration affinity = affinityTimeout(spec);
            for (ServicePort port : spec.getPorts()) {
                String protocol = port.getProtocol() == null ? "TCP" : port.getProtocol();
                if (!"TCP".equals(protocol) && !"UDP".equals(protocol)) {
                    log.warn("service {} port {}: protocol {} is not proxied (TCP and UDP are)", serviceKey,
                            port.getPort(), protocol);
                    continue;
                }
                ServicePortKey key = new ServicePortKey(namespace, name,
                        port.getName() == null ? "" : port.getName(), protocol);
                Backends portBackends = backends.computeIfAbsent(key, k -> new Backends(clock));
                portBackends.configure(policy, affinity);
                List<InetSocketAddress> endpoints = EndpointSelection.select(slices, key.portName(), protocol);
                portBackends.update(endpoints);
                ports.add(key);
                ListenerKey clusterIp = clusterIpListener(serviceKey, spec.getClusterIP(), port.getPort(), protocol);
                List<ListenerKey> sockets = new ArrayList<>();
                if (clusterIp != null) {
                    sockets.add(clusterIp);
                    if (kernelForwards(clusterIp, policy, affinity, endpoints)) {
                        forward.put(clusterIp, endpoints);
                    }
                }
                if (port.getNodePort() != null && port.getNodePort() > 0) {
                    sockets.add(new ListenerKey(anyAddress(), port.getNodePort(), protocol));
                }
                for (ListenerKey socket : sockets) {
                    attempted.add(socket);
                    listen(service, socket, key, wanted);
                }
            }
        }
        // A socket this Service no longer asks for is no longer failing (reported again if asked for anew).
        failed.entrySet().removeIf(f -> f.getValue().equals(serviceKey) && !attempted.contains(f.getKey()));
        Set<ListenerKey> had = listenersByService.getOrDefault(serviceKey, Set.of());
        for (ListenerKey key : had) {
            if (!wanted.contains(key)) {
                listeners.close(key);
            }
        }
        if (wanted.isEmpty()) {
            listenersByService.remove(serviceKey);
        } else {
            listenersByService.put(serviceKey, wanted);
        }
        backends.keySet().removeIf(k -> k.namespace().equals(namespace) && k.service().equals(name)
                && !ports.contains(k));
        if (kernel != null) {
            forwardInKernel(serviceKey, forward);
        }
        return wanted.containsAll(attempted);
    }

    /**
     * Whether the kernel forwards this ClusterIP port: TCP, round robin and no ClientIP affinity (what
     * one DNAT rule expresses), on a ClusterIP that is itself a local address (the local route), to
     * endpoints none of which is on loopback (the kernel does not route a ClusterIP-sourced packet to
     * 127.0.0.0/8 without route_localnet, which exposes loopback services to the network; kube-proxy's
     * CVE-2020-8558). Least-connections, affinity, UDP and NodePorts stay with the userspace relay.
     */
    private boolean kernelForwards(ListenerKey clusterIp, BalancingPolicy policy, Duration affinity,
            List<InetSocketAddress> endpoints) {
        return kernel != null && addresses.routed() && "TCP".equals(clusterIp.protocol())
                && policy == BalancingPolicy.ROUND_ROBIN && affinity == null
                && endpoints.stream().noneMatch(e -> e.getAddress().isLoopbackAddress());
    }

    /** Brings the kernel's rules for this Service in line: its forwarded ports, and none it no longer has. */
    private void forwardInKernel(String serviceKey, Map<ListenerKey, List<InetSocketAddress>> forward) {
        Map<ListenerKey, List<InetSocketAddress>> change = new HashMap<>(forward);
        for (ListenerKey port : forwardedByService.getOrDefault(serviceKey, Set.of())) {
            change.putIfAbsent(port, List.of());
        }
        kernel.apply(change);
        Set<ListenerKey> now = new HashSet<>(change.keySet());
        now.removeIf(port -> !kernel.forwards(port));
        if (now.isEmpty()) {
            forwardedByService.remove(serviceKey);
        } else {
            forwardedByService.put(serviceKey, now);
        }
    }

    private void listen(Service service, ListenerKey listener, ServicePortKey port, Set<ListenerKey> wanted) {
        try {
            listeners.ensure(listener, () -> backends.get(port));
            wanted.add(listener);
            failed.remove(listener);
        } catch (UncheckedIOException e) {
            // Retried (ServiceProxy schedules the Service again); reported once, until it opens.
            String message = "cannot listen on " + e.getMessage();
            if (failed.putIfAbsent(listener, port.namespace() + "/" + port.service()) == null) {
                log.warn("service {}/{}: {} (retrying)", port.namespace(), port.service(), message);
                events.warning(service, "FailedToListen", "SyncProxyRules", message);
            } else {
                log.debug("service {}/{}: still {}", port.namespace(), port.service(), message);
            }
        }
    }

    private ListenerKey clusterIpListener(String serviceKey, String clusterIp, int port, String protocol) {
        try {
            return new ListenerKey(addresses.listenAddress(clusterIp), port, protocol);
        } catch (UnknownHostException e) {
            log.warn("service {}: clusterIP {} is not an address", serviceKey, clusterIp);
            return null;
        }
    }

    /** ClusterIP Services with an address get proxied; headless and ExternalName ones do not, as in kube-proxy. */
    private static boolean proxied(ServiceSpec spec) {
        return spec != null && spec.getPorts() != null && !"ExternalName".equals(spec.getType())
                && spec.getClusterIP() != null && !spec.getClusterIP().isEmpty()
                && !"None".equals(spec.getClusterIP()) && spec.getClusterIP().indexOf(':') < 0;
    }

    private static Duration affinityTimeout(ServiceSpec spec) {
        if (!"ClientIP".equals(spec.getSessionAffinity())) {
            return null;
        }
        var config = spec.getSessionAffinityConfig();
        Integer seconds = config == null || config.getClientIP() == null ? null : config.getClientIP().getTimeoutSeconds();
        return Duration.ofSeconds(seconds == null ? DEFAULT_AFFINITY_SECONDS : seconds);
    }

    private static InetAddress anyAddress() {
        try {
            return InetAddress.getByAddress(new byte[4]);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
