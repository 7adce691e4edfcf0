package io.drover.api.strategy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

class OtherStrategiesTest {

    @Test
    void namespacesGetTheKubernetesFinalizerPhaseAndNameLabel() {
        ObjectNode ns = Json.parse("{metadata: {name: 'team-a'}}");
        new NamespaceStrategy().applyDefaults(ns);
        new NamespaceStrategy().applyCreateDefaults(ns);
        assertThat(ns).isEqualTo(Json.parse("{metadata: {name: 'team-a', labels: {'kubernetes.io/metadata.name':"
                + " 'team-a'}}, spec: {finalizers: ['kubernetes']}, status: {phase: 'Active'}}"));
        ObjectNode given = Json.parse("{metadata: {name: 'b'}, spec: {finalizers: []}, status: {phase: 'Terminating'}}");
        new NamespaceStrategy().applyDefaults(given);
        assertThat(given.path("spec").path("finalizers").isEmpty()).isTrue();
        assertThat(given.path("status").path("phase").asText()).isEqualTo("Terminating");

        // Once released by the namespace controller, an update must not bring the finalizer back.
        ObjectNode released = Json.parse("{metadata: {name: 'c'}, spec: {}, status: {phase: 'Terminating'}}");
        new NamespaceStrategy().applyDefaults(released);
        assertThat(released.path("spec").has("finalizers")).isFalse();
    }

    @Test
    void v2AutoscalersGetMinReplicasAndACpuTarget() {
        ObjectNode hpa = Json.parse("{spec: {scaleTargetRef: {kind: 'Deployment', name: 'web'}, maxReplicas: 5}}");
        HorizontalPodAutoscalerStrategy v2 = new HorizontalPodAutoscalerStrategy(true);
        v2.applyDefaults(hpa);
        assertThat(hpa.get("spec")).isEqualTo(Json.parse("{scaleTargetRef: {kind: 'Deployment', name: 'web'},"
                + " maxReplicas: 5, minReplicas: 1, metrics: [{type: 'Resource', resource: {name: 'cpu',"
                + " target: {type: 'Utilization', averageUtilization: 80}}}]}"));
        assertThat(v2.validateCreate(hpa)).isEmpty();
        ObjectNode memory = Json.parse("{spec: {minReplicas: 2, metrics: [{type: 'Resource', resource: {name: 'memory'}}]}}");
        v2.applyDefaults(memory);
        assertThat(memory.path("spec").path("minReplicas").asInt()).isEqualTo(2);
        assertThat(memory.path("spec").path("metrics")).hasSize(1);
    }

    @Test
    void v1AutoscalersKeepTheirCpuPercentage() {
        ObjectNode hpa = Json.parse("{spec: {scaleTargetRef: {kind: 'Deployment', name: 'web'}, maxReplicas: 5,"
                + " targetCPUUtilizationPercentage: 50}}");
        new HorizontalPodAutoscalerStrategy(false).applyDefaults(hpa);
        assertThat(hpa.path("spec").has("metrics")).isFalse();
        assertThat(hpa.path("spec").path("minReplicas").asInt()).isEqualTo(1);
    }

    @Test
    void autoscalersNeedATargetAndSaneBounds() {
        HorizontalPodAutoscalerStrategy v2 = new HorizontalPodAutoscalerStrategy(true);
        assertThat(Json.printed(v2.validateCreate(Json.parse("{spec: {minReplicas: 3, maxReplicas: 2}}"))))
                .containsExactly("spec.scaleTargetRef.kind: Required value", "spec.scaleTargetRef.name: Required value",
                        "spec.maxReplicas: Invalid value: 2: must be greater than or equal to `minReplicas`");
        assertThat(Json.printed(v2.validateCreate(Json.parse("{spec: {scaleTargetRef: {kind: 'D', name: 'd'},"
                + " minReplicas: 0, maxReplicas: 0}}")))).containsExactly(
                "spec.minReplicas: Invalid value: 0: must be greater than or equal to 1",
                "spec.maxReplicas: Invalid value: 0: must be greater than 0");
    }

    @Test
    void nodesEndpointsSlicesAndLimitRangesGetTheirDefaults() {
        ObjectNode node = Json.parse("{spec: {unschedulable: false}, status: {capacity: {cpu: '4'}}}");
        new SmallKinds.NodeStrategy().applyDefaults(node);
        assertThat(node).isEqualTo(Json.parse("{spec: {}, status: {capacity: {cpu: '4'}, allocatable: {cpu: '4'}}}"));

        ObjectNode endpoints = Json.parse("{subsets: [{ports: [{port: 80}]}]}");
        new SmallKinds.EndpointsStrategy().applyDefaults(endpoints);
        assertThat(endpoints.path("subsets").get(0).path("ports").get(0).path("protocol").asText()).isEqualTo("TCP");

        ObjectNode slice = Json.parse("{ports: [{port: 80}]}");
        new SmallKinds.EndpointSliceStrategy().applyDefaults(slice);
        assertThat(slice.path("ports").get(0)).isEqualTo(Json.parse("{port: 80, name: '', protocol: 'TCP'}"));

        ObjectNode limits = Json.parse("{spec: {limits: [{type: 'Container', max: {cpu: '2'}, min: {memory: '1Mi'}}]}}");
        new SmallKinds.LimitRangeStrategy().applyDefaults(limits);
        assertThat(limits.path("spec").path("limits").get(0)).isEqualTo(Json.parse("{type: 'Container',"
                + " max: {cpu: '2'}, min: {memory: '1Mi'}, default: {cpu: '2'}, defaultRequest: {cpu: '2',"
                + " memory: '1Mi'}}"));
    }
}
