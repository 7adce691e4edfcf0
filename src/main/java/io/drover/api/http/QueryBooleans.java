package io.drover.api.http;

/**
 * Boolean query parameters of the API's options (orphanDependents, sendInitialEvents, ...) as
 * apimachinery's query conversion reads them (Convert_Slice_string_To_bool): "0", "false" in any
 * case and the empty value are false, anything else is true. Not strconv.ParseBool: "f" is true.
 */
final class QueryBooleans {
    private QueryBooleans() {}

    /** The parameter's value, null when it is absent. */
    static Boolean parse(String value) {
        if (value == null) {
            return null;
        }
        return !(value.isEmpty() || value.equals("0") || value.equalsIgnoreCase("false"));
    }
}
