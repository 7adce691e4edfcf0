package io.drover.api.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.ApiException;
import java.util.List;
import org.junit.jupiter.api.Test;

class BodyKindTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final BodyKind DEPLOYMENT = new BodyKind("apps/v1", "Deployment");

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text.replace('\'', '"'));
    }

    private static List<String> names(JsonNode object) {
        return object.properties().stream().map(java.util.Map.Entry::getKey).toList();
    }

    @Test
    void aBodyThatNamesNeitherTakesBothFirst() throws Exception {
        JsonNode completed = DEPLOYMENT.defaultsOf(json("{'metadata':{'name':'d'},'spec':{}}"));

        assertThat(completed).isEqualTo(json("{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'d'},"
                + "'spec':{}}"));
        assertThat(names(completed)).containsExactly("apiVersion", "kind", "metadata", "spec");
    }

    @Test
    void nullAndEmptyCountAsUnnamedAndWhatIsNamedIsKept() throws Exception {
        assertThat(DEPLOYMENT.defaultsOf(json("{'apiVersion':null,'kind':''}")))
                .isEqualTo(json("{'apiVersion':'apps/v1','kind':'Deployment'}"));
        assertThat(DEPLOYMENT.defaultsOf(json("{'kind':'Pod'}")))
                .isEqualTo(json("{'apiVersion':'apps/v1','kind':'Pod'}"));
        assertThat(DEPLOYMENT.defaultsOf(json("{'apiVersion':'v1'}")))
                .isEqualTo(json("{'apiVersion':'v1','kind':'Deployment'}"));
        ObjectNode whole = (ObjectNode) json("{'kind':'Deployment','apiVersion':'apps/v1'}");
        assertThat(DEPLOYMENT.defaultsOf(whole)).isSameAs(whole);
        assertThat(DEPLOYMENT.defaultsOf(json("[1]"))).isEqualTo(json("[1]"));
    }

    @Test
    void anApplyConfigurationMustNameBoth() throws Exception {
        assertThatThrownBy(() -> BodyKind.requireNamedInApply((ObjectNode) json("{'metadata':{}}")))
                .isInstanceOf(ApiException.class).hasMessage("invalid object type: /, Kind=");
        assertThatThrownBy(() -> BodyKind.requireNamedInApply((ObjectNode) json("{'apiVersion':'apps/v1'}")))
                .hasMessage("invalid object type: apps/v1, Kind=");
        assertThatThrownBy(() -> BodyKind.requireNamedInApply((ObjectNode) json("{'kind':'ConfigMap'}")))
                .hasMessage("invalid object type: /, Kind=ConfigMap");
        BodyKind.requireNamedInApply((ObjectNode) json("{'apiVersion':'v1','kind':'ConfigMap'}"));
    }
}
