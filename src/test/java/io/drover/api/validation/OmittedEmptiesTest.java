package io.drover.api.validation;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OmittedEmptiesTest {
    private static String dropped(String apiVersion, String kind, String object) {
        return Rewrites.rewritten(object, node -> OmittedEmpties.drop(apiVersion, kind, node));
    }

    @Test
    void aPodTemplatesEmptyStringsListsAndMapsAreUnset() {
        assertThat(dropped("apps/v1", "Deployment", "{'metadata':{'name':'d','annotations':{}},'spec':{'selector':"
                + "{'matchLabels':{'a':'b'},'matchExpressions':[]},'template':{'metadata':{'generation':0,"
                + "'creationTimestamp':null,'labels':{'a':'b'}},'spec':{'nodeSelector':{},'containers':[{'name':'c',"
                + "'workingDir':'','args':[],'env':[{'name':'X','value':''}],'securityContext':{}}],"
                + "'volumes':[{'name':'v','emptyDir':{}}]}}}}"))
                .isEqualTo("{'metadata':{'name':'d'},'spec':{'selector':{'matchLabels':{'a':'b'}},'template':{"
                        + "'metadata':{'labels':{'a':'b'}},'spec':{'containers':[{'name':'c','env':[{'name':'X'}],"
                        + "'securityContext':{}}],'volumes':[{'name':'v','emptyDir':{}}]}}}}");
    }

    @Test
    void anEmptyLabelValueIsAValue() {
        assertThat(dropped("v1", "Pod", "{'metadata':{'labels':{'a':''}},'spec':{'nodeSelector':{'disk':''}}}"))
                .isEqualTo("{'metadata':{'labels':{'a':''}},'spec':{'nodeSelector':{'disk':''}}}");
    }

    @Test
    void anEmptyStringThatMeansSomethingInGoIsKept() {
        assertThat(dropped("v1", "Pod", "{'spec':{'runtimeClassName':'','volumes':[{'name':'v','ephemeral':{"
                + "'volumeClaimTemplate':{'spec':{'storageClassName':''}}}}],'containers':[{'name':'c','readinessProbe':"
                + "{'httpGet':{'path':'','httpHeaders':[{'name':'X','value':''}]}}}]}}"))
                .isEqualTo("{'spec':{'runtimeClassName':'','volumes':[{'name':'v','ephemeral':{'volumeClaimTemplate':{"
                        + "'spec':{'storageClassName':''}}}}],'containers':[{'name':'c','readinessProbe':{'httpGet':{"
                        + "'httpHeaders':[{'name':'X','value':''}]}}}]}}");
    }

    @Test
    void objectsOutsidePodSpecsKeepTheirEmptyValues() {
        // An EndpointSlice port's name is a *string in Go: "" names the unnamed port.
        assertThat(dropped("discovery.k8s.io/v1", "EndpointSlice", "{'addressType':'IPv4','ports':[{'name':'',"
                + "'port':80}]}")).isEqualTo("{'addressType':'IPv4','ports':[{'name':'','port':80}]}");
        assertThat(dropped("v1", "ConfigMap", "{'data':{'k':''}}")).isEqualTo("{'data':{'k':''}}");
    }

    @Test
    void configurationWithoutEntriesHasNoEmptyMaps() {
        assertThat(dropped("v1", "ConfigMap", "{'data':{},'binaryData':{},'immutable':false}"))
                .isEqualTo("{'immutable':false}");
        assertThat(dropped("v1", "Secret", "{'data':{},'stringData':{},'type':'Opaque'}")).isEqualTo("{'type':'Opaque'}");
    }
}
