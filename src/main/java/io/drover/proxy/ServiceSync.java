package io.drover.proxy;

import io.drover.controller.EventsV1Recorder;
import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
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
import java.util.LinkedHashSet;
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
    /** Which Service ("namespace/name") holds each open listener: an address and port serve one Service. */
    private final Map<ListenerKey, String> holders = new HashMap<>();
    /** Services ("namespace/name") that failed on a socket this proxy has since closed: worth a sync now. */
    private final Set<String> unblocked = new HashSet<>();
    /** The external addresses of each Service that are not on this node, so each is logged once. */
    private final Map<String, Set<InetAddress>> notLocal = new HashMap<>();
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
            List<InetAddress> external = externalAddresses(serviceKey, service);
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
                Set<ListenerKey> sockets = new LinkedHashSet<>();
                if (clusterIp != null) {
                    sockets.add(clusterIp);
                    if (kernelForwards(clusterIp, policy, affinity, endpoints)) {
                        forward.put(clusterIp, endpoints);
                    }
                }
                if (port.getNodePort() != null && port.getNodePort() > 0) {
                    sockets.add(new ListenerKey(anyAddress(), port.getNodePort(), protocol));
                }
                for (InetAddress address : external) {
                    sockets.add(new ListenerKey(address, port.getPort(), protocol));
                }
                for (ListenerKey socket : sockets) {
                    attempted.add(socket);
                    listen(service, socket, key, wanted);
                }
            }
        }
        if (service == null || !proxied(service.getSpec())) {
            notLocal.remove(serviceKey);
        }
        // A socket this Service no longer asks for is no longer failing (reported again if asked for anew).
        failed.entrySet().removeIf(f -> f.getValue().equals(serviceKey) && !attempted.contains(f.getKey()));
        Set<ListenerKey> had = listenersByService.getOrDefault(serviceKey, Set.of());
        for (ListenerKey key : had) {
            if (!wanted.contains(key)) {
                listeners.close(key);
                holders.remove(key);
                String waiting = failed.get(key);
                if (waiting != null) {
                    unblocked.add(waiting);
                }
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
     * The Services that failed to open a socket this proxy closed since the last call (another
     * Service let go of it), so they need not wait for their next retry.
     */
    Set<String> takeUnblocked() {
        Set<String> taken = Set.copyOf(unblocked);
        unblocked.clear();
        return taken;
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
        String serviceKey = port.namespace() + "/" + port.service();
        String holder = holders.get(listener);
        String failure;
        if (holder != null && !holder.equals(serviceKey)) {
            // Two Services naming one external address and port: the first keeps it, as a socket
            // in use by a host process would; the other waits for it like a NodePort in use.
            failure = listener + ": in use by Service " + holder;
        } else {
            try {
                listeners.ensure(listener, () -> backends.get(port));
                holders.put(listener, serviceKey);
                wanted.add(listener);
                failed.remove(listener);
                return;
            } catch (UncheckedIOException e) {
                failure = e.getMessage();
            }
        }
        // Retried (ServiceProxy schedules the Service again); reported once, until it opens.
        String message = "cannot listen on " + failure;
        if (failed.putIfAbsent(listener, serviceKey) == null) {
            log.warn("service {}: {} (retrying)", serviceKey, message);
            events.warning(service, "FailedToListen", "SyncProxyRules", message);
        } else {
            log.debug("service {}: still {}", serviceKey, message);
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

    /**
     * The addresses outside the cluster this Service is served on at its ports, as kube-proxy
     * captures them: every {@code spec.externalIPs} entry and, for a LoadBalancer, every ingress IP
     * of ipMode VIP (or unset). kube-proxy also uses the ingress of a Service that is no longer a
     * LoadBalancer while its status still shows one; the controllers clear it on the type change,
     * and a stale status should not keep a port open. Only addresses of this node can be listened
     * on: kube-proxy's rules also catch traffic for other addresses that passes through the node,
     * which a proxy of sockets cannot. Those are left out (logged once), not retried; an address
     * this node gets later is served from the Service's next sync.
     */
    private List<InetAddress> externalAddresses(String serviceKey, Service service) {
        Set<String> ips = new LinkedHashSet<>();
        if (service.getSpec().getExternalIPs() != null) {
            ips.addAll(service.getSpec().getExternalIPs());
        }
        var status = service.getStatus() == null ? null : service.getStatus().getLoadBalancer();
        if ("LoadBalancer".equals(service.getSpec().getType()) && status != null && status.getIngress() != null) {
            for (LoadBalancerIngress ingress : status.getIngress()) {
                if (ingress.getIp() != null && (ingress.getIpMode() == null || "VIP".equals(ingress.getIpMode()))) {
                    ips.add(ingress.getIp());
                }
            }
        }
        List<InetAddress> local = new ArrayList<>();
        Set<InetAddress> elsewhere = new HashSet<>();
        for (String ip : ips) {
            InetAddress address = ServiceAddresses.ipv4(ip);
            if (address == null) {
                continue; // IPv6 (the proxy serves IPv4 only) or not an address
            }
            if (ServiceAddresses.local(address)) {
                local.add(address);
            } else {
                elsewhere.add(address);
            }
        }
        Set<InetAddress> logged = notLocal.getOrDefault(serviceKey, Set.of());
        for (InetAddress address : elsewhere) {
            if (!logged.contains(address)) {
                log.info("service {}: external address {} is not on this node; not served here", serviceKey,
                        address.getHostAddress());
            }
        }
        if (elsewhere.isEmpty()) {
            notLocal.remove(serviceKey);
        } else {
            notLocal.put(serviceKey, elsewhere);
        }
        return local;
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
