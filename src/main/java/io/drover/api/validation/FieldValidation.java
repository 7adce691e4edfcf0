package io.drover.api.validation;

/**
 * The {@code fieldValidation} query parameter of create, update and patch: what the server does about unknown (and
 * duplicate) fields in the request body. kubectl apply, create and replace send {@code Strict}
 * ({@code --validate=false} sends {@code Ignore}); without the parameter the server behaves as {@link #WARN}.
 */
public enum FieldValidation {

    /** Unknown fields fail the request: 400 BadRequest naming each of them. */
    STRICT("Strict"),
    /** The request succeeds; one HTTP {@code Warning} header per unknown field. The server default. */
    WARN("Warn"),
    /** Unknown fields are dropped silently. */
    IGNORE("Ignore");

    private final String value;

    FieldValidation(String value) {
        this.value = value;
    }

    /**
     * Parses the query parameter as kube-apiserver takes it: exactly {@code Strict}, {@code Warn} or
     * {@code Ignore}; null or empty is the default, {@link #WARN}.
     *
     * @throws IllegalArgumentException for any other value, in the words of apimachinery's
     *     ValidateFieldValidation (a field.NotSupported, the empty value included)
     */
    public static FieldValidation parse(String parameter) {
        if (parameter == null || parameter.isEmpty()) {
            return WARN;
        }
        for (FieldValidation validation : values()) {
            if (validation.value.equals(parameter)) {
                return validation;
            }
        }
        throw new IllegalArgumentException("Unsupported value: \"" + parameter.replace("\\", "\\\\").replace("\"", "\\\"")
                + "\": supported values: \"\", \"Ignore\", \"Strict\", \"Warn\"");
    }

    /**
     * The value of one HTTP {@code Warning} header under {@link #WARN}: {@code 299 - "unknown field \"spec.foo\""}
     * (RFC 7234 warn-code 299, no agent, quoted text).
     */
    public static String warningHeader(String text) {
        return "299 - \"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    @Override
    public String toString() {
        return value;
    }
}
