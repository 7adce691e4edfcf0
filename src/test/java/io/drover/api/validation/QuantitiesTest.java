package io.drover.api.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drover.json.Mappers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Quantities as Kubernetes parses and prints them: the cases of apimachinery's quantity tests. */
class QuantitiesTest {
    private static final ObjectMapper JSON = Mappers.json();

    @ParameterizedTest
    @CsvSource({
        "0, 0", "0Ki, 0", "0m, 0", "1, 1", "1Ki, 1Ki", "1Mi, 1Mi", "1Gi, 1Gi", "1024Mi, 1Gi", "1000M, 1G",
        ".001Ki, 1024m", ".000001Ki, 1024u", ".000000001Ki, 1024n", ".000000000001Ki, 2n",
        "-1024Mi, -1Gi", "-.001Ki, -1024m",
        "0.5, 500m", "2000m, 2", "1000, 1k", "1500, 1500", "1.5Gi, 1536Mi", "0.5Mi, 512Ki", "0.1Ki, 102400m",
        "1023, 1023", "1024, 1024", "50k, 50k", "100.035k, 100035", "10.035M, 10035k", "1.5G, 1500M",
        "1e3, 1e3", "1E6, 1e6", "1E-3, 1e-3", "1.2e3, 1200", "1.3E+6, 1300e3", "0.5e-1, 50e-3",
        "3.001n, 4n", "1.1E-9, 2e-9", "0.0000000001, 1n", "0.00000012345, 124n", "1., 1", "1.G, 1G",
        "-0.5, -500m", "+1, 1", "12E, 12E", "007, 7"
    })
    void printsTheCanonicalForm(String in, String canonical) {
        assertThat(Quantities.canonical(in)).isEqualTo(canonical);
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.1.M", "1+1.0M", "0.1am", "aoeu", " 1", "1 ", ""})
    void refusesWhatDoesNotMatchTheSyntax(String in) {
        assertThatThrownBy(() -> Quantities.canonical(in)).hasMessage(
                "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
    }

    @Test
    void extremeExponentsAreCheapAndNeverAServerError() {
        assertThat(Quantities.canonical("1e-300000000")).isEqualTo("1e-9");
        assertThat(Quantities.canonical("1.5e-2147483647")).isEqualTo("1e-9");
        assertThat(Quantities.canonical("-1e-300000000")).isEqualTo("-1e-9");
        assertThat(Quantities.canonical("1e2147483647")).isEqualTo("10e2147483646"); // the exponent goes down to a multiple of 3
        assertThat(Quantities.canonical("9Ei")).isEqualTo("9223372036854775807");
        assertThatThrownBy(() -> Quantities.canonical("1e99999999999")).hasMessage("unable to parse quantity's suffix");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.1mi", ".5i", "1i", "-3.01i", "-3.01e-", "1K", "5kk", "1Mm"})
    void refusesAnUnknownSuffix(String in) {
        assertThatThrownBy(() -> Quantities.canonical(in)).hasMessage("unable to parse quantity's suffix");
    }

    @Test
    void aPodsQuantitiesAreStoredCanonicalAndAsStrings() throws Exception {
        JsonNode pod = JSON.readTree("""
                {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "labels": {"cpu": "0.5"}},
                 "spec": {"containers": [{"name": "c", "resources": {"requests": {"cpu": 0.5, "memory": "1024Mi"},
                   "limits": {"cpu": 1, "memory": "1.5Gi"}}}],
                   "volumes": [{"name": "v", "emptyDir": {"sizeLimit": "1000M"}}], "overhead": {"cpu": "250m"}}}
                """);

        CanonicalValues.canonicalize("v1", "Pod", pod);

        assertThat(pod.at("/spec/containers/0/resources")).isEqualTo(JSON.readTree(
                "{\"requests\": {\"cpu\": \"500m\", \"memory\": \"1Gi\"}, \"limits\": {\"cpu\": \"1\", \"memory\": \"1536Mi\"}}"));
        assertThat(pod.at("/spec/volumes/0/emptyDir/sizeLimit").asText()).isEqualTo("1G");
        assertThat(pod.at("/spec/overhead/cpu").asText()).isEqualTo("250m");
        // Only quantities: a label that reads like one stays as it is.
        assertThat(pod.at("/metadata/labels/cpu").asText()).isEqualTo("0.5");
    }

    @Test
    void aQuantityWithAnUnknownSuffixIsADecodingError() throws Exception {
        JsonNode pod = JSON.readTree("""
                {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
                 "spec": {"containers": [{"name": "c", "resources": {"requests": {"memory": "1K"}}}]}}
                """);

        assertThat(FieldTypes.decodingError("v1", "Pod", pod))
                .hasValue("Pod in version \"v1\" cannot be handled as a Pod: unable to parse quantity's suffix");
    }
}
