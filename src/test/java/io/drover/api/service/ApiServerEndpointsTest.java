package io.drover.api.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drover.api.ClusterBootstrap;
import io.drover.api.resource.ResourceRegistry;
import io.drover.api.resource.ResourceType;
import io.drover.api.storage.ObjectStorage;
import io.drover.testing.TempSqliteStore;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A server that was killed (its lease not renewed) drops out of the kubernetes Service's endpoints once the lease runs out. */
class ApiServerEndpointsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ResourceRegistry REGISTRY = ResourceRegistry.builtin();
    private static final ResourceType ENDPOINTS = REGISTRY.find("", "v1", "endpoints").orElseThrow();
    private static final Instant NOW = Instant.parse("2026-12-02T10:00:00Z");

    @RegisterExtension
    final TempSqliteStore temp = new TempSqliteStore("drover-apiserver-endpoints");

    private ObjectStorage storage;

    @BeforeEach
    void bootstrap() {
        storage = new ObjectStorage(temp.store(), JSON, Clock.systemUTC());
        ClusterBootstrap.run(storage, REGISTRY, JSON);
    }

    private ApiServerEndpoints server(String address, int port, Instant at) {
        return new ApiServerEndpoints(temp.store(), storage, REGISTRY, JSON, Clock.fixed(at, ZoneOffset.UTC),
                new ApiServerEndpoints.Member(address, port));
    }

    private List<String> endpointAddresses() {
        List<String> addresses = new ArrayList<>();
        for (JsonNode subset : storage.get(ENDPOINTS, "default", "kubernetes").path("subsets")) {
            subset.path("addresses").forEach(a -> addresses.add(a.path("ip").asText() + ":"
                    + subset.path("ports").path(0).path("port").asInt()));
        }
        return addresses;
    }

    @Test
    void aRenewalThatChangesNoAddressWritesNoObject() {
        server("10.0.0.1", 6443, NOW).renewAndReconcile();
        String endpoints = storage.get(ENDPOINTS, "default", "kubernetes").path("metadata").path("resourceVersion")
                .asText();

        server("10.0.0.1", 6443, NOW.plusSeconds(10)).renewAndReconcile();

        assertThat(storage.get(ENDPOINTS, "default", "kubernetes").path("metadata").path("resourceVersion").asText())
                .isEqualTo(endpoints);
    }

    @Test
    void aLeaseNotRenewedWithinItsTimeIsDroppedAndRemoved() {
        server("10.0.0.2", 6443, NOW).renewAndReconcile();
        ApiServerEndpoints live = server("10.0.0.1", 6443, NOW.plusSeconds(10));
        live.renewAndReconcile();
        assertThat(endpointAddresses()).containsExactly("10.0.0.1:6443", "10.0.0.2:6443");

        ApiServerEndpoints later = server("10.0.0.1", 6443, NOW.plus(ApiServerEndpoints.TTL).plusSeconds(1));
        later.renewAndReconcile();

        assertThat(endpointAddresses()).containsExactly("10.0.0.1:6443");
        assertThat(temp.store().get(ApiServerEndpoints.LEASE_PREFIX + "10.0.0.2:6443")).isEmpty();
        String kept = new String(temp.store().get(ApiServerEndpoints.LEASE_PREFIX + "10.0.0.1:6443").orElseThrow()
                .value(), StandardCharsets.UTF_8);
        assertThat(kept).contains("\"port\":6443");
    }
}
