package io.drover.api.validation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class UnknownFieldsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text.replace('\'', '"'));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void reportsUnknownDeploymentFieldsWithKubernetesPaths() {
        JsonNode deployment = json("""
                {'apiVersion':'apps/v1','kind':'Deployment',
                 'metadata':{'name':'web','labels':{'app':'web','any/key.io':'x'},
                             'annotations':{'kubectl.kubernetes.io/last-applied-configuration':'{}'},
                             'creationTimestamp':'2025-01-01T00:00:00Z'},
                 'spec':{'replicass':2,'selector':{'matchLabels':{'app':'web'}},
                         'strategy':{'type':'RollingUpdate','rollingUpdate':{'maxSurge':'25%','maxUnavailable':1}},
                         'template':{'metadata':{'labels':{'app':'web'}},
                                     'spec':{'containers':[{'name':'web','imagee':'nginx',
                                              'resources':{'limits':{'cpu':'500m','memory':1024}}}]}}},
                 'status':{'replicas':1,'conditions':[{'type':'Available','status':'True',
                           'lastUpdateTime':'2025-01-01T00:00:00Z'}]}}""");

        assertThat(UnknownFields.find("apps/v1", "Deployment", deployment))
                .containsExactly("spec.replicass", "spec.template.spec.containers[0].imagee");
    }

    @Test
    void anEvictionsDeleteOptionsMayNameTheirTypeAsGosTypeMetaAllows() {
        JsonNode eviction = json("""
                {'apiVersion':'policy/v1','kind':'Eviction','metadata':{'name':'p'},
                 'deleteOptions':{'kind':'DeleteOptions','apiVersion':'v1','gracePeriodSeconds':0,'foo':1}}
                """);

        assertThat(UnknownFields.find("policy/v1", "Eviction", eviction)).containsExactly("deleteOptions.foo");
        // Only where Go embeds TypeMeta: elsewhere a nested kind is unknown.
        assertThat(UnknownFields.find("v1", "ConfigMap", json("{'metadata':{'name':'c','kind':'x'}}")))
                .containsExactly("metadata.kind");
    }

    @Test
    void acceptsServiceTargetPortAsStringOrNumber() {
        JsonNode service = json("""
                {'apiVersion':'v1','kind':'Service','metadata':{'name':'web'},
                 'spec':{'selector':{'app':'web'},'ports':[{'port':80,'targetPort':'http'},
                                                           {'port':443,'targetPort':8443,'protocoll':'TCP'}]}}""");

        assertThat(UnknownFields.find("v1", "Service", service)).containsExactly("spec.ports[1].protocoll");
    }

    @Test
    void acceptsAnyKeysInDataMapsAndReportsUnknownTopLevelFields() {
        JsonNode configMap = json("""
                {'apiVersion':'v1','kind':'ConfigMap','metadata':{'name':'c','foo':1},
                 'data':{'a.properties':'x','B_KEY':'y'},'binaryData':{'bin':'AAE='},'spec':{}}""");

        assertThat(UnknownFields.find("v1", "ConfigMap", configMap)).containsExactly("metadata.foo", "spec");
    }

    @Test
    void acceptsTimeFieldsAndManagedFieldsContent() {
        JsonNode pod = json("""
                {'apiVersion':'v1','kind':'Pod',
                 'metadata':{'name':'p','creationTimestamp':'2025-01-01T00:00:00Z','deletionTimestamp':null,
                             'managedFields':[{'manager':'kubectl','operation':'Update','time':'2025-01-01T00:00:00Z',
                                               'fieldsType':'FieldsV1','fieldsV1':{'f:spec':{'f:anything':{}}}}]},
                 'spec':{'containers':[{'name':'c','image':'i'}]},
                 'status':{'startTime':'2025-01-01T00:00:00Z','containerStatuses':[{'name':'c',
                           'state':{'running':{'startedAt':'2025-01-01T00:00:00Z'}}}]}}""");

        assertThat(UnknownFields.find("v1", "Pod", pod)).isEmpty();
    }

    @Test
    void liftsInlineEmbeddedStructsIntoTheirParent() {
        JsonNode pod = json("""
                {'apiVersion':'v1','kind':'Pod','metadata':{'name':'p'},
                 'spec':{'volumes':[{'name':'v','emptyDir':{}},{'name':'w','configMap':{'name':'c'}}],
                         'containers':[{'name':'c','image':'i',
                            'env':[{'name':'E','valueFrom':{'configMapKeyRef':{'name':'c','key':'k'}}}],
                            'livenessProbe':{'httpGet':{'path':'/','port':'http'},'periodSeconds':5},
                            'readinessProbe':{'exec':{'command':['true']},'handler':{}}}]}}""");

        assertThat(UnknownFields.find("v1", "Pod", pod))
                .containsExactly("spec.containers[0].readinessProbe.handler");
    }

    @Test
    void usesTheJsonNameWhereTheProtoNameDiffers() {
        JsonNode request = json("""
                {'apiVersion':'authentication.k8s.io/v1','kind':'TokenRequest',
                 'spec':{'audiences':['a'],'boundObjectRef':{'kind':'Pod','name':'p','uid':'u'}}}""");

        assertThat(UnknownFields.find("authentication.k8s.io/v1", "TokenRequest", request)).isEmpty();
    }

    @Test
    void acceptsHpaV2MetricsWithQuantities() {
        JsonNode hpa = json("""
                {'apiVersion':'autoscaling/v2','kind':'HorizontalPodAutoscaler','metadata':{'name':'h'},
                 'spec':{'scaleTargetRef':{'apiVersion':'apps/v1','kind':'Deployment','name':'d'},'maxReplicas':3,
                         'metrics':[{'type':'Resource','resource':{'name':'memory',
                                     'target':{'type':'AverageValue','averageValue':'100Mi','extra':1}}}]}}""");

        assertThat(UnknownFields.find("autoscaling/v2", "HorizontalPodAutoscaler", hpa))
                .containsExactly("spec.metrics[0].resource.target.extra");
    }

    @Test
    void knowsNothingAboutUnknownKinds() {
        JsonNode widget = json("{'apiVersion':'example.com/v1','kind':'Widget','spec':{'anything':1}}");

        assertThat(UnknownFields.find("example.com/v1", "Widget", widget)).isEmpty();
        assertThat(UnknownFields.find("v1", "Nope", widget)).isEmpty();
    }

    @Test
    void ignoresValuesOfTheWrongJsonType() {
        JsonNode deployment = json("{'apiVersion':'apps/v1','kind':'Deployment','spec':{'template':[1],'replicas':{}}}");

        assertThat(UnknownFields.find("apps/v1", "Deployment", deployment)).isEmpty();
    }
}
