package io.drover.api.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
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
    void wordsTheStrictErrorAsTheApiserverDoes() {
        assertThat(FieldValidation.strictErrorMessage("apps/v1", "Deployment", List.of("spec.foo", "spec.bar")))
                .isEqualTo("Deployment in version \"v1\" cannot be handled as a Deployment: strict decoding error: "
                        + "unknown field \"spec.foo\", unknown field \"spec.bar\"");
        assertThat(FieldValidation.strictErrorMessage("v1", "Pod", List.of("x")))
                .isEqualTo("Pod in version \"v1\" cannot be handled as a Pod: strict decoding error: "
                        + "unknown field \"x\"");
    }

    @Test
    void formatsOneWarningHeaderPerField() {
        assertThat(FieldValidation.warningHeader("spec.foo")).isEqualTo("299 - \"unknown field \\\"spec.foo\\\"\"");
    }
}
