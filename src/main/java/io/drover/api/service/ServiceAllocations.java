package io.drover.api.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.agent.ports.PortRange;
import io.drover.api.ApiException;
import io.drover.api.ApiException.Cause;
import io.drover.api.resource.ResourceType;
import io.drover.api.service.ServiceClaims.Kind;
import io.drover.store.StoreUnavailableException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * ClusterIPs and NodePorts of Services, allocated in the API server's Service create and update as
 * kube-apiserver's service registry does.
 *
 * <p>The stored Services are the allocation record: what is taken is read from them at every
 * allocation, so a restarted server cannot hand out an address twice, and deleting a Service (or
 * changing its type) releases what it held with no further step. Allocation and the write that
 * records it run under one lock, so two creates in this server cannot pick the same address; a
 * store claim per new value ({@link ServiceClaims}) keeps servers that share the store apart.
 */
public final class ServiceAllocations {
    private final ServiceCidr cidr;
    private final PortRange nodePorts;
    private final ReentrantLock lock = new ReentrantLock();

    public ServiceAllocations(ServiceRanges ranges) {
        this.cidr = ranges.cidr();
        this.nodePorts = ranges.nodePorts();
    }

    public static ServiceAllocations defaults() {
        return new ServiceAllocations(ServiceRanges.DEFAULT);
    }

    /** Whether writes of {@code type} go through {@link #write}. */
    public static boolean handles(ResourceType type) {
        return type.group().isEmpty() && type.plural().equals("services");
    }

    /**
     * What an update keeps from the stored Service (Kubernetes' patchAllocatedValues) and what a type
     * change drops (dropTypeDependentFields), before the update is validated: an update that leaves
     * out clusterIP or a nodePort keeps them; a change to ClusterIP drops unchanged nodePorts and
     * externalTrafficPolicy, a change to ExternalName the clusterIPs too.
     */
    public static void carryOver(ObjectNode stored, ObjectNode next) {
        ObjectNode oldSpec = (ObjectNode) stored.path("spec");
        ObjectNode spec = next.withObject("spec");
        String type = spec.path("type").asText("ClusterIP");
        String oldType = oldSpec.path("type").asText("ClusterIP");
        if (!type.equals("ExternalName") && !oldType.equals("ExternalName")) {
            if (spec.path("clusterIP").asText("").isEmpty() && oldSpec.has("clusterIP")) {
                spec.set("clusterIP", oldSpec.get("clusterIP"));
            }
            if (spec.path("clusterIPs").isEmpty() && oldSpec.has("clusterIPs")) {
                spec.set("clusterIPs", oldSpec.get("clusterIPs"));
            }
        }
        if (type.equals("ExternalName") && !oldType.equals("ExternalName")) {
            // dropTypeDependentFields: each of these goes unless the update changed it (a clusterIP cleared with
            // clusterIPs left as they were clears both, as NormalizeClusterIPs reads it).
            String clusterIp = spec.path("clusterIP").asText("");
            boolean ipsKept = !spec.has("clusterIPs") || spec.path("clusterIPs").equals(oldSpec.path("clusterIPs"));
            if (clusterIp.equals(oldSpec.path("clusterIP").asText()) || (clusterIp.isEmpty() && ipsKept)) {
                spec.remove(List.of("clusterIP", "clusterIPs"));
            }
            for (String field : List.of("ipFamilies", "ipFamilyPolicy")) {
                if (spec.path(field).equals(oldSpec.path(field))) {
                    spec.remove(field);
                }
            }
        }
        // A LoadBalancer no longer drops the LoadBalancer-only fields the update did not change.
        if (oldType.equals("LoadBalancer") && !type.equals("LoadBalancer")) {
            for (String field : List.of("allocateLoadBalancerNodePorts", "loadBalancerClass")) {
                if (spec.path(field).equals(oldSpec.path(field))) {
                    spec.remove(field);
                }
            }
        }
        // A type no longer reached from outside drops the externalTrafficPolicy the update did not change.
        if (externallyAccessible(oldSpec) && !externallyAccessible(spec)
                && spec.path("externalTrafficPolicy").equals(oldSpec.path("externalTrafficPolicy"))) {
            spec.remove("externalTrafficPolicy");
        }
        // updateHealthCheckNodePort: kept while still needed, dropped (unless changed) once not.
        int oldHealthCheck = oldSpec.path("healthCheckNodePort").asInt(0);
        if (needsHealthCheck(spec) && needsHealthCheck(oldSpec) && spec.path("healthCheckNodePort").asInt(0) == 0
                && oldHealthCheck != 0) {
            spec.put("healthCheckNodePort", oldHealthCheck);
        } else if (!needsHealthCheck(spec) && spec.path("healthCheckNodePort").asInt(0) == oldHealthCheck) {
            spec.remove("healthCheckNodePort");
        }
        boolean wantsNodePorts = type.equals("NodePort") || type.equals("LoadBalancer");
        for (JsonNode port : spec.path("ports")) {
            int oldNodePort = oldNodePort(oldSpec, port);
            if (wantsNodePorts && port.path("nodePort").asInt(0) == 0 && oldNodePort != 0) {
                ((ObjectNode) port).put("nodePort", oldNodePort);
            } else if (!wantsNodePorts && port.path("nodePort").asInt(0) == oldNodePort) {
                ((ObjectNode) port).remove("nodePort");
            }
        }
    }

    /** A NodePort or LoadBalancer Service, or a ClusterIP one with externalIPs (Kubernetes' ExternallyAccessible). */
    public static boolean externallyAccessible(JsonNode spec) {
        String type = spec.path("type").asText("ClusterIP");
        return type.equals("NodePort") || type.equals("LoadBalancer")
                || (type.equals("ClusterIP") && !spec.path("externalIPs").isEmpty());
    }

    private static int oldNodePort(JsonNode oldSpec, JsonNode port) {
        for (JsonNode old : oldSpec.path("ports")) {
            if (old.path("port").asInt() == port.path("port").asInt()
                    && old.path("protocol").asText("TCP").equals(port.path("protocol").asText("TCP"))) {
                return old.path("nodePort").asInt(0);
            }
        }
        return 0;
    }

    /**
     * Fills in the Service's clusterIP(s) and nodePorts (keeping those it asks for, when free) and
     * then runs {@code write}, all while no other Service is allocated in this server; values new to
     * the Service are claimed in the store first, so that other servers sharing it skip them
     * ({@link ServiceClaims}).
     *
     * @param service the Service to be stored, changed in place
     * @param others the Services stored now; the one being written may be among them
     * @param claims the store's claims; null for a dry run, which claims nothing
     * @throws ApiException 422 when a requested address or port is outside its range or taken
     */
    public <T> T write(ResourceType type, ObjectNode service, Supplier<List<JsonNode>> others, ServiceClaims claims,
            Supplier<T> write) {
        lock.lock();
        try {
            ClaimRound round = allocate(type, service, others.get(), claims);
            T written;
            try {
                round.requireFresh();
                written = write.get();
            } catch (StoreUnavailableException e) {
                // The write may still be applied: its claims stay, unconfirmed, until they lapse.
                throw e;
            } catch (RuntimeException | Error e) {
                round.release();
                throw e;
            }
            round.confirm();
            return written;
        } finally {
            lock.unlock();
        }
    }

    ClaimRound allocate(ResourceType type, ObjectNode service, List<JsonNode> stored, ServiceClaims claims) {
        String namespace = service.path("metadata").path("namespace").asText();
        String name = service.path("metadata").path("name").asText();
        HeldValues taken = new HeldValues(new HashSet<>(), new HashSet<>());
        HeldValues own = new HeldValues(new HashSet<>(), new HashSet<>());
        for (JsonNode other : stored) {
            JsonNode meta = other.path("metadata");
            boolean self = meta.path("namespace").asText().equals(namespace) && meta.path("name").asText().equals(name);
            (self ? own : taken).add(other);
        }
        ClaimRound round = new ClaimRound(claims, type, namespace, name, own);
        try {
            List<Cause> causes = new ArrayList<>();
            ObjectNode spec = service.withObject("spec");
            String serviceType = spec.path("type").asText("ClusterIP");
            if (!serviceType.equals("ExternalName")) {
                clusterIp(spec, new ClusterIpAllocator(cidr, taken.ips()), round).ifPresent(causes::add);
            }
            NodePortAllocator ports = new NodePortAllocator(nodePorts, taken.ports(), own.ports());
            if (serviceType.equals("NodePort") || serviceType.equals("LoadBalancer")) {
                // shouldAllocateNodePorts: a LoadBalancer with allocateLoadBalancerNodePorts false gets only
                // the nodePorts it asks for.
                boolean allocateMissing = serviceType.equals("NodePort")
                        || spec.path("allocateLoadBalancerNodePorts").asBoolean(true);
                causes.addAll(nodePorts(spec, ports, round, allocateMissing));
            }
            if (needsHealthCheck(spec)) {
                healthCheckNodePort(spec, ports, round).ifPresent(causes::add);
            }
            if (!causes.isEmpty()) {
                throw ApiException.invalid(type, name, causes);
            }
            return round;
        } catch (RuntimeException | Error e) {
            round.release();
            throw e;
        }
    }

    private Optional<Cause> clusterIp(ObjectNode spec, ClusterIpAllocator allocator, ClaimRound round) {
        JsonNode ips = spec.path("clusterIPs");
        String requested = !ips.isEmpty() ? ips.get(0).asText() : spec.path("clusterIP").asText("");
        if (requested.equals("None")) {
            setClusterIp(spec, "None");
            return Optional.empty();
        }
        if (requested.isEmpty()) {
            // A candidate another server claimed meanwhile is skipped like a taken one.
            while (true) {
                String ip = allocator.next()
                        .orElseThrow(() -> ApiException.internal("failed to allocate a serviceIP: range is full"));
                if (round.take(Kind.CLUSTER_IP, ip)) {
                    setClusterIp(spec, ip);
                    return Optional.empty();
                }
                allocator.markTaken(ip);
            }
        }
        // Held and claimed as parsed, so that a second spelling of a taken address is taken too; stored as written.
        String address = ServiceCidr.canonical(requested);
        Optional<String> refused = allocator.refuse(address)
                .or(() -> round.take(Kind.CLUSTER_IP, address) ? Optional.empty()
                        : Optional.of("provided IP is already allocated"));
        if (refused.isPresent()) {
            String value = "[]string{\"" + requested + "\"}";
            return Optional.of(new Cause("FieldValueInvalid", "Invalid value: " + value + ": failed to allocate IP "
                    + address + ": " + refused.get(), "spec.clusterIPs"));
        }
        setClusterIp(spec, requested);
        return Optional.empty();
    }

    private static void setClusterIp(ObjectNode spec, String ip) {
        spec.put("clusterIP", ip);
        ArrayNode list = spec.putArray("clusterIPs");
        list.add(ip);
    }

    /** NeedsHealthCheck: a LoadBalancer whose external traffic stays on the node that received it. */
    static boolean needsHealthCheck(JsonNode spec) {
        return spec.path("type").asText("").equals("LoadBalancer")
                && spec.path("externalTrafficPolicy").asText("").equals("Local");
    }

    /**
     * allocHealthCheckNodePort: the port asked for, if free and in the range, else the next free one,
     * from the same ports as the nodePorts.
     */
    private static Optional<Cause> healthCheckNodePort(ObjectNode spec, NodePortAllocator allocator, ClaimRound round) {
        int requested = spec.path("healthCheckNodePort").asInt(0);
        if (requested != 0) {
            return claim(requested, allocator, round)
                    .map(why -> new Cause("FieldValueInvalid", "Invalid value: " + requested + ": failed to allocate "
                            + "requested HealthCheck NodePort " + requested + ": " + why, "spec.healthCheckNodePort"));
        }
        spec.put("healthCheckNodePort", nextFree(allocator, round));
        return Optional.empty();
    }

    /** A free port of the range, claimed; one another server claimed meanwhile is skipped. */
    private static int nextFree(NodePortAllocator allocator, ClaimRound round) {
        int allocated;
        do {
            // next() marks the port taken, so one another server claimed meanwhile is not offered again.
            allocated = allocator.next().orElseThrow(
                    () -> ApiException.internal("failed to allocate a nodePort: range is full"));
        } while (!round.take(Kind.NODE_PORT, Integer.toString(allocated)));
        return allocated;
    }

    /**
     * initNodePorts: ports of one port number (a DNS Service's 53/UDP and 53/TCP) share one nodePort,
     * the one asked for on any of them, else one allocated; a port with another nodePort asked for
     * claims it too.
     */
    private static List<Cause> nodePorts(ObjectNode spec, NodePortAllocator allocator, ClaimRound round,
            boolean allocateMissing) {
        List<Cause> causes = new ArrayList<>();
        Map<Integer, Integer> byServicePort = new HashMap<>();
        List<JsonNode> ports = new ArrayList<>();
        spec.path("ports").forEach(ports::add);
        for (int i = 0; i < ports.size(); i++) {
            ObjectNode port = (ObjectNode) ports.get(i);
            int servicePort = port.path("port").asInt();
            int requested = port.path("nodePort").asInt(0);
            if (requested == 0 && !allocateMissing) {
                continue; // only the nodePorts asked for
            }
            String at = "spec.ports[" + i + "].nodePort";
            Integer shared = byServicePort.get(servicePort);
            if (shared == null) {
                int wanted = requested != 0 ? requested : requestedFor(servicePort, ports);
                if (wanted != 0) {
                    claim(wanted, allocator, round).ifPresent(why -> causes.add(new Cause("FieldValueInvalid",
                            "Invalid value: " + wanted + ": " + why, at)));
                    port.put("nodePort", wanted);
                    byServicePort.put(servicePort, wanted);
                } else {
                    int allocated = nextFree(allocator, round);
                    port.put("nodePort", allocated);
                    byServicePort.put(servicePort, allocated);
                }
            } else if (requested == 0) {
                port.put("nodePort", shared);
            } else if (requested != shared) {
                claim(requested, allocator, round).ifPresent(why -> causes.add(new Cause("FieldValueInvalid",
                        "Invalid value: " + requested + ": " + why, at)));
            }
        }
        return causes;
    }

    /** findRequestedNodePort: the nodePort asked for on a port of this number, 0 for none. */
    private static int requestedFor(int servicePort, List<JsonNode> ports) {
        for (JsonNode port : ports) {
            if (port.path("port").asInt() == servicePort && port.path("nodePort").asInt(0) != 0) {
                return port.path("nodePort").asInt();
            }
        }
        return 0;
    }

    /** A nodePort asked for: why it cannot be had, or empty once it is this Service's. */
    private static Optional<String> claim(int port, NodePortAllocator allocator, ClaimRound round) {
        return allocator.claim(port).or(() -> round.take(Kind.NODE_PORT, Integer.toString(port)) ? Optional.empty()
                : Optional.of("provided port is already allocated"));
    }
}
