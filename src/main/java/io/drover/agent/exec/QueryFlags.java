package io.drover.agent.exec;

import java.util.List;
import java.util.Map;

/** Boolean query parameters of the remote command requests. */
final class QueryFlags {
    private QueryFlags() {}

    /** Go's strconv.ParseBool, which the API's query parameter conversion uses; absent is false. */
    static boolean flag(Map<String, List<String>> query, String name) {
        List<String> values = query.get(name);
        if (values == null || values.isEmpty()) {
            return false;
        }
        return switch (values.get(0)) {
            case "1", "t", "T", "TRUE", "true", "True" -> true;
            case "0", "f", "F", "FALSE", "false", "False", "" -> false;
            default -> throw new IllegalArgumentException(
                    "invalid value for " + name + ": \"" + values.get(0) + "\" (expected: true or false)");
        };
    }
}
