package io.drover.api.service;

import io.drover.testing.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.ApiException;
import io.drover.api.ClusterBootstrap;
import io.drover.api.resource.ResourceRegistry;
import io.drover.api.resource.ResourceType;
import io.drover.api.service.ServiceClaims.Kind;
import io.drover.api.storage.DeleteOptions;
import io.drover.api.storage.ObjectStorage;
import io.drover.testing.TempSqliteStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The claims that keep API servers sharing one store apart, against a real SQLite store: each
 * "server" is its own {@link ObjectStorage} and {@link ServiceAllocations} (so its own lock), and a
 * stale list of stored Services stands for a server that listed before another one wrote.
 */
class ServiceClaimsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ResourceRegistry REGISTRY = ResourceRegistry.builtin();
    private static final ResourceType SERVICES = REGISTRY.find("", "v1", "services").orElseThrow();
    /** The first address a dynamic allocation picks in the default range. */
    private static final String FIRST = "10.43.1.1";

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    @RegisterExtension
    final TempSqliteStore temp = new TempSqliteStore("drover-claims");

    @BeforeEach
    void bootstrap() {
        ClusterBootstrap.run(server(), REGISTRY, JSON);
    }

    private ObjectStorage server() {
        return new ObjectStorage(temp.store(), JSON, clock, ServiceAllocations.defaults());
    }

    private static ObjectNode service(String name, String type) {
        ObjectNode svc = JSON.createObjectNode();
        svc.putObject("metadata").put("name", name);
        ObjectNode spec = svc.putObject("spec").put("type", type);
        spec.putArray("ports").addObject().put("port", 80).put("protocol", "TCP");
        return svc;
    }

    private static ObjectNode withClusterIp(ObjectNode svc, String ip) {
        svc.withObject("spec").put("clusterIP", ip);
        return svc;
    }

    /** A write by a server whose list of stored Services is empty: it listed before anyone wrote. */
    private ObjectNode writeWithStaleList(ObjectNode svc) {
        svc.withObject("metadata").put("namespace", "default");
        return ServiceAllocations.defaults().write(SERVICES, svc, List::of, new ServiceClaims(temp.store(), JSON, clock),
                () -> svc);
    }

    private static String clusterIp(JsonNode svc) {
        return svc.path("spec").path("clusterIP").asText();
    }

    @Test
    void aClaimInFlightOnAnotherServerIsSkippedUntilItLapses() {
        assertThat(new ServiceClaims(temp.store(), JSON, clock).take(Kind.CLUSTER_IP, FIRST, SERVICES, "default", "slow"))
                .isPresent();

        assertThat(clusterIp(writeWithStaleList(service("b", "ClusterIP")))).isNotEqualTo(FIRST);
        assertThatThrownBy(() -> writeWithStaleList(withClusterIp(service("c", "ClusterIP"), FIRST)))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.code()).isEqualTo(422);
                    assertThat(e.getMessage()).isEqualTo("Service \"c\" is invalid: spec.clusterIPs: Invalid value: "
                            + "[]string{\"" + FIRST + "\"}: failed to allocate IP " + FIRST
                            + ": provided IP is already allocated");
                });

        // The slow create never wrote its Service: after the grace period its claim is taken over.
        clock.advance(ServiceClaims.GRACE.plusSeconds(1));
        assertThat(clusterIp(writeWithStaleList(withClusterIp(service("c", "ClusterIP"), FIRST)))).isEqualTo(FIRST);
    }

    @Test
    void aStoredServiceKeepsItsValuesFromAServerThatListedBeforeItWasWritten() {
        ObjectNode a = server().create(SERVICES, "default", service("a", "NodePort"), false);
        int nodePort = a.path("spec").path("ports").get(0).path("nodePort").asInt();
        clock.advance(ServiceClaims.GRACE.multipliedBy(10));

        assertThat(clusterIp(writeWithStaleList(service("b", "ClusterIP")))).isNotEqualTo(clusterIp(a));
        assertThatThrownBy(() -> writeWithStaleList(withClusterIp(service("c", "ClusterIP"), clusterIp(a))))
                .hasMessageEndingWith("provided IP is already allocated");
        ObjectNode d = service("d", "NodePort");
        ((ObjectNode) d.path("spec").path("ports").get(0)).put("nodePort", nodePort);
        assertThatThrownBy(() -> writeWithStaleList(d)).hasMessage("Service \"d\" is invalid: spec.ports[0].nodePort: "
                + "Invalid value: " + nodePort + ": provided port is already allocated");
        assertThat(writeWithStaleList(service("e", "NodePort")).path("spec").path("ports").get(0).path("nodePort")
                .asInt()).isNotEqualTo(nodePort);
    }

    @Test
    void deletingAServiceFreesItsValuesForAnotherServerAtOnce() {
        ObjectStorage one = server();
        ObjectStorage two = server();
        ObjectNode a = one.create(SERVICES, "default", service("a", "NodePort"), false);
        int nodePort = a.path("spec").path("ports").get(0).path("nodePort").asInt();
        ObjectNode b = withClusterIp(service("b", "NodePort"), clusterIp(a));
        ((ObjectNode) b.path("spec").path("ports").get(0)).put("nodePort", nodePort);
        assertThatThrownBy(() -> two.create(SERVICES, "default", b.deepCopy(), false))
                .hasMessageContaining("provided IP is already allocated");

        one.delete(SERVICES, "default", "a", DeleteOptions.defaults());
        ObjectNode created = two.create(SERVICES, "default", b, false);
        assertThat(clusterIp(created)).isEqualTo(clusterIp(a));
        assertThat(created.path("spec").path("ports").get(0).path("nodePort").asInt()).isEqualTo(nodePort);
    }

    @Test
    void aFailedCreateGivesItsClaimsBack() {
        ObjectNode taken = service("taken", "NodePort");
        ((ObjectNode) taken.path("spec").path("ports").get(0)).put("nodePort", 30100);
        server().create(SERVICES, "default", taken, false);
        // Its address is claimed first, then its nodePort is refused: the address must not stay claimed.
        ObjectNode refused = withClusterIp(service("refused", "NodePort"), "10.43.0.50");
        ((ObjectNode) refused.path("spec").path("ports").get(0)).put("nodePort", 30100);
        assertThatThrownBy(() -> server().create(SERVICES, "default", refused, false))
                .hasMessageContaining("provided port is already allocated");

        assertThat(temp.store().get(ServiceClaims.key(Kind.CLUSTER_IP, "10.43.0.50"))).isEmpty();
        assertThat(clusterIp(server().create(SERVICES, "default", withClusterIp(service("other", "ClusterIP"),
                "10.43.0.50"), false))).isEqualTo("10.43.0.50");
    }

    @Test
    void ofTwoServersTakingOverOneStaleClaimOnlyOneWins() {
        ServiceClaims first = new ServiceClaims(temp.store(), JSON, clock);
        ServiceClaims second = new ServiceClaims(temp.store(), JSON, clock);
        assertThat(first.take(Kind.NODE_PORT, "31000", SERVICES, "default", "crashed")).isPresent();
        clock.advance(ServiceClaims.GRACE.plusSeconds(1));

        assertThat(first.take(Kind.NODE_PORT, "31000", SERVICES, "default", "x")).isPresent();
        assertThat(second.take(Kind.NODE_PORT, "31000", SERVICES, "default", "y")).isEmpty();
    }

    @Test
    void concurrentCreatesThroughSeparateServersNeverShareAValue() throws Exception {
        int servers = 4;
        int perServer = 25;
        List<Callable<List<ObjectNode>>> tasks = new ArrayList<>();
        for (int s = 0; s < servers; s++) {
            ObjectStorage storage = server();
            String prefix = "s" + s + "-";
            tasks.add(() -> {
                List<ObjectNode> created = new ArrayList<>();
                for (int i = 0; i < perServer; i++) {
                    created.add(storage.create(SERVICES, "default", service(prefix + i, "NodePort"), false));
                }
                return created;
            });
        }
        List<ObjectNode> all = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(servers)) {
            for (Future<List<ObjectNode>> f : pool.invokeAll(tasks)) {
                all.addAll(f.get());
            }
        }
        Set<String> ips = new HashSet<>();
        Set<Integer> ports = new HashSet<>();
        for (ObjectNode svc : all) {
            assertThat(ips.add(clusterIp(svc))).as("ClusterIP %s handed out twice", clusterIp(svc)).isTrue();
            int port = svc.path("spec").path("ports").get(0).path("nodePort").asInt();
            assertThat(ports.add(port)).as("nodePort %s handed out twice", port).isTrue();
        }
        assertThat(all).hasSize(servers * perServer);
    }
}
