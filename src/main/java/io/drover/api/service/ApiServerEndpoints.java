package io.drover.api.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.ApiException;
import io.drover.api.resource.ResourceRegistry;
import io.drover.api.resource.ResourceType;
import io.drover.api.storage.DeleteOptions;
import io.drover.api.storage.FieldSelector;
import io.drover.api.storage.LabelSelector;
import io.drover.api.storage.ListCursor;
import io.drover.api.storage.ListOptions;
import io.drover.api.storage.ObjectStorage;
import io.drover.store.ConflictException;
import io.drover.store.KeyExistsException;
import io.drover.store.KeyValue;
import io.drover.store.RangeOptions;
import io.drover.store.Store;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The endpoints of the {@code default/kubernetes} Service, kept as kube-apiserver's lease endpoint
 * reconciler keeps them (pkg/controlplane/reconcilers/lease.go): every API server on the store holds
 * a lease key with its address and port, renewed every 10 s and good for 15; the Endpoints and
 * EndpointSlices list the servers whose lease is live; a server that stops takes itself out at once,
 * and one that was killed drops out when its lease runs out. So pods reach whichever servers are up.
 *
 * <p>Servers on one host differ by port, which one EndpointSlice cannot hold: each port is a subset of
 * the Endpoints and a slice of its own ({@code kubernetes} for the lowest port, {@code kubernetes-<port>}
 * for the others). Servers on different hosts share the port and the one slice, as in Kubernetes.
 */
public final class ApiServerEndpoints implements AutoCloseable {
    static final String LEASE_PREFIX = "/registry/masterleases/";
    static final Duration RENEW = Duration.ofSeconds(10);
    static final Duration TTL = Duration.ofSeconds(15);
    private static final Duration STOP_BOUND = Duration.ofSeconds(3);
    private static final String NAMESPACE = ApiServerObjects.NAMESPACE;
    private static final String SERVICE = "kubernetes";
    private static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";
    private static final Logger log = LoggerFactory.getLogger(ApiServerEndpoints.class);

    private final Store store;
    private final ObjectStorage storage;
    private final ObjectMapper json;
    private final Clock clock;
    private final ResourceType endpoints;
    private final ResourceType slices;
    private final Member self;
    private final ScheduledExecutorService timer;
    private Thread takeOut;
    private long takeOutDeadline;

    /** One API server: where pods reach it. */
    record Member(String address, int port) {
        String key() {
            return LEASE_PREFIX + address + ":" + port;
        }
    }

    ApiServerEndpoints(Store store, ObjectStorage storage, ResourceRegistry registry, ObjectMapper json, Clock clock,
            Member self) {
        this.store = store;
        this.storage = storage;
        this.json = json;
        this.clock = clock;
        this.endpoints = registry.find("", "v1", "endpoints").orElseThrow();
        this.slices = registry.find("discovery.k8s.io", "v1", "endpointslices").orElseThrow();
        this.self = self;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "apiserver-endpoints");
            t.setDaemon(true);
            return t;
        });
    }

    /** Takes this server into the Service's endpoints now, and keeps its lease and the list current. */
    public static ApiServerEndpoints start(Store store, ObjectStorage storage, ResourceRegistry registry,
            ObjectMapper json, String address, int port) {
        ApiServerEndpoints reconciler = new ApiServerEndpoints(store, storage, registry, json, Clock.systemUTC(),
                new Member(address, port));
        reconciler.renewAndReconcile();
        reconciler.timer.scheduleWithFixedDelay(reconciler::renewAndReconcileQuietly, RENEW.toMillis(),
                RENEW.toMillis(), TimeUnit.MILLISECONDS);
        return reconciler;
    }

    private void renewAndReconcileQuietly() {
        try {
            renewAndReconcile();
        } catch (RuntimeException e) {
            // The store may be away for a while (etcd restarting); the next round tries again.
            log.warn("keeping the kubernetes Service's endpoints failed: {}", e.toString());
        }
    }

    void renewAndReconcile() {
        renew();
        reconcile();
    }

    /**
     * Stops renewing and starts taking this server out of the Service's endpoints (RemoveEndpoints),
     * returning at once, so that in-cluster clients move to the other servers while this one stops
     * its other parts. Best effort, as every component's last words to the store.
     */
    public synchronized void beginClose() {
        if (takeOut != null) {
            return;
        }
        timer.shutdownNow();
        takeOutDeadline = System.nanoTime() + STOP_BOUND.toNanos();
        takeOut = Thread.ofVirtual().name("apiserver-endpoints-stop").start(() -> {
            try {
                store.get(self.key()).ifPresent(this::deleteLease);
                reconcile();
            } catch (RuntimeException e) {
                log.warn("taking this server out of the kubernetes Service's endpoints failed: {}", e.toString());
            }
        });
    }

    /**
     * Waits for the removal {@link #beginClose} started, at most until its bound, so that a store that is gone
     * does not hold the server's stop (the lease then runs out instead).
     */
    @Override
    public void close() {
        beginClose();
        try {
            long left = takeOutDeadline - System.nanoTime();
            if (!takeOut.join(Duration.ofNanos(Math.max(left, 1)))) {
                log.warn("taking this server out of the kubernetes Service's endpoints did not finish within {} s; "
                        + "its lease runs out instead", STOP_BOUND.toSeconds());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void renew() {
        byte[] value = leaseValue();
        Optional<KeyValue> current = store.get(self.key());
        try {
            if (current.isEmpty()) {
                store.create(self.key(), value);
            } else {
                store.update(self.key(), value, current.get().modRevision());
            }
        } catch (KeyExistsException | ConflictException e) {
            // Another write of this key between the read and ours (this server's earlier round); the next renews it.
        }
    }

    private byte[] leaseValue() {
        ObjectNode lease = json.createObjectNode().put("address", self.address()).put("port", self.port())
                .put("renewTime", clock.millis());
        try {
            return json.writeValueAsBytes(lease);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The servers whose lease is live; the expired leases of others are removed on the way (etcd's TTL there). */
    List<Member> liveMembers() {
        List<Member> live = new ArrayList<>();
        for (KeyValue kv : store.range(LEASE_PREFIX, RangeOptions.all()).kvs()) {
            JsonNode lease;
            try {
                lease = json.readTree(kv.value());
            } catch (IOException e) {
                deleteLease(kv);
                continue;
            }
            Member member = new Member(lease.path("address").asText(), lease.path("port").asInt());
            if (lease.path("renewTime").asLong() + TTL.toMillis() > clock.millis()) {
                live.add(member);
            } else if (!member.equals(self)) {
                deleteLease(kv);
            }
        }
        return live;
    }

    private void deleteLease(KeyValue kv) {
        try {
            store.delete(kv.key(), kv.modRevision());
        } catch (ConflictException e) {
            // Renewed or removed meanwhile: nothing to do.
        }
    }

    private void reconcile() {
        // The addresses at each port, both sorted, so that every server writes the same lists.
        Map<Integer, SortedSet<String>> byPort = new TreeMap<>();
        for (Member member : liveMembers()) {
            byPort.computeIfAbsent(member.port(), p -> new TreeSet<>()).add(member.address());
        }
        writeEndpoints(byPort);
        writeSlices(byPort);
    }

    private void writeEndpoints(Map<Integer, SortedSet<String>> byPort) {
        ArrayNode subsets = json.createArrayNode();
        byPort.forEach((port, addresses) -> {
            ObjectNode subset = subsets.addObject();
            ArrayNode list = subset.putArray("addresses");
            addresses.forEach(a -> list.addObject().put("ip", a));
            subset.putArray("ports").addObject().put("name", "https").put("port", port).put("protocol", "TCP");
        });
        ObjectNode ep = json.createObjectNode();
        // The apiserver's own Endpoints are not mirrored into a slice: it writes the slices itself.
        ep.putObject("metadata").put("name", SERVICE).putObject("labels")
                .put("endpointslice.kubernetes.io/skip-mirror", "true");
        if (!subsets.isEmpty()) {
            ep.set("subsets", subsets);
        }
        ApiServerObjects.upsert(storage, endpoints, ep);
    }

    private void writeSlices(Map<Integer, SortedSet<String>> byPort) {
        Map<String, ObjectNode> wanted = new LinkedHashMap<>();
        if (byPort.isEmpty()) {
            wanted.put(SERVICE, slice(SERVICE, null, Set.of()));
        }
        byPort.forEach((port, addresses) -> {
            String name = wanted.isEmpty() ? SERVICE : SERVICE + "-" + port;
            wanted.put(name, slice(name, port, addresses));
        });
        wanted.values().forEach(slice -> ApiServerObjects.upsert(storage, slices, slice));
        ListCursor cursor = storage.list(slices, NAMESPACE, new ListOptions(
                LabelSelector.parse(SERVICE_NAME_LABEL + "=" + SERVICE), FieldSelector.EVERYTHING, 0, null, ""));
        for (ObjectNode slice = cursor.next(); slice != null; slice = cursor.next()) {
            String name = slice.path("metadata").path("name").asText();
            if (!wanted.containsKey(name)) {
                try {
                    storage.delete(slices, NAMESPACE, name, DeleteOptions.defaults());
                } catch (ApiException e) {
                    if (e.code() != 404) {
                        throw e;
                    }
                }
            }
        }
    }

    /** A slice of the servers at one port; with no port, the empty slice left when no server is up. */
    private ObjectNode slice(String name, Integer port, Set<String> addresses) {
        ObjectNode slice = json.createObjectNode();
        slice.putObject("metadata").put("name", name).putObject("labels").put(SERVICE_NAME_LABEL, SERVICE);
        slice.put("addressType", "IPv4");
        ArrayNode list = slice.putArray("endpoints");
        for (String address : addresses) {
            ObjectNode endpoint = list.addObject();
            endpoint.putArray("addresses").add(address);
            endpoint.putObject("conditions").put("ready", true);
        }
        ArrayNode ports = slice.putArray("ports");
        if (port != null) {
            ports.addObject().put("name", "https").put("port", port).put("protocol", "TCP");
        }
        return slice;
    }
}
