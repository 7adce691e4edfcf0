package io.drover.api.http;

import io.drover.api.ApiException.Cause;
import io.drover.api.strategy.GoValues;
import java.util.List;
import java.util.Optional;

/**
 * A request's dryRun values, as apimachinery's ValidateDryRun checks them: "All" is the only
 * value, and any value at all asks for a dry run (apiserver's IsDryRun).
 */
final class DryRun {
    private static final String ALL = "All";

    private DryRun() {}

    /** The values of the {@code dryRun} query parameter, none when it is absent. */
    static List<String> queried(ApiRequest request) {
        return request.query().getOrDefault("dryRun", List.of());
    }

    /** The problem with {@code values}, the cause of a 422 on the request's options. */
    static Optional<Cause> unsupported(List<String> values) {
        if (values.stream().allMatch(ALL::equals)) {
            return Optional.empty();
        }
        return Optional.of(new Cause("FieldValueNotSupported", "Unsupported value: " + GoValues.stringSlice(values)
                + ": supported values: \"All\"", "dryRun"));
    }
}
