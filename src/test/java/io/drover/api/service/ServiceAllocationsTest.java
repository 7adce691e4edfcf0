package io.drover.api.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.agent.ports.PortRange;
import io.drover.api.ApiException;
import io.drover.api.resource.ResourceRegistry;
import io.drover.api.resource.ResourceType;
import io.drover.testing.TempSqliteStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ServiceAllocationsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ResourceType SERVICES = ResourceRegistry.builtin().find("", "v1", "services").orElseThrow();

    private final ServiceAllocations allocations = ServiceAllocations.defaults();
    private final List<JsonNode> stored = new ArrayList<>();
    @RegisterExtension
    final TempSqliteStore temp = new TempSqliteStore("drover-alloc");
    private ServiceClaims claims;

    @BeforeEach
    void createClaims() {
        claims = new ServiceClaims(temp.store(), JSON, Clock.systemUTC());
    }

    private ObjectNode service(String name, String type) {
        ObjectNode svc = JSON.createObjectNode();
        svc.putObject("metadata").put("name", name).put("namespace", "default");
        ObjectNode spec = svc.putObject("spec").put("type", type);
        spec.putArray("ports").addObject().put("port", 80).put("protocol", "TCP");
        return svc;
    }

    private ObjectNode create(ObjectNode svc) {
        return allocations.write(SERVICES, svc, () -> stored, claims, () -> {
            stored.add(svc);
            return svc;
        });
    }

    @Test
    void dynamicClusterIpsComeFromTheUpperBandSoTheFirstAndTenthStayFree() {
        ObjectNode a = create(service("a", "ClusterIP"));
        ObjectNode b = create(service("b", "ClusterIP"));
        assertThat(a.path("spec").path("clusterIP").asText()).isEqualTo("10.43.1.1");
        assertThat(a.path("spec").path("clusterIPs").toString()).isEqualTo("[\"10.43.1.1\"]");
        assertThat(b.path("spec").path("clusterIP").asText()).isEqualTo("10.43.1.2");
        ObjectNode kubernetes = service("kubernetes", "ClusterIP");
        kubernetes.withObject("spec").put("clusterIP", "10.43.0.1");
        assertThat(create(kubernetes).path("spec").path("clusterIPs").get(0).asText()).isEqualTo("10.43.0.1");
    }

    @Test
    void aTakenClusterIpIsRefusedWithKubernetesMessage() {
        ObjectNode first = service("first", "ClusterIP");
        first.withObject("spec").put("clusterIP", "10.43.0.10");
        create(first);
        ObjectNode second = service("second", "ClusterIP");
        second.withObject("spec").put("clusterIP", "10.43.0.10");
        assertThatThrownBy(() -> create(second)).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.code()).isEqualTo(422);
            assertThat(e.getMessage()).isEqualTo("Service \"second\" is invalid: spec.clusterIPs: Invalid value: "
                    + "[]string{\"10.43.0.10\"}: failed to allocate IP 10.43.0.10: provided IP is already allocated");
        });
        assertThat(stored).hasSize(1);
    }

    @Test
    void anAddressIsTakenWhateverItsSpelling() {
        ObjectNode first = service("first", "ClusterIP");
        first.withObject("spec").put("clusterIP", "10.43.07.9");
        assertThat(create(first).path("spec").path("clusterIP").asText()).as("stored as written").isEqualTo("10.43.07.9");
        ObjectNode second = service("second", "ClusterIP");
        second.withObject("spec").put("clusterIP", "10.43.7.09");
        assertThatThrownBy(() -> create(second)).isInstanceOfSatisfying(ApiException.class, e ->
                assertThat(e.getMessage()).isEqualTo("Service \"second\" is invalid: spec.clusterIPs: Invalid value: "
                        + "[]string{\"10.43.7.09\"}: failed to allocate IP 10.43.7.9: provided IP is already allocated"));
    }

    @Test
    void aClusterIpOutsideTheRangeIsRefused() {
        ObjectNode svc = service("out", "ClusterIP");
        svc.withObject("spec").put("clusterIP", "10.96.0.5");
        assertThatThrownBy(() -> create(svc)).hasMessageEndingWith("failed to allocate IP 10.96.0.5: the provided "
                + "IP (10.96.0.5) is not in the valid range. The range of valid IPs is 10.43.0.0/16");
    }

    @Test
    void headlessServicesGetNoAddress() {
        ObjectNode svc = service("headless", "ClusterIP");
        svc.withObject("spec").put("clusterIP", "None");
        assertThat(create(svc).path("spec").path("clusterIPs").toString()).isEqualTo("[\"None\"]");
    }

    @Test
    void nodePortsAreAllocatedAndATakenOneIsRefused() {
        ObjectNode a = create(service("a", "NodePort"));
        int port = a.path("spec").path("ports").get(0).path("nodePort").asInt();
        assertThat(port).isBetween(30000 + 86, 32767);
        ObjectNode b = service("b", "NodePort");
        ((ObjectNode) b.path("spec").path("ports").get(0)).put("nodePort", port);
        assertThatThrownBy(() -> create(b)).hasMessage("Service \"b\" is invalid: spec.ports[0].nodePort: Invalid value: "
                + port + ": provided port is already allocated");
        ((ObjectNode) b.path("spec").path("ports").get(0)).put("nodePort", 80);
        assertThatThrownBy(() -> create(b)).hasMessageEndingWith("Invalid value: 80: provided port is not in the "
                + "valid range. The range of valid ports is 30000-32767");
    }

    @Test
    void aNewAllocatorReadsWhatIsTakenFromTheStoredServices() {
        ObjectNode a = create(service("a", "NodePort"));
        ServiceAllocations restarted = new ServiceAllocations(new ServiceRanges(ServiceCidr.DEFAULT, new PortRange(30000, 32767)));
        ObjectNode b = service("b", "NodePort");
        restarted.write(SERVICES, b, () -> stored, claims, () -> b);
        assertThat(b.path("spec").path("clusterIP").asText()).isNotEqualTo(a.path("spec").path("clusterIP").asText());
        assertThat(b.path("spec").path("ports").get(0).path("nodePort").asInt())
                .isNotEqualTo(a.path("spec").path("ports").get(0).path("nodePort").asInt());
    }

    @Test
    void deletingAServiceFreesItsAddressAndPort() {
        ObjectNode a = create(service("a", "NodePort"));
        stored.clear();
        ObjectNode b = service("b", "NodePort");
        b.withObject("spec").put("clusterIP", a.path("spec").path("clusterIP").asText());
        ((ObjectNode) b.path("spec").path("ports").get(0)).set("nodePort", a.path("spec").path("ports").get(0).get("nodePort"));
        assertThat(create(b).path("spec").path("clusterIP")).isEqualTo(a.path("spec").path("clusterIP"));
    }

    @Test
    void anUpdateKeepsItsValuesAndATypeChangeToClusterIpDropsNodePorts() {
        ObjectNode stored = create(service("a", "NodePort"));
        ObjectNode update = service("a", "NodePort");
        ServiceAllocations.carryOver(stored, update);
        assertThat(update.path("spec").path("clusterIP")).isEqualTo(stored.path("spec").path("clusterIP"));
        assertThat(update.path("spec").path("ports").get(0).path("nodePort"))
                .isEqualTo(stored.path("spec").path("ports").get(0).path("nodePort"));
        ObjectNode toClusterIp = stored.deepCopy();
        toClusterIp.withObject("spec").put("type", "ClusterIP");
        toClusterIp.withObject("spec").put("externalTrafficPolicy", "Cluster");
        stored.withObject("spec").put("externalTrafficPolicy", "Cluster");
        ServiceAllocations.carryOver(stored, toClusterIp);
        assertThat(toClusterIp.path("spec").path("ports").get(0).has("nodePort")).isFalse();
        assertThat(toClusterIp.path("spec").has("externalTrafficPolicy")).isFalse();
    }

    /** An update as the registry runs it: carryOver from the stored Service, then allocation, then the write. */
    private ObjectNode update(ObjectNode next) {
        String name = next.path("metadata").path("name").asText();
        ObjectNode current = (ObjectNode) stored.stream()
                .filter(s -> s.path("metadata").path("name").asText().equals(name)).findFirst().orElseThrow();
        ServiceAllocations.carryOver(current, next);
        return allocations.write(SERVICES, next, () -> stored, claims, () -> {
            stored.replaceAll(s -> s == current ? next : s);
            return next;
        });
    }

    private static ObjectNode withPorts(ObjectNode svc, int... ports) {
        ArrayNode list = svc.withObject("spec").putArray("ports");
        for (int port : ports) {
            list.addObject().put("port", port).put("protocol", "TCP");
        }
        return svc;
    }

    private static int nodePort(JsonNode svc, int index) {
        return svc.path("spec").path("ports").get(index).path("nodePort").asInt();
    }

    @Test
    void aPortAddedInFrontOfANodePortGetsAnotherAndTheExistingOneKeepsItsOwn() {
        int existing = nodePort(create(service("np", "NodePort")), 0);

        ObjectNode updated = update(withPorts(service("np", "NodePort"), 70, 80));

        assertThat(nodePort(updated, 1)).isEqualTo(existing);
        assertThat(nodePort(updated, 0)).isNotZero().isNotEqualTo(existing);
    }

    @Test
    void aRemovedPortFreesItsNodePortAndAKeptOneKeepsIts() {
        ObjectNode both = create(withPorts(service("np", "NodePort"), 80, 81));
        int kept = nodePort(both, 0);
        int freed = nodePort(both, 1);

        assertThat(nodePort(update(withPorts(service("np", "NodePort"), 80)), 0)).isEqualTo(kept);

        ObjectNode other = service("other", "NodePort");
        ((ObjectNode) other.path("spec").path("ports").get(0)).put("nodePort", freed);
        assertThat(nodePort(create(other), 0)).isEqualTo(freed);
    }

    @Test
    void aPortThatAsksForAnotherNodePortGetsItIfFreeAndFreesItsOld() {
        int old = nodePort(create(service("np", "NodePort")), 0);
        int taken = nodePort(create(service("taken", "NodePort")), 0);

        ObjectNode toTaken = service("np", "NodePort");
        ((ObjectNode) toTaken.path("spec").path("ports").get(0)).put("nodePort", taken);
        assertThatThrownBy(() -> update(toTaken)).hasMessage("Service \"np\" is invalid: spec.ports[0].nodePort: "
                + "Invalid value: " + taken + ": provided port is already allocated");

        ObjectNode moved = service("np", "NodePort");
        ((ObjectNode) moved.path("spec").path("ports").get(0)).put("nodePort", 30500);
        assertThat(nodePort(update(moved), 0)).isEqualTo(30500);
        ObjectNode other = service("other", "NodePort");
        ((ObjectNode) other.path("spec").path("ports").get(0)).put("nodePort", old);
        assertThat(nodePort(create(other), 0)).isEqualTo(old);
    }

    @Test
    void aTypeChangeToClusterIpReleasesEveryNodePortAndTheHealthCheckNodePort() {
        ObjectNode lb = withPorts(service("lb", "LoadBalancer"), 80, 81);
        lb.withObject("spec").put("externalTrafficPolicy", "Local");
        ObjectNode created = create(lb);
        List<Integer> held = List.of(nodePort(created, 0), nodePort(created, 1),
                created.path("spec").path("healthCheckNodePort").asInt());
        assertThat(held).doesNotHaveDuplicates().doesNotContain(0);

        ObjectNode toClusterIp = withPorts(service("lb", "ClusterIP"), 80, 81);
        toClusterIp.withObject("spec").put("externalTrafficPolicy", "Local");
        ObjectNode updated = update(toClusterIp);
        assertThat(updated.path("spec").path("ports").get(0).has("nodePort")).isFalse();
        assertThat(updated.path("spec").has("healthCheckNodePort")).isFalse();

        for (int port : held) {
            ObjectNode other = service("other-" + port, "NodePort");
            ((ObjectNode) other.path("spec").path("ports").get(0)).put("nodePort", port);
            assertThat(nodePort(create(other), 0)).isEqualTo(port);
        }
    }

    @Test
    void aPortAddedToALocalLoadBalancerGetsNeitherItsNodePortsNorItsHealthCheckNodePort() {
        ObjectNode lb = service("lb", "LoadBalancer");
        lb.withObject("spec").put("externalTrafficPolicy", "Local");
        ObjectNode created = create(lb);
        int existing = nodePort(created, 0);
        int healthCheck = created.path("spec").path("healthCheckNodePort").asInt();

        ObjectNode grown = withPorts(service("lb", "LoadBalancer"), 70, 80);
        grown.withObject("spec").put("externalTrafficPolicy", "Local");
        ObjectNode updated = update(grown);

        assertThat(nodePort(updated, 1)).isEqualTo(existing);
        assertThat(updated.path("spec").path("healthCheckNodePort").asInt()).isEqualTo(healthCheck);
        assertThat(nodePort(updated, 0)).isNotIn(existing, healthCheck, 0);
    }

    @Test
    void cidrArithmetic() {
        ServiceCidr cidr = ServiceCidr.parse("10.43.0.0/16");
        assertThat(cidr.size()).isEqualTo(65534);
        assertThat(cidr.address(0)).isEqualTo("10.43.0.1");
        assertThat(cidr.offset("10.43.255.255")).isEqualTo(-1);
        assertThat(cidr.offset("10.43.0.0")).isEqualTo(-1);
        assertThat(cidr.offset("10.43.1.0")).isEqualTo(255);
        assertThat(cidr.offset("bogus")).isEqualTo(-1);
    }
}
