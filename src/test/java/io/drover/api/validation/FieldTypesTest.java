package io.drover.api.validation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class FieldTypesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text.replace('\'', '"'));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static String error(String apiVersion, String kind, String object) {
        return FieldTypes.decodingError(apiVersion, kind, json(object)).orElse(null);
    }

    @Test
    void aWellTypedDeploymentWithEverySpecialTypePasses() {
        assertThat(error("apps/v1", "Deployment", """
                {'apiVersion':'apps/v1','kind':'Deployment',
                 'metadata':{'name':'web','labels':{'app':'web'},'creationTimestamp':'2025-01-01T00:00:00Z',
                             'deletionTimestamp':null,'managedFields':[{'manager':'m','fieldsV1':{'f:spec':{}}}]},
                 'spec':{'replicas':2,'paused':false,'selector':{'matchLabels':{'app':'web'}},
                         'strategy':{'type':'RollingUpdate','rollingUpdate':{'maxSurge':'25%','maxUnavailable':1}},
                         'template':{'metadata':{'labels':{'app':'web'}},
                                     'spec':{'terminationGracePeriodSeconds':30,
                                             'volumes':[{'name':'v','emptyDir':{'sizeLimit':'1Gi'}}],
                                             'containers':[{'name':'web','image':'nginx','args':['a'],
                                              'ports':[{'containerPort':80}],
                                              'readinessProbe':{'httpGet':{'port':'http','path':'/'}},
                                              'resources':{'limits':{'cpu':'500m','memory':1024}}}]}}},
                 'unknown':[1]}""")).isNull();
    }

    @Test
    void aLabelThatIsNotAStringIsRefusedAsKubernetesRefusesIt() {
        assertThat(error("v1", "ConfigMap", "{'metadata':{'name':'x','labels':{'a':1}}}")).isEqualTo(
                "ConfigMap in version \"v1\" cannot be handled as a ConfigMap: json: cannot unmarshal number into "
                        + "Go struct field ObjectMeta.metadata.labels of type string");
        assertThat(error("v1", "ConfigMap", "{'metadata':{'name':'x','labels':[]}}")).isEqualTo(
                "ConfigMap in version \"v1\" cannot be handled as a ConfigMap: json: cannot unmarshal array into "
                        + "Go struct field ObjectMeta.metadata.labels of type map[string]string");
        assertThat(error("v1", "ConfigMap", "{'metadata':[]}")).endsWith(
                "json: cannot unmarshal array into Go struct field ConfigMap.metadata of type v1.ObjectMeta");
    }

    @Test
    void numbersMustFitTheirIntegerType() {
        assertThat(error("apps/v1", "Deployment", "{'spec':{'replicas':'abc'}}")).isEqualTo(
                "Deployment in version \"v1\" cannot be handled as a Deployment: json: cannot unmarshal string "
                        + "into Go struct field DeploymentSpec.spec.replicas of type int32");
        assertThat(error("apps/v1", "Deployment", "{'spec':{'replicas':99999999999999999999}}")).endsWith(
                "json: cannot unmarshal number 99999999999999999999 into Go struct field "
                        + "DeploymentSpec.spec.replicas of type int32");
        assertThat(error("apps/v1", "Deployment", "{'spec':{'replicas':1.5}}")).endsWith(
                "json: cannot unmarshal number 1.5 into Go struct field DeploymentSpec.spec.replicas of type int32");
    }

    @Test
    void nestedListsAreNamedWithoutIndices() {
        assertThat(error("v1", "Pod", "{'spec':{'containers':[{'name':'a'},{'name':'b','ports':[{'containerPort':"
                + "'80'}]}]}}")).endsWith("json: cannot unmarshal string into Go struct field "
                        + "ContainerPort.spec.containers.ports.containerPort of type int32");
        assertThat(error("v1", "Pod", "{'spec':{'containers':{'name':'a'}}}")).endsWith(
                "json: cannot unmarshal object into Go struct field PodSpec.spec.containers of type []v1.Container");
        assertThat(error("v1", "Pod", "{'spec':{'containers':[{'name':'a','command':'sleep 1'}]}}")).endsWith(
                "json: cannot unmarshal string into Go struct field Container.spec.containers.command of type "
                        + "[]string");
    }

    @Test
    void aQuantityMustBeOne() {
        assertThat(error("v1", "Pod", "{'spec':{'containers':[{'name':'a','resources':{'limits':{'cpu':'abc'}}}]}}"))
                .isEqualTo("Pod in version \"v1\" cannot be handled as a Pod: quantities must match the regular "
                        + "expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
        assertThat(error("v1", "Pod", "{'spec':{'containers':[{'name':'a','resources':{'limits':{'cpu':[1]}}}]}}"))
                .endsWith(FieldTypes.QUANTITY_FORMAT_ERROR);
        assertThat(error("v1", "ResourceQuota", "{'spec':{'hard':{'pods':'10','cpu':4,'memory':'1.5Gi'}}}"))
                .isNull();
    }

    @Test
    void intOrStringTakesEitherButNothingElse() {
        assertThat(error("v1", "Service", "{'spec':{'ports':[{'port':80,'targetPort':'http'},{'port':81,"
                + "'targetPort':8081}]}}")).isNull();
        assertThat(error("v1", "Service", "{'spec':{'ports':[{'port':80,'targetPort':true}]}}")).endsWith(
                "json: cannot unmarshal bool into Go struct field ServicePort.spec.ports.targetPort of type "
                        + "intstr.IntOrString");
    }

    @Test
    void secretDataIsBytesAndTypeMetaIsStrings() {
        assertThat(error("v1", "Secret", "{'data':{'a':'YQ=='}}")).isNull();
        assertThat(error("v1", "Secret", "{'data':{'a':1}}")).endsWith(
                "json: cannot unmarshal number into Go struct field Secret.data of type []uint8");
        assertThat(error("v1", "Secret", "{'kind':7}")).endsWith(
                "json: cannot unmarshal number into Go struct field TypeMeta.kind of type string");
    }

    @Test
    void bytesAreBase64AndTimesAreReadAsGoReadsThem() {
        assertThat(error("v1", "ConfigMap", "{'binaryData':{'a':'YQ==','b':'!!!'}}")).isEqualTo(
                "ConfigMap in version \"v1\" cannot be handled as a ConfigMap: illegal base64 data at input byte 0");
        assertThat(error("v1", "Pod", "{'status':{'conditions':[{'lastTransitionTime':'2024-01-01T00:00:00Z'},"
                + "{'lastTransitionTime':'yesterday'}]}}")).isEqualTo("Pod in version \"v1\" cannot be handled as a "
                        + "Pod: parsing time \"yesterday\" as \"2006-01-02T15:04:05Z07:00\": cannot parse "
                        + "\"yesterday\" as \"2006\"");
        assertThat(error("coordination.k8s.io/v1", "Lease", "{'spec':{'renewTime':'2024-01-01T00:00:00.000000Z',"
                + "'acquireTime':'2024-01-01T00:00:00.5Z'}}")).endsWith(
                        "cannot parse \".5Z\" as \".000000\"");
    }

    @Test
    void aKindWithoutADescriptorIsNotChecked() {
        assertThat(error("example.com/v1", "Widget", "{'spec':{'replicas':'abc'}}")).isNull();
    }

    @Test
    void aUsersExtraIsAMapOfStringArraysAsGoReadsItsNamedSlice() {
        assertThat(error("authorization.k8s.io/v1", "SubjectAccessReview", "{'spec':{'user':'u',"
                + "'extra':{'authentication.kubernetes.io/credential-id':['JTI=abc'],'empty':[],'nil':null},"
                + "'resourceAttributes':{'verb':'get','resource':'pods'}}}")).isNull();
        assertThat(error("authorization.k8s.io/v1", "LocalSubjectAccessReview", "{'spec':{'extra':{'k':['a',null]}}}"))
                .isNull();
        assertThat(error("authentication.k8s.io/v1", "TokenReview", "{'spec':{'token':'t'},"
                + "'status':{'user':{'username':'u','extra':{'k':['a','b']}}}}")).isNull();
        assertThat(error("authorization.k8s.io/v1", "SubjectAccessReview", "{'spec':{'extra':{'k':{'items':['a']}}}}"))
                .endsWith("json: cannot unmarshal object into Go struct field SubjectAccessReviewSpec.spec.extra of type "
                        + "v1.ExtraValue");
        assertThat(error("authorization.k8s.io/v1", "SubjectAccessReview", "{'spec':{'extra':{'k':[1]}}}"))
                .endsWith("json: cannot unmarshal number into Go struct field SubjectAccessReviewSpec.spec.extra of type "
                        + "string");
        assertThat(error("authorization.k8s.io/v1", "SubjectAccessReview", "{'spec':{'extra':['a']}}"))
                .endsWith("json: cannot unmarshal array into Go struct field SubjectAccessReviewSpec.spec.extra of type "
                        + "map[string]v1.ExtraValue");
    }
}
