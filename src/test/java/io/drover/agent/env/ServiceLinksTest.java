package io.drover.agent.env;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServiceLinksTest {

    private static Service service(String namespace, String name, String clusterIp) {
        return new ServiceBuilder().withNewMetadata().withNamespace(namespace).withName(name).endMetadata()
                .withNewSpec().withClusterIP(clusterIp).addNewPort().withName("http").withPort(80)
                .withProtocol("TCP").endPort().addNewPort().withName("dns-udp").withPort(53).withProtocol("UDP")
                .endPort().endSpec().build();
    }

    @Test
    void setsTheKubeletsVariablesForTheNamespacesServices() {
        Map<String, String> env = ServiceLinks.of(List.of(service("shop", "redis-primary", "10.43.1.7")), "shop");
        assertThat(env).containsExactly(
                Map.entry("REDIS_PRIMARY_SERVICE_HOST", "10.43.1.7"),
                Map.entry("REDIS_PRIMARY_SERVICE_PORT", "80"),
                Map.entry("REDIS_PRIMARY_SERVICE_PORT_HTTP", "80"),
                Map.entry("REDIS_PRIMARY_SERVICE_PORT_DNS_UDP", "53"),
                Map.entry("REDIS_PRIMARY_PORT", "tcp://10.43.1.7:80"),
                Map.entry("REDIS_PRIMARY_PORT_80_TCP", "tcp://10.43.1.7:80"),
                Map.entry("REDIS_PRIMARY_PORT_80_TCP_PROTO", "tcp"),
                Map.entry("REDIS_PRIMARY_PORT_80_TCP_PORT", "80"),
                Map.entry("REDIS_PRIMARY_PORT_80_TCP_ADDR", "10.43.1.7"),
                Map.entry("REDIS_PRIMARY_PORT_53_UDP", "udp://10.43.1.7:53"),
                Map.entry("REDIS_PRIMARY_PORT_53_UDP_PROTO", "udp"),
                Map.entry("REDIS_PRIMARY_PORT_53_UDP_PORT", "53"),
                Map.entry("REDIS_PRIMARY_PORT_53_UDP_ADDR", "10.43.1.7"));
    }

    @Test
    void leavesOutOtherNamespacesHeadlessServicesAndTheMasterService() {
        assertThat(ServiceLinks.of(List.of(service("other", "a", "10.43.1.1"), service("shop", "b", "None"),
                service("default", "kubernetes", "10.43.0.1")), "shop")).isEmpty();
        assertThat(ServiceLinks.of(List.of(service("default", "kubernetes", "10.43.0.1")), "default")).isEmpty();
    }
}
