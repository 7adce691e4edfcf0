package io.drover.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drover.testing.SharedCluster;
import io.fabric8.kubernetes.api.model.StatusCause;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceList;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * discovery.k8s.io/v1 EndpointSlices through the fabric8 client, as kube-apiserver's endpointSliceStrategy and
 * ValidateEndpointSlice take them: the address type never changes, the sizes and names Kubernetes bounds are
 * refused beyond their bounds, labels move the generation, and a v1 write drops deprecatedTopology.
 */
class EndpointSliceRulesIT {
    private static final String LABEL = "test";

    @RegisterExtension
    static final SharedCluster CLUSTER = new SharedCluster(options -> options.withNodeAgent(false));

    private static MixedOperation<EndpointSlice, EndpointSliceList, Resource<EndpointSlice>> slices() {
        return CLUSTER.client().discovery().v1().endpointSlices();
    }

    @AfterEach
    void clean() {
        slices().inNamespace("default").withLabel(LABEL).delete();
    }

    private static EndpointSliceBuilder slice(String name, String addressType, String... addresses) {
        return new EndpointSliceBuilder().withNewMetadata().withName(name).addToLabels(LABEL, "slices").endMetadata()
                .withAddressType(addressType).withEndpoints(new EndpointBuilder().withAddresses(addresses).build());
    }

    private static EndpointSlice create(EndpointSlice slice) {
        return slices().inNamespace("default").resource(slice).create();
    }

    @Test
    void anEndpointSliceKeepsItsAddressType() {
        create(slice("imm", "IPv4", "10.0.0.1").build());

        assertThatThrownBy(() -> slices().inNamespace("default").withName("imm").edit(s -> new EndpointSliceBuilder(s)
                .withAddressType("FQDN").withEndpoints(new EndpointBuilder().withAddresses("a.b").build()).build()))
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(422);
                    assertThat(e.getStatus().getMessage()).isEqualTo("EndpointSlice.discovery.k8s.io \"imm\" is invalid: "
                            + "addressType: Invalid value: \"FQDN\": field is immutable");
                });
        assertThat(slices().inNamespace("default").withName("imm").get().getAddressType()).isEqualTo("IPv4");
    }

    @Test
    void nodeNamesHintsHostnamesAndAppProtocolsAreCheckedAsKubernetesChecksThem() {
        EndpointSlice bad = slice("bad", "IPv4").withEndpoints(new EndpointBuilder().withAddresses("10.0.0.1")
                .withNodeName("bad node").withHostname("").withNewHints().addNewForZone("a").addNewForZone("a")
                .addNewForZone("bad value!").endHints().build())
                .addNewPort().withName("http").withPort(80).withAppProtocol("bad proto!").endPort().build();

        assertThatThrownBy(() -> create(bad)).isInstanceOfSatisfying(KubernetesClientException.class, e -> {
            assertThat(e.getCode()).isEqualTo(422);
            assertThat(e.getStatus().getDetails().getCauses()).extracting(StatusCause::getField).containsExactly(
                    "endpoints[0].nodeName", "endpoints[0].hostname", "endpoints[0].hints.forZones[1].name",
                    "endpoints[0].hints.forZones[2].name", "ports[0].appProtocol");
            assertThat(e.getStatus().getDetails().getCauses().get(2).getMessage()).isEqualTo("Duplicate value: \"a\"");
        });
        assertThat(slices().inNamespace("default").withName("bad").get()).isNull();
    }

    @Test
    void aSliceHoldsAtMostAThousandEndpointsOfAtMostAHundredAddresses() {
        List<io.fabric8.kubernetes.api.model.discovery.v1.Endpoint> endpoints = new ArrayList<>();
        for (int i = 0; i < 1001; i++) {
            endpoints.add(new EndpointBuilder().withAddresses("10.1." + (i / 250) + "." + (i % 250 + 1)).build());
        }
        assertThatThrownBy(() -> create(slice("big", "IPv4").withEndpoints(endpoints).build()))
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getStatus().getMessage())
                        .isEqualTo("EndpointSlice.discovery.k8s.io \"big\" is invalid: endpoints: Too many: 1001: must "
                                + "have at most 1000 items"));

        String[] addresses = new String[101];
        for (int i = 0; i < addresses.length; i++) {
            addresses[i] = "10.2.0." + (i + 1);
        }
        assertThatThrownBy(() -> create(slice("wide", "IPv4", addresses).build()))
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getStatus().getMessage())
                        .isEqualTo("EndpointSlice.discovery.k8s.io \"wide\" is invalid: endpoints[0].addresses: Too many: "
                                + "101: must have at most 100 items"));
        create(slice("fits", "IPv4").withEndpoints(endpoints.subList(0, 1000)).build());
    }

    @Test
    void labelsMoveTheGenerationAndV1WritesDropDeprecatedTopology() {
        EndpointSlice created = create(slice("gen", "IPv4").withEndpoints(new EndpointBuilder().withAddresses("10.0.0.1")
                .withDeprecatedTopology(Map.of("kubernetes.io/hostname", "node-a")).build()).build());
        assertThat(created.getMetadata().getGeneration()).isEqualTo(1L);
        assertThat(created.getEndpoints().get(0).getDeprecatedTopology()).isNullOrEmpty();

        EndpointSlice relabelled = slices().inNamespace("default").withName("gen").edit(s -> new EndpointSliceBuilder(s)
                .editMetadata().addToLabels("kubernetes.io/service-name", "web").endMetadata().build());
        assertThat(relabelled.getMetadata().getGeneration()).isEqualTo(2L);
        EndpointSlice annotated = slices().inNamespace("default").withName("gen").edit(s -> new EndpointSliceBuilder(s)
                .editMetadata().addToAnnotations("note", "x").endMetadata().build());
        assertThat(annotated.getMetadata().getGeneration()).isEqualTo(2L);

        EndpointSlice moved = slices().inNamespace("default").withName("gen").edit(s -> new EndpointSliceBuilder(s)
                .withEndpoints(new EndpointBuilder().withAddresses("10.0.0.2")
                        .withDeprecatedTopology(Map.of("topology.example.com/rack", "r1")).build()).build());
        assertThat(moved.getMetadata().getGeneration()).isEqualTo(3L);
        assertThat(moved.getEndpoints().get(0).getDeprecatedTopology()).isNullOrEmpty();
    }
}
