package io.drover.api.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Convert_Slice_string_To_bool: only "0" and "false" (any case) are false; "" and "f" are true. */
class QueryBooleansTest {
    @Test
    void readsQueryBooleansAsApimachinerysConversionDoes() {
        assertThat(QueryBooleans.parse(null)).isNull();
        for (String no : new String[] {"0", "false", "FaLsE"}) {
            assertThat(QueryBooleans.parse(no)).as(no).isFalse();
        }
        for (String yes : new String[] {"", "1", "true", "f", "F", "no", "maybe"}) {
            assertThat(QueryBooleans.parse(yes)).as(yes).isTrue();
        }
    }
}
