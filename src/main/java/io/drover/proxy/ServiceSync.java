package io.drover.proxy;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServiceSpec;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
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
    private final Map<ServicePortKey, Backends> backends = new ConcurrentHashMap<>();
    /** The listeners each Service ("namespace/name") has open. */
    private final Map<String, Set<ListenerKey>> listenersByService = new HashMap<>();

    ServiceSync(ServiceAddresses addresses, Listeners listeners, Clock clock) {
        this.addresses = addresses;
        this.listeners = listeners;
        this.clock = clock;
    }

    /** Applies the Service (null: gone) with the EndpointSlices labelled for it. */
    void sync(String namespace, String name, Service service, List<EndpointSlice> slices) {
        String serviceKey = namespace + "/" + name;
        Set<ListenerKey> wanted = new HashSet<>();
        Set<ServicePortKey> ports = new HashSet<>();
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
                portBackends.update(EndpointSelection.select(slices, key.portName(), protocol));
                ports.add(key);
                ListenerKey clusterIp = clusterIpListener(serviceKey, spec.getClusterIP(), port.getPort(), protocol);
                if (clusterIp != null) {
                    listen(serviceKey, clusterIp, key, wanted);
                }
                if (port.getNodePort() != null && port.getNodePort() > 0) {
                    listen(serviceKey, new ListenerKey(anyAddress(), port.getNodePort(), protocol), key, wanted);
                }
            }
        }
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
    }

    /** The endpoints a Service port currently sends new connections to; for tests and diagnostics. */
    List<Endpoint> endpoints(ServicePortKey key) {
        Backends portBackends = backends.get(key);
        return portBackends == null ? List.of() : portBackends.endpoints();
    }

    private void listen(String serviceKey, ListenerKey listener, ServicePortKey port, Set<ListenerKey> wanted) {
        try {
            listeners.ensure(listener, () -> backends.get(port));
            wanted.add(listener);
        } catch (RuntimeException e) {
            log.warn("service {}: cannot listen on {}: {}", serviceKey, listener, e.toString());
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
