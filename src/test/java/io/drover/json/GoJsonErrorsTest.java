package io.drover.json;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** What Go's encoding/json says of text unmarshalled into a map (a docker config Secret's content). */
class GoJsonErrorsTest {
    private static String intoMap(String text) {
        return GoJsonErrors.intoMap(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void anObjectOrNullUnmarshalsWhatFollowsItMayBeOnlyWhiteSpace() {
        assertThat(intoMap("{\"a\":1}")).isNull();
        assertThat(intoMap("null \n")).isNull();
        assertThat(intoMap("{\"a\":1}x")).isEqualTo("invalid character 'x' after top-level value");
        assertThat(intoMap("{\"a\":1} {\"b\":2}")).isEqualTo("invalid character '{' after top-level value");
        assertThat(intoMap("[1]")).isEqualTo("json: cannot unmarshal array into Go value of type map[string]interface {}");
        assertThat(intoMap("")).isEqualTo("unexpected end of JSON input");
        assertThat(intoMap("{\"a\":")).isEqualTo("unexpected end of JSON input");
    }

    @Test
    void aByteOrderMarkStartsNoValueAndBytesThatAreNotUtf8InAStringAreReplaced() {
        assertThat(GoJsonErrors.intoMap(new byte[] {(byte) 0xef, (byte) 0xbb, (byte) 0xbf, '{', '}'}))
                .isEqualTo("invalid character 'ï' looking for beginning of value");
        assertThat(GoJsonErrors.intoMap(new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xff, '"', '}'})).isNull();
    }
}
