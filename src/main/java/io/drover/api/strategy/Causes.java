package io.drover.api.strategy;

import io.drover.api.ApiException.Cause;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The field errors of Kubernetes' {@code k8s.io/apimachinery/pkg/util/validation/field}, worded as its
 * {@code ErrorBody()} words them. Values are passed already rendered the way Go's fmt renders them (see
 * {@link GoValues}).
 */
final class Causes {
    private Causes() {}

    static Cause required(String field) {
        return new Cause("FieldValueRequired", "Required value", field);
    }

    static Cause required(String field, String detail) {
        return new Cause("FieldValueRequired", "Required value: " + detail, field);
    }

    static Cause invalid(String field, String goValue, String detail) {
        return new Cause("FieldValueInvalid", "Invalid value: " + goValue + ": " + detail, field);
    }

    /** One Invalid cause per message of a rule about string {@code value} (e.g. NameRules.dns1123Label's). */
    static List<Cause> invalidEach(String field, String value, List<String> messages) {
        return messages.stream().map(m -> invalid(field, GoValues.quote(value), m)).toList();
    }

    static Cause notSupported(String field, String goValue, List<String> supported) {
        String values = supported.stream().map(GoValues::quote).collect(Collectors.joining(", "));
        return new Cause("FieldValueNotSupported", "Unsupported value: " + goValue + ": supported values: " + values,
                field);
    }

    static Cause duplicate(String field, String goValue) {
        return new Cause("FieldValueDuplicate", "Duplicate value: " + goValue, field);
    }

    static Cause duplicate(String field, String goValue, String detail) {
        return new Cause("FieldValueDuplicate", "Duplicate value: " + goValue + ": " + detail, field);
    }

    static Cause notFound(String field, String goValue) {
        return new Cause("FieldValueNotFound", "Not found: " + goValue, field);
    }

    static Cause forbidden(String field, String detail) {
        return new Cause("FieldValueForbidden", "Forbidden: " + detail, field);
    }

    /** Kubernetes' {@code field.TooMany}: a list longer than it may be. */
    static Cause tooMany(String field, int actual, int max) {
        return new Cause("FieldValueTooMany", "Too many: " + actual + ": must have at most " + max
                + (max == 1 ? " item" : " items"), field);
    }

    static Cause tooLong(String field, int maxBytes) {
        return new Cause("FieldValueTooLong", "Too long: may not be more than " + maxBytes + " bytes", field);
    }

    /** Kubernetes' {@code ValidateImmutableField}. */
    static Cause immutable(String field, String goValue) {
        return invalid(field, goValue, "field is immutable");
    }
}
