package io.drover.api.validation;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ZeroValuesTest {
    private static String filled(String apiVersion, String kind, String object) {
        return Rewrites.rewritten(object, node -> ZeroValues.fill(apiVersion, kind, node));
    }

    @Test
    void aNullInAListOfStructsIsTheEmptyStruct() {
        assertThat(filled("v1", "Pod", "{'spec':{'tolerations':[null,{'operator':'Exists'}],"
                + "'containers':[{'name':'c','env':[null],'args':[null,'a'],'ports':[{'containerPort':1}]}]}}"))
                .isEqualTo("{'spec':{'tolerations':[{},{'operator':'Exists'}],"
                        + "'containers':[{'name':'c','env':[{}],'args':['','a'],'ports':[{'containerPort':1}]}]}}");
    }

    @Test
    void aNullInAMapIsItsValuesZero() {
        assertThat(filled("v1", "ConfigMap", "{'metadata':{'labels':{'a':null}},'data':{'k':null},"
                + "'binaryData':{'b':null}}"))
                .isEqualTo("{'metadata':{'labels':{'a':''}},'data':{'k':''},'binaryData':{'b':''}}");
        assertThat(filled("v1", "Pod", "{'spec':{'containers':[{'resources':{'limits':{'cpu':null}}}]}}"))
                .isEqualTo("{'spec':{'containers':[{'resources':{'limits':{'cpu':'0'}}}]}}");
    }

    @Test
    void nullFieldsAndTypesWithTheirOwnJsonAreLeftAlone() {
        String object = "{'metadata':{'name':null,'deletionTimestamp':null},'spec':{'nodeName':null,"
                + "'containers':null}}";
        assertThat(filled("v1", "Pod", object)).isEqualTo(object);
        String apply = "{'metadata':{'managedFields':[{'fieldsV1':{'f:data':{'f:a':null}}}]}}";
        assertThat(filled("v1", "ConfigMap", apply)).isEqualTo(apply);
        assertThat(filled("example.com/v1", "Widget", "{'spec':{'items':[null]}}"))
                .isEqualTo("{'spec':{'items':[null]}}");
    }

    @Test
    void aUsersExtraValuesAreWalkedAsTheArraysTheyAre() {
        assertThat(filled("authorization.k8s.io/v1", "SubjectAccessReview", "{'spec':{'extra':{'a':[null,'x'],'b':null}}}"))
                .isEqualTo("{'spec':{'extra':{'a':['','x'],'b':null}}}");
    }
}
