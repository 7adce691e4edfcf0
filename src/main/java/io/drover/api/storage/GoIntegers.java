package io.drover.api.storage;

/** Integers in a list request (timeoutSeconds, a label selector's Gt and Lt values) checked as Go parses them. */
public final class GoIntegers {
    private GoIntegers() {}

    /**
     * Whether {@code s} is an int64 as strconv.ParseInt(s, 10, 64) reads it: an optional sign, then decimal digits
     * within range. Read with Long.parseLong, which also takes other scripts' digits where Go takes ASCII only.
     */
    public static boolean isInt64(String s) {
        try {
            Long.parseLong(s);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
