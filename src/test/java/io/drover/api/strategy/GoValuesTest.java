package io.drover.api.strategy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class GoValuesTest {

    @Test
    void quoteEscapesAsGoStrconvQuoteDoes() {
        // strconv.Quote: the named escapes, \xNN for other control bytes and DEL, printable text as is.
        assertThat(GoValues.quote("a\"b\\c")).isEqualTo("\"a\\\"b\\\\c\"");
        assertThat(GoValues.quote("\u0007\b\f\n\r\t\u000b")).isEqualTo("\"\\a\\b\\f\\n\\r\\t\\v\"");
        assertThat(GoValues.quote("\u0001\u001f\u007f")).isEqualTo("\"\\x01\\x1f\\x7f\"");
        assertThat(GoValues.quote("ünï")).isEqualTo("\"ünï\"");
    }

    @Test
    void plusVPrintsADecodedPatchAsGoFmtPrintsAMap() throws Exception {
        // fmt's %+v of map[string]interface{} from sigs.k8s.io/json: sorted keys, bare strings, ints kept.
        assertThat(GoValues.plusV(new ObjectMapper().readTree(
                "{\"spec\":{\"replicas\":\"abc\",\"b\":[1,2.5,true,null],\"a\":{}}}")))
                .isEqualTo("map[spec:map[a:map[] b:[1 2.5 true <nil>] replicas:abc]]");
        assertThat(GoValues.float64(1e21)).isEqualTo("1e+21");
        assertThat(GoValues.float64(123456789.5)).isEqualTo("123456789.5");
        assertThat(GoValues.float64(0.00001)).isEqualTo("1e-05");
        assertThat(GoValues.float64(-2.5e-7)).isEqualTo("-2.5e-07");
    }
}
