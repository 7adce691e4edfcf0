package io.drover.api.strategy;

import static org.assertj.core.api.Assertions.assertThat;

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
}
