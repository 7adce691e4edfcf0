package io.drover.dns;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodDNSConfigBuilder;
import org.junit.jupiter.api.Test;

class PodResolvConfTest {
    private static final String HOST = """
            # written by the host
            nameserver 192.168.1.1
            search corp.example
            options edns0
            """;

    @Test
    void clusterFirstPointsAtTheClusterDnsWithThePodsSearchPath() {
        assertThat(PodResolvConf.forPod(pod("shop", null, false), "10.0.0.5", "cluster.local", HOST)).contains("""
                nameserver 10.0.0.5
                search shop.svc.cluster.local svc.cluster.local cluster.local corp.example
                options ndots:5
                """);
    }

    @Test
    void hostNetworkClusterFirstFallsBackToTheHostsFileButClusterFirstWithHostNetDoesNot() {
        assertThat(PodResolvConf.forPod(pod("shop", "ClusterFirst", true), "10.0.0.5", "cluster.local", HOST))
                .isEmpty();
        assertThat(PodResolvConf.forPod(pod("shop", "ClusterFirstWithHostNet", true), "10.0.0.5", "cluster.local",
                HOST)).hasValueSatisfying(f -> assertThat(f).startsWith("nameserver 10.0.0.5\n"));
    }

    @Test
    void defaultPolicyAndNoClusterDnsUseTheHostsFile() {
        assertThat(PodResolvConf.forPod(pod("shop", "Default", false), "10.0.0.5", "cluster.local", HOST)).isEmpty();
        assertThat(PodResolvConf.forPod(pod("shop", "ClusterFirst", false), null, "cluster.local", HOST)).isEmpty();
    }

    @Test
    void noneTakesOnlyTheDnsConfigAndDnsConfigMergesIntoOtherPolicies() {
        Pod none = pod("shop", "None", false);
        none.getSpec().setDnsConfig(new PodDNSConfigBuilder().withNameservers("1.1.1.1").withSearches("a.example")
                .addNewOption().withName("ndots").withValue("2").endOption().build());
        assertThat(PodResolvConf.forPod(none, "10.0.0.5", "cluster.local", HOST)).contains("""
                nameserver 1.1.1.1
                search a.example
                options ndots:2
                """);

        Pod merged = pod("shop", "Default", false);
        merged.getSpec().setDnsConfig(new PodDNSConfigBuilder().withNameservers("192.168.1.1", "1.1.1.1")
                .addNewOption().withName("timeout").withValue("1").endOption().build());
        assertThat(PodResolvConf.forPod(merged, "10.0.0.5", "cluster.local", HOST)).contains("""
                nameserver 192.168.1.1
                nameserver 1.1.1.1
                search corp.example
                options edns0 timeout:1
                """);
    }

    private static Pod pod(String namespace, String policy, boolean hostNetwork) {
        return new PodBuilder().withNewMetadata().withName("p").withNamespace(namespace).endMetadata()
                .withNewSpec().withDnsPolicy(policy).withHostNetwork(hostNetwork).addNewContainer().withName("c")
                .withImage("x").endContainer().endSpec().build();
    }
}
