package io.drover.api.convert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.ApiException;
import java.util.List;
import org.junit.jupiter.api.Test;

class HpaConversionTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static ObjectNode json(String text) {
        try {
            return (ObjectNode) JSON.readTree(text.replace('\'', '"'));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static final String V1 = """
            {'apiVersion':'autoscaling/v1','kind':'HorizontalPodAutoscaler',
             'metadata':{'name':'web','namespace':'default','resourceVersion':'7','labels':{'app':'web'}},
             'spec':{'scaleTargetRef':{'apiVersion':'apps/v1','kind':'Deployment','name':'web'},
                     'minReplicas':1,'maxReplicas':5,'targetCPUUtilizationPercentage':60},
             'status':{'observedGeneration':2,'lastScaleTime':'2025-01-01T00:00:00Z','currentReplicas':2,
                       'desiredReplicas':3,'currentCPUUtilizationPercentage':75}}""";

    @Test
    void convertsTheCpuTargetToAV2ResourceMetric() {
        ObjectNode v2 = HpaConversion.toV2(json(V1));

        assertThat(v2).isEqualTo(json("""
                {'apiVersion':'autoscaling/v2','kind':'HorizontalPodAutoscaler',
                 'metadata':{'name':'web','namespace':'default','resourceVersion':'7','labels':{'app':'web'}},
                 'spec':{'scaleTargetRef':{'apiVersion':'apps/v1','kind':'Deployment','name':'web'},
                         'minReplicas':1,'maxReplicas':5,
                         'metrics':[{'type':'Resource','resource':{'name':'cpu',
                                     'target':{'type':'Utilization','averageUtilization':60}}}]},
                 'status':{'observedGeneration':2,'lastScaleTime':'2025-01-01T00:00:00Z','currentReplicas':2,
                           'desiredReplicas':3,
                           'currentMetrics':[{'type':'Resource','resource':{'name':'cpu',
                                              'current':{'averageUtilization':75}}}]}}"""));
    }

    @Test
    void roundTripsV1ThroughV2() throws Exception {
        ObjectNode v1 = json(V1);
        ObjectNode copy = v1.deepCopy();

        ObjectNode back = HpaConversion.toV1(HpaConversion.toV2(v1));

        assertThat(v1).isEqualTo(copy);
        // The status cpu metric comes back with its raw value in the current-metrics annotation, as upstream.
        ObjectNode annotations = (ObjectNode) back.path("metadata").path("annotations");
        assertThat(JSON.readTree(annotations.get(HpaConversion.CURRENT_METRICS).asText())).isEqualTo(json(
                "{'m':[{'type':'Resource','resource':{'name':'cpu','currentAverageUtilization':75,'currentAverageValue':'0'}}]}")
                .get("m"));
        ((ObjectNode) back.get("metadata")).remove("annotations");
        assertThat(back).isEqualTo(v1);
        // And that annotation reads back into the same v2 status.
        assertThat(HpaConversion.toV2(HpaConversion.toV1(HpaConversion.toV2(v1)))
                .at("/status/currentMetrics/0/resource/current/averageUtilization").intValue()).isEqualTo(75);
    }

    @Test
    void givesAV1ObjectWithoutTargetTheDefaultCpuUtilization() {
        ObjectNode v2 = HpaConversion.toV2(json("""
                {'apiVersion':'autoscaling/v1','kind':'HorizontalPodAutoscaler','metadata':{'name':'web'},
                 'spec':{'scaleTargetRef':{'kind':'Deployment','name':'web'},'maxReplicas':3}}"""));

        assertThat(v2.at("/spec/metrics")).isEqualTo(json(
                "{'m':[{'type':'Resource','resource':{'name':'cpu','target':{'type':'Utilization','averageUtilization':80}}}]}")
                .get("m"));
        assertThat(v2.has("status")).isFalse();
    }

    @Test
    void keepsOtherV2MetricsBehaviorAndConditionsInV1Annotations() {
        ObjectNode v2 = json("""
                {'apiVersion':'autoscaling/v2','kind':'HorizontalPodAutoscaler',
                 'metadata':{'name':'web','annotations':{'team':'a'}},
                 'spec':{'scaleTargetRef':{'apiVersion':'apps/v1','kind':'Deployment','name':'web'},'maxReplicas':9,
                         'metrics':[{'type':'Resource','resource':{'name':'memory',
                                       'target':{'type':'AverageValue','averageValue':'100Mi'}}},
                                    {'type':'Pods','pods':{'metric':{'name':'qps'},
                                       'target':{'type':'AverageValue','averageValue':'10'}}},
                                    {'type':'External','external':{'metric':{'name':'queue',
                                       'selector':{'matchLabels':{'q':'jobs'}}},'target':{'type':'Value','value':'30'}}},
                                    {'type':'Resource','resource':{'name':'cpu',
                                       'target':{'type':'Utilization','averageUtilization':50}}}],
                         'behavior':{'scaleDown':{'stabilizationWindowSeconds':300,
                                       'policies':[{'type':'Percent','value':10,'periodSeconds':60}]}}},
                 'status':{'currentReplicas':1,'desiredReplicas':1,
                           'conditions':[{'type':'AbleToScale','status':'True','reason':'ReadyForNewScale'}]}}""");
        ObjectNode copy = v2.deepCopy();

        ObjectNode v1 = HpaConversion.toV1(v2);

        assertThat(v2).isEqualTo(copy);
        assertThat(v1.at("/spec/targetCPUUtilizationPercentage").intValue()).isEqualTo(50);
        assertThat(v1.at("/spec").has("metrics")).isFalse();
        JsonNode annotations = v1.at("/metadata/annotations");
        assertThat(annotations.get("team").asText()).isEqualTo("a");
        assertThat(annotations.get(HpaConversion.METRICS).asText()).isEqualTo(
                "[{\"type\":\"Resource\",\"resource\":{\"name\":\"memory\",\"targetAverageValue\":\"100Mi\"}},"
                + "{\"type\":\"Pods\",\"pods\":{\"metricName\":\"qps\",\"targetAverageValue\":\"10\"}},"
                + "{\"type\":\"External\",\"external\":{\"metricName\":\"queue\","
                + "\"metricSelector\":{\"matchLabels\":{\"q\":\"jobs\"}},\"targetValue\":\"30\"}}]");
        // json.Marshal of the internal type, which has no JSON tags: every field, null when unset.
        assertThat(annotations.get(HpaConversion.BEHAVIOR).asText()).isEqualTo(
                "{\"ScaleUp\":null,\"ScaleDown\":{\"StabilizationWindowSeconds\":300,\"SelectPolicy\":null,"
                + "\"Policies\":[{\"Type\":\"Percent\",\"Value\":10,\"PeriodSeconds\":60}]}}");
        assertThat(annotations.get(HpaConversion.CONDITIONS).asText()).isEqualTo(
                "[{\"type\":\"AbleToScale\",\"status\":\"True\",\"reason\":\"ReadyForNewScale\"}]");

        // Back to v2: everything returns (the cpu target comes last, as upstream puts it), the annotations gone.
        ObjectNode back = HpaConversion.toV2(v1);
        assertThat(back.at("/spec/metrics")).isEqualTo(copy.at("/spec/metrics"));
        assertThat(back.at("/spec/behavior")).isEqualTo(copy.at("/spec/behavior"));
        assertThat(back.at("/status/conditions")).isEqualTo(copy.at("/status/conditions"));
        assertThat(back.at("/metadata")).isEqualTo(json("{'name':'web','annotations':{'team':'a'}}"));
    }

    private static ObjectNode withAnnotation(String key, String value) {
        ObjectNode v1 = json("""
                {'apiVersion':'autoscaling/v1','kind':'HorizontalPodAutoscaler','metadata':{'name':'web'},
                 'spec':{'maxReplicas':3}}""");
        v1.with("metadata").putObject("annotations").put(key, value);
        return v1;
    }

    @Test
    void refusesAMalformedAnnotationAsKubernetesDecodingRefusesIt() {
        for (String key : List.of(HpaConversion.METRICS, HpaConversion.CURRENT_METRICS, HpaConversion.CONDITIONS)) {
            assertThatThrownBy(() -> HpaConversion.toV2(withAnnotation(key, "garbage"))).as(key)
                    .isInstanceOfSatisfying(ApiException.class, e -> {
                        assertThat(e.code()).isEqualTo(400);
                        assertThat(e.reason()).isEqualTo("BadRequest");
                        assertThat(e.getMessage()).isEqualTo("HorizontalPodAutoscaler in version \"v1\" cannot be "
                                + "handled as a HorizontalPodAutoscaler: invalid character 'g' looking for beginning "
                                + "of value");
                    });
        }
        assertThatThrownBy(() -> HpaConversion.toV2(withAnnotation(HpaConversion.METRICS, "{}")))
                .hasMessageEndingWith(": json: cannot unmarshal object into Go value of type []v1.MetricSpec");
        assertThatThrownBy(() -> HpaConversion.toV2(withAnnotation(HpaConversion.CONDITIONS, "[5]")))
                .hasMessageEndingWith(": json: cannot unmarshal number into Go value of type "
                        + "v1.HorizontalPodAutoscalerCondition");
        assertThatThrownBy(() -> HpaConversion.toV2(withAnnotation(HpaConversion.METRICS, "")))
                .hasMessageEndingWith(": unexpected end of JSON input");
    }

    @Test
    void aV1ObjectCarriesOnlyTheAnnotationsItsConversionMadeAndAlwaysItsReplicaCounts() {
        ObjectNode v2 = json("""
                {'apiVersion':'autoscaling/v2','kind':'HorizontalPodAutoscaler',
                 'metadata':{'name':'web','annotations':{'autoscaling.alpha.kubernetes.io/conditions':'junk',
                             'autoscaling.alpha.kubernetes.io/behavior':'junk'}},
                 'spec':{'scaleTargetRef':{'kind':'Deployment','name':'web'},'maxReplicas':3,
                         'metrics':[{'type':'Resource','resource':{'name':'cpu',
                                     'target':{'type':'Utilization','averageUtilization':80}}}]}}""");

        ObjectNode v1 = HpaConversion.toV1(v2);

        assertThat(v1.path("metadata").has("annotations")).isFalse();
        assertThat(v1.get("status")).isEqualTo(json("{'currentReplicas':0,'desiredReplicas':0}"));
        // Written back as it was read, it converts.
        assertThat(HpaConversion.toV2(v1).path("metadata").has("annotations")).isFalse();

        ObjectNode annotated = v2.deepCopy();
        HpaConversion.dropRoundTripAnnotations(annotated);
        assertThat(annotated.get("metadata")).isEqualTo(json("{'name':'web'}"));
    }

    @Test
    void aBehaviorAnnotationWithNullsIsTheBehaviorItsFieldsSay() {
        ObjectNode v2 = HpaConversion.toV2(withAnnotation(HpaConversion.BEHAVIOR, "{\"ScaleUp\":null,"
                + "\"ScaleDown\":{\"StabilizationWindowSeconds\":null,\"SelectPolicy\":\"Min\",\"Policies\":null}}"));
        assertThat(v2.at("/spec/behavior")).isEqualTo(json("{'scaleDown':{'selectPolicy':'Min'}}"));

        ObjectNode none = HpaConversion.toV2(withAnnotation(HpaConversion.BEHAVIOR, "{\"ScaleUp\":null,\"ScaleDown\":null}"));
        assertThat(none.path("spec").has("behavior")).isFalse();
    }

    @Test
    void dropsAMalformedBehaviorAnnotationAsKubernetesDoes() {
        ObjectNode v2 = HpaConversion.toV2(withAnnotation(HpaConversion.BEHAVIOR, "garbage"));

        assertThat(v2.path("spec").has("behavior")).isFalse();
        assertThat(v2.path("metadata").has("annotations")).isFalse();
    }
}
