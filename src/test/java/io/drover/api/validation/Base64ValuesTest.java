package io.drover.api.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Base64ValuesTest {

    @Test
    void decodesWhatTheJdksEncoderWritesOfEveryLength() throws Exception {
        Random random = new Random(42);
        for (int length = 0; length < 300; length++) {
            byte[] bytes = new byte[length];
            random.nextBytes(bytes);
            assertThat(Base64Values.decode(Base64.getEncoder().encodeToString(bytes))).as("length %d", length)
                    .isEqualTo(bytes);
        }
        assertThat(Base64Values.decode(Base64.getMimeEncoder().encodeToString(new byte[200]))).hasSize(200);
    }

    @Test
    void refusesWithGosOffsets() {
        // Go: base64.StdEncoding.DecodeString's CorruptInputError for each input.
        assertIllegal("!!!!", 0);
        assertIllegal("YWJj!", 4);
        assertIllegal("YWJjZA", 4);
        assertIllegal("YQ=", 3);
        assertIllegal("YQ==YQ==", 4);
        assertIllegal("Y===", 1);
        assertIllegal("\u00e9AAA", 0);
    }

    private static void assertIllegal(String value, int offset) {
        assertThatThrownBy(() -> Base64Values.decode(value)).as(value).isInstanceOf(Base64Values.IllegalBase64.class)
                .hasMessage("illegal base64 data at input byte " + offset);
    }
}
