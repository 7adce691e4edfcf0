package io.drover.api.strategy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A Node's pod CIDRs and provider ID, as ValidateNode, ValidateNodeUpdate and the v1 conversion keep them. */
class NodeSpecValidationTest {
    private final SmallKinds.NodeStrategy strategy = new SmallKinds.NodeStrategy();

    private ObjectNode node(String spec) {
        ObjectNode node = Json.parse("{metadata: {name: 'n'}, spec: " + spec + "}");
        strategy.applyDefaults(node);
        return node;
    }

    @Test
    void podCidrIsThePodCidrsFirst() {
        assertThat(node("{podCIDR: '10.0.0.0/24'}").path("spec").path("podCIDRs").toString())
                .isEqualTo("[\"10.0.0.0/24\"]");
        assertThat(node("{podCIDR: '10.9.0.0/24', podCIDRs: ['10.0.0.0/24', 'fd00::/64']}").path("spec")
                .path("podCIDR").asText()).isEqualTo("10.0.0.0/24");
    }

    @Test
    void podCidrsAreCidrsOnePerFamily() {
        assertThat(Json.printed(strategy.validateCreate(node("{podCIDRs: ['garbage']}")))).containsExactly(
                "spec.podCIDRs[0]: Invalid value: []string{\"garbage\"}: must be valid CIDR");
        assertThat(Json.printed(strategy.validateCreate(node("{podCIDRs: ['10.0.0.0/24', '10.1.0.0/24']}"))))
                .containsExactly("spec.podCIDRs: Invalid value: []string{\"10.0.0.0/24\", \"10.1.0.0/24\"}: may specify "
                        + "no more than one CIDR for each IP family");
        assertThat(strategy.validateCreate(node("{podCIDRs: ['10.0.0.0/24', 'fd00::/64']}"))).isEmpty();
    }

    @Test
    void podCidrsAndProviderIdAreSetOnceFromEmpty() {
        ObjectNode empty = node("{}");
        ObjectNode assigned = node("{podCIDR: '10.0.0.0/24', providerID: 'x'}");
        assertThat(strategy.validateUpdate(empty, assigned)).isEmpty();
        assertThat(Json.printed(strategy.validateUpdate(assigned, node("{podCIDR: '10.0.1.0/24', providerID: 'y'}"))))
                .containsExactly("spec.podCIDRs: Forbidden: node updates may not change podCIDR except from \"\" to valid",
                        "spec.providerID: Forbidden: node updates may not change providerID except from \"\" to valid");
        assertThat(strategy.validateUpdate(assigned, node("{podCIDR: '10.0.0.0/24', providerID: 'x', unschedulable: true}")))
                .isEqualTo(List.of());
    }
}
