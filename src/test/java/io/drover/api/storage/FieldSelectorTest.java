package io.drover.api.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.drover.api.ApiException;
import org.junit.jupiter.api.Test;

/** fieldSelector parsing as apimachinery's fields.ParseSelector does it (pkg/fields/selector.go). */
class FieldSelectorTest {
    @Test
    void escapedCommasAndEqualsBelongToTheValue() throws Exception {
        FieldSelector selector = FieldSelector.parse("metadata.name=a\\,b\\=c\\\\d");
        assertThat(selector.terms()).containsExactly(new FieldSelector.Term("metadata.name", true, "a,b=c\\d"));
        assertThat(selector.matches(new ObjectMapper().readTree("{\"metadata\":{\"name\":\"a,b=c\\\\d\"}}"))).isTrue();
    }

    @Test
    void termsAreSortedEmptyOnesSkippedAndNothingTrimmed() {
        assertThat(FieldSelector.parse("status.phase!=Failed,,metadata.name==x,").terms()).containsExactly(
                new FieldSelector.Term("metadata.name", true, "x"), new FieldSelector.Term("status.phase", false, "Failed"));
        assertThat(FieldSelector.parse("status.phase = Running").terms())
                .containsExactly(new FieldSelector.Term("status.phase ", true, " Running"));
    }

    @Test
    void badTermsAreRefusedInApimachinerysWords() {
        assertRefused("abc", "invalid selector: 'abc'; can't understand 'abc'");
        assertRefused("metadata.name=a=b", "invalid field selector: unescaped character in value: 61");
        assertRefused("metadata.name=a,b", "invalid selector: 'metadata.name=a,b'; can't understand 'b'");
        assertRefused("metadata.name=a\\b", "invalid field selector: invalid escape sequence: \\b");
        assertRefused("metadata.name=a\\", "invalid field selector: invalid escape sequence: \\");
    }

    private static void assertRefused(String selector, String message) {
        assertThatThrownBy(() -> FieldSelector.parse(selector)).as(selector)
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.code()).isEqualTo(400);
                    assertThat(e.getMessage()).isEqualTo(message);
                });
    }
}
