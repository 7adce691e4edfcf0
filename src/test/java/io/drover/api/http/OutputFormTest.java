package io.drover.api.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OutputFormTest {
    private static final String KUBECTL_GET = "application/json;as=Table;v=v1;g=meta.k8s.io,"
            + "application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json";
    private static final String METADATA_CLIENT = "application/vnd.kubernetes.protobuf;as=PartialObjectMetadataList;"
            + "g=meta.k8s.io;v=v1,application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json";

    @Test
    void kubectlGetGetsAV1Table() {
        assertThat(OutputForm.negotiate(KUBECTL_GET, false)).isEqualTo(new OutputForm(false, "Table", "v1"));
    }

    @Test
    void plainJsonAndTheTypedClientsAcceptGetObjects() {
        assertThat(OutputForm.negotiate("application/json", false)).isEqualTo(OutputForm.JSON);
        assertThat(OutputForm.negotiate(null, false)).isEqualTo(OutputForm.JSON);
        assertThat(OutputForm.negotiate("", false)).isEqualTo(OutputForm.JSON);
        assertThat(OutputForm.negotiate("application/vnd.kubernetes.protobuf,application/json", false))
                .isEqualTo(OutputForm.JSON);
        assertThat(OutputForm.negotiate("*/*", false)).isEqualTo(OutputForm.JSON);
    }

    @Test
    void malformedHeadersAreReadAsNoPreference() {
        for (String accept : new String[] {";", ";;;", ",", "/", "a/", "/b", ";q=1", "application/json;q=x"}) {
            assertThat(OutputForm.negotiate(accept, false)).as(accept).isEqualTo(OutputForm.JSON);
        }
    }

    @Test
    void tableParametersMayComeInAnyOrderWithSpacesAndV1beta1IsServed() {
        assertThat(OutputForm.negotiate("application/json; g=meta.k8s.io; v=v1; as=Table", false).table()).isTrue();
        assertThat(OutputForm.negotiate("application/json;as=Table;v=v1beta1;g=meta.k8s.io", false))
                .isEqualTo(new OutputForm(false, "Table", "v1beta1"));
    }

    @Test
    void theMostPreferredRangeDecidesAndUnservedConversionsArePassedOver() {
        assertThat(OutputForm.negotiate("application/json, application/json;v=v1;as=Table;g=meta.k8s.io", false))
                .isEqualTo(OutputForm.JSON);
        assertThat(OutputForm.negotiate("application/json;as=Table;v=v2;g=meta.k8s.io,application/json", false))
                .isEqualTo(OutputForm.JSON);
        assertThat(OutputForm.negotiate("application/json;as=Foo;v=v1;g=meta.k8s.io,"
                + "application/json;as=Table;v=v1;g=meta.k8s.io", false).table()).isTrue();
        assertThat(OutputForm.negotiate("application/json;q=0.5,application/json;as=Table;v=v1;g=meta.k8s.io", false)
                .table()).isTrue();
    }

    @Test
    void yamlIsAnsweredAsYamlExceptForWatches() {
        assertThat(OutputForm.negotiate("application/yaml", false).yaml()).isTrue();
        assertThat(OutputForm.negotiate("application/yaml;as=Table;v=v1;g=meta.k8s.io", false))
                .isEqualTo(new OutputForm(true, "Table", "v1"));
        assertThat(OutputForm.negotiate("application/yaml", true)).isEqualTo(OutputForm.JSON);
        assertThat(OutputForm.negotiate("application/json, application/yaml", false).yaml()).isFalse();
    }

    @Test
    void partialObjectMetadataIsRecognisedForObjectsAndLists() {
        assertThat(OutputForm.negotiate(METADATA_CLIENT, false).partialMetadata()).isTrue();
        assertThat(OutputForm.negotiate("application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1", true)
                .partialMetadata()).isTrue();
        assertThat(OutputForm.negotiate(KUBECTL_GET, false).partialMetadata()).isFalse();
    }
}
