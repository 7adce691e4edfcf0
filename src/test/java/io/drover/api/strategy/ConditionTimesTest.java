package io.drover.api.strategy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.resource.ResourceRegistry;
import org.junit.jupiter.api.Test;

class ConditionTimesTest {
    private static final ResourceRegistry REGISTRY = ResourceRegistry.builtin();

    @Test
    void aPodsConditionsAlwaysHaveTheirTwoTimesAndAConfigMapIsLeftAlone() {
        ObjectNode pod = Json.parse("{status: {conditions: [{type: 'Ready', status: 'True',"
                + " lastTransitionTime: '2026-12-02T10:00:00Z'}, {type: 'PodScheduled', status: 'True'}]}}");
        ConditionTimes.fill(REGISTRY.find("", "v1", "pods").orElseThrow(), pod);
        assertThat(pod).isEqualTo(Json.parse("{status: {conditions: [{type: 'Ready', status: 'True',"
                + " lastTransitionTime: '2026-12-02T10:00:00Z', lastProbeTime: null}, {type: 'PodScheduled',"
                + " status: 'True', lastProbeTime: null, lastTransitionTime: null}]}}"));

        ObjectNode deployment = Json.parse("{status: {conditions: [{type: 'Available', status: 'True'}]}}");
        ConditionTimes.fill(REGISTRY.find("apps", "v1", "deployments").orElseThrow(), deployment);
        assertThat(deployment.at("/status/conditions/0").has("lastUpdateTime")).isTrue();
        assertThat(deployment.at("/status/conditions/0").has("lastTransitionTime")).isTrue();

        ObjectNode other = Json.parse("{status: {conditions: [{type: 'X'}]}}");
        ConditionTimes.fill(REGISTRY.find("", "v1", "configmaps").orElseThrow(), other);
        assertThat(other).isEqualTo(Json.parse("{status: {conditions: [{type: 'X'}]}}"));
    }
}
