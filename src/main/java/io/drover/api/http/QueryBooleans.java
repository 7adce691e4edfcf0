package io.drover.api.http;

/**
 * Boolean query parameters of the API's options (orphanDependents, sendInitialEvents, ...) as
 * apimachinery's query conversion reads them (Convert_Slice_string_To_bool): "0" and "false" in any
 * case are false, anything else (the empty value too) is true. Not strconv.ParseBool: "f" is true.
 */
final class QueryBooleans {
    private QueryBooleans() {}

    /** The parameter's value, null when it is absent. */
    static Boolean parse(String value) {
        if (value == null) {
            return null;
        }
        return !(value.equals("0") || value.equalsIgnoreCase("false"));
    }
}
