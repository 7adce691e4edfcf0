package io.drover.api.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class FieldValidationTest {

    @Test
    void parsesKubernetesValuesExactly() {
        assertThat(FieldValidation.parse("Strict")).isEqualTo(FieldValidation.STRICT);
        assertThat(FieldValidation.parse("Warn")).isEqualTo(FieldValidation.WARN);
        assertThat(FieldValidation.parse("Ignore")).isEqualTo(FieldValidation.IGNORE);
        // kube-apiserver's ValidateFieldValidation compares exactly: kubectl sends these spellings.
        assertThatThrownBy(() -> FieldValidation.parse("strict")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void defaultsToWarn() {
        assertThat(FieldValidation.parse(null)).isEqualTo(FieldValidation.WARN);
        assertThat(FieldValidation.parse("")).isEqualTo(FieldValidation.WARN);
    }

    @Test
    void rejectsOtherValuesNamingTheSupportedOnes() {
        assertThatThrownBy(() -> FieldValidation.parse("Loose"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Unsupported value: \"Loose\": supported values: \"\", \"Ignore\", \"Strict\", \"Warn\"");
    }

    @Test
    void formatsOneWarningHeaderPerField() {
        assertThat(FieldValidation.warningHeader("unknown field \"spec.foo\"")).isEqualTo("299 - \"unknown field \\\"spec.foo\\\"\"");
    }
}
