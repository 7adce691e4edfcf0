package io.drover.api.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drover.api.ApiException;
import org.junit.jupiter.api.Test;

/** Numbers in list requests as Go's strconv reads them, not as Long.parseLong does. */
class GoIntegersTest {

    @Test
    void aSignedIntegerTakesASignAndAsciiDigitsOnly() {
        assertThat(GoIntegers.parseInt64("+5")).hasValue(5);
        assertThat(GoIntegers.parseInt64("-5")).hasValue(-5);
        assertThat(GoIntegers.parseInt64("\u0663")).isEmpty(); // ARABIC-INDIC DIGIT THREE: Long.parseLong reads 3
        assertThat(GoIntegers.parseInt64("9223372036854775808")).isEmpty();
        assertThat(GoIntegers.parseInt64("")).isEmpty();
    }

    @Test
    void aResourceVersionIsAnUnsignedAsciiNumber() {
        assertThat(ListOptions.revision("42")).isEqualTo(42);
        for (String bad : new String[] {"+5", "-1", "\u0663", " 5", "5a"}) {
            assertThatThrownBy(() -> ListOptions.revision(bad)).as(bad).isInstanceOf(ApiException.class)
                    .hasMessage("invalid resource version: " + bad);
        }
    }
}
