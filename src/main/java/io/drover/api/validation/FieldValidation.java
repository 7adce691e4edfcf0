package io.drover.api.validation;

import java.util.List;

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

    /** The value as Kubernetes spells it in the query parameter: {@code Strict}, {@code Warn}, {@code Ignore}. */
    public String value() {
        return value;
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

    /** The text of one strict-decoding problem about the field at {@code path}: {@code unknown field "spec.foo"}. */
    public static String unknownField(String path) {
        return "unknown field \"" + path + "\"";
    }

    /**
     * The message of the 400 BadRequest a {@link #STRICT} request with unknown fields fails with, as the apiserver
     * words it: {@code Deployment in version "v1" cannot be handled as a Deployment: strict decoding error:
     * unknown field "spec.foo", unknown field "spec.bar"}. The version is the apiVersion's version part.
     */
    public static String strictErrorMessage(String apiVersion, String kind, List<String> unknownPaths) {
        String version = apiVersion.substring(apiVersion.indexOf('/') + 1);
        StringBuilder message = new StringBuilder()
                .append(kind).append(" in version \"").append(version).append("\" cannot be handled as a ")
                .append(kind).append(": strict decoding error: ");
        for (int i = 0; i < unknownPaths.size(); i++) {
            message.append(i == 0 ? "" : ", ").append(unknownField(unknownPaths.get(i)));
        }
        return message.toString();
    }

    /**
     * The value of one HTTP {@code Warning} header for an unknown field under {@link #WARN}:
     * {@code 299 - "unknown field \"spec.foo\""} (RFC 7234 warn-code 299, no agent, quoted text).
     */
    public static String warningHeader(String path) {
        String text = unknownField(path);
        return "299 - \"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    @Override
    public String toString() {
        return value;
    }
}
