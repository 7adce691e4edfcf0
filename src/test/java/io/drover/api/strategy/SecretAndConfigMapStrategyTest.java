package io.drover.api.strategy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.ApiException.Cause;
import java.util.List;
import org.junit.jupiter.api.Test;

class SecretAndConfigMapStrategyTest {
    private final SecretStrategy secrets = new SecretStrategy();
    private final ConfigMapStrategy configMaps = new ConfigMapStrategy();

    private ObjectNode secret(String body) {
        ObjectNode s = Json.parse("{metadata: {name: 's'}, " + body + "}");
        secrets.applyDefaults(s);
        return s;
    }

    private static final String KEY_MESSAGE = "a valid config key must consist of alphanumeric characters, '-', '_' "
            + "or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')";

    @Test
    void secretsAreOpaqueByDefaultAndStringDataIsMergedIntoData() {
        ObjectNode s = secret("data: {a: 'eA=='}, stringData: {b: 'hi', a: 'y'}");
        assertThat(s.path("type").asText()).isEqualTo("Opaque");
        assertThat(s.has("stringData")).isFalse();
        assertThat(s.get("data")).isEqualTo(Json.parse("{a: 'eQ==', b: 'aGk='}"));
        assertThat(secret("type: 'kubernetes.io/tls', data: {'tls.crt': '', 'tls.key': ''}").path("type").asText())
                .isEqualTo("kubernetes.io/tls");
    }

    @Test
    void secretKeysAndValuesAreChecked() {
        assertThat(secrets.validateCreate(secret("data: {'ok.key': 'aGVsbG8=', other: ''}"))).isEmpty();
        assertThat(Json.printed(secrets.validateCreate(secret("data: {'bad key': 'eA=='}")))).containsExactly(
                "data[bad key]: Invalid value: \"bad key\": " + KEY_MESSAGE);
        assertThat(Json.printed(secrets.validateCreate(secret("data: {'..x': 'eA=='}")))).containsExactly(
                "data[..x]: Invalid value: \"..x\": must not start with '..'");
        assertThat(Json.printed(secrets.validateCreate(secret("data: {a: 'not base64!'}")))).containsExactly(
                "data[a]: Invalid value: \"<secret contents redacted>\": illegal base64 data at input byte 3");
        assertThat(Json.printed(secrets.validateCreate(secret("data: {a: 'abcdab'}")))).containsExactly(
                "data[a]: Invalid value: \"<secret contents redacted>\": illegal base64 data at input byte 4");
    }

    @Test
    void secretTypesRequireTheirKeys() {
        assertThat(Json.printed(secrets.validateCreate(secret("type: 'kubernetes.io/tls', data: {}")))).containsExactly(
                "data[tls.crt]: Required value", "data[tls.key]: Required value");
        assertThat(Json.printed(secrets.validateCreate(secret("type: 'kubernetes.io/dockerconfigjson'"))))
                .containsExactly("data[.dockerconfigjson]: Required value");
        assertThat(Json.printed(secrets.validateCreate(secret("type: 'kubernetes.io/dockercfg'"))))
                .containsExactly("data[.dockercfg]: Required value");
        // The content must unmarshal into a map, with Go's errors (ValidateSecret).
        assertThat(Json.printed(secrets.validateCreate(secret("type: 'kubernetes.io/dockercfg', data: {'.dockercfg': 'W10='}"))))
                .containsExactly("data[.dockercfg]: Invalid value: \"<secret contents redacted>\": "
                        + "json: cannot unmarshal array into Go value of type map[string]interface {}");
        assertThat(Json.printed(secrets.validateCreate(secret("type: 'kubernetes.io/dockerconfigjson',"
                + " data: {'.dockerconfigjson': 'eHl6'}")))).containsExactly("data[.dockerconfigjson]: Invalid value: "
                        + "\"<secret contents redacted>\": invalid character 'x' looking for beginning of value");
        assertThat(Json.printed(secrets.validateCreate(secret("type: 'kubernetes.io/dockerconfigjson',"
                + " data: {'.dockerconfigjson': 'eyJhdXRocyI6IHs='}")))).containsExactly("data[.dockerconfigjson]: Invalid value: "
                        + "\"<secret contents redacted>\": unexpected end of JSON input");
        assertThat(secrets.validateCreate(secret("type: 'kubernetes.io/dockerconfigjson',"
                + " data: {'.dockerconfigjson': 'eyJhdXRocyI6IHt9fQ=='}"))).isEmpty();
    }

    @Test
    void secretTypeNeverChangesAndImmutableSecretsKeepTheirData() {
        ObjectNode old = secret("data: {a: 'eA=='}");
        assertThat(Json.printed(secrets.validateUpdate(old, secret("type: 'kubernetes.io/tls', data: {'tls.crt': '',"
                + " 'tls.key': ''}")))).containsExactly("type: Invalid value: \"kubernetes.io/tls\": field is immutable");
        ObjectNode frozen = secret("immutable: true, data: {a: 'eA=='}");
        assertThat(secrets.validateUpdate(frozen, secret("immutable: true, data: {a: 'eA=='}, metadata: {name: 's',"
                + " labels: {x: 'y'}}"))).isEmpty();
        List<Cause> causes = secrets.validateUpdate(frozen, secret("data: {a: 'eQ=='}"));
        assertThat(Json.printed(causes)).containsExactly(
                "immutable: Forbidden: field is immutable when `immutable` is set",
                "data: Forbidden: field is immutable when `immutable` is set");
        assertThat(causes).extracting(Cause::reason).containsOnly("FieldValueForbidden");
    }

    @Test
    void configMapKeysAreCheckedAndMayNotRepeatAcrossDataAndBinaryData() {
        assertThat(configMaps.validateCreate(Json.parse("{data: {'app.properties': 'a=b'}, binaryData: {bin: 'AA=='}}")))
                .isEmpty();
        assertThat(Json.printed(configMaps.validateCreate(Json.parse("{data: {'a/b': 'x'}}")))).containsExactly(
                "data[a/b]: Invalid value: \"a/b\": " + KEY_MESSAGE);
        assertThat(Json.printed(configMaps.validateCreate(Json.parse("{data: {k: 'x'}, binaryData: {k: 'AA=='}}"))))
                .containsExactly("data[k]: Invalid value: \"k\": duplicate of key present in binaryData");
        assertThat(Json.printed(configMaps.validateCreate(Json.parse("{data: {k: '" + "x".repeat(1024 * 1024 + 1)
                + "'}}")))).containsExactly("[]: Too long: may not be more than 1048576 bytes");
    }

    @Test
    void immutableConfigMapsKeepTheirData() {
        ObjectNode frozen = Json.parse("{immutable: true, data: {a: '1'}}");
        assertThat(configMaps.validateUpdate(frozen, Json.parse("{immutable: true, data: {a: '1'}}"))).isEmpty();
        assertThat(Json.printed(configMaps.validateUpdate(frozen, Json.parse("{immutable: true, data: {a: '2'}}"))))
                .containsExactly("data: Forbidden: field is immutable when `immutable` is set");
        assertThat(configMaps.validateUpdate(Json.parse("{data: {a: '1'}}"), Json.parse("{data: {a: '2'}}"))).isEmpty();
    }
}
