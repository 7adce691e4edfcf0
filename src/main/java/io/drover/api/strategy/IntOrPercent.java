package io.drover.api.strategy;

import com.fasterxml.jackson.databind.JsonNode;
import io.drover.api.ApiException.Cause;
import java.util.ArrayList;
import java.util.List;

/** The IntOrString checks of pkg/apis/apps/validation that Deployments and PodDisruptionBudgets share. */
final class IntOrPercent {
    private IntOrPercent() {}

    /** Kubernetes' {@code ValidatePositiveIntOrPercent}: a number at least 0 or a percentage. */
    static List<Cause> positive(JsonNode value, String field) {
        if (value == null || value.isNull()) {
            return List.of();
        }
        List<Cause> causes = new ArrayList<>();
        if (value.isTextual()) {
            NameRules.percent(value.asText()).forEach(m -> causes.add(Causes.invalid(field, value.asText(), m)));
        } else if (value.asLong() < 0) {
            causes.add(Causes.invalid(field, value.asText(), "must be greater than or equal to 0"));
        }
        return causes;
    }

    /** Kubernetes' {@code IsNotMoreThan100Percent}: a percentage at most 100%. */
    static List<Cause> notMoreThan100Percent(JsonNode value, String field) {
        if (value != null && value.isTextual() && NameRules.percent(value.asText()).isEmpty()
                && Long.parseLong(value.asText().replace("%", "")) > 100) {
            return List.of(Causes.invalid(field, value.asText(), "must not be greater than 100%"));
        }
        return List.of();
    }
}
