package io.drover.api.storage;

import java.util.OptionalLong;
import java.util.regex.Pattern;

/** Integers in a list request (limit, timeoutSeconds, resourceVersion, a label selector's Gt and Lt values) read as Go reads them. */
public final class GoIntegers {
    private static final Pattern SIGNED = Pattern.compile("[+-]?[0-9]+");
    private static final Pattern UNSIGNED = Pattern.compile("[0-9]+");

    private GoIntegers() {}

    /**
     * {@code s} as strconv.ParseInt(s, 10, 64) reads it: an optional sign, then ASCII decimal digits within range
     * (Long.parseLong alone also takes other scripts' digits); empty when Go refuses it.
     */
    public static OptionalLong parseInt64(String s) {
        return parse(s, SIGNED);
    }

    /** {@code s} as strconv.ParseUint(s, 10, 64) reads it, within a long: ASCII decimal digits, no sign. */
    public static OptionalLong parseUint64(String s) {
        return parse(s, UNSIGNED);
    }

    public static boolean isInt64(String s) {
        return parseInt64(s).isPresent();
    }

    private static OptionalLong parse(String s, Pattern digits) {
        if (s == null || !digits.matcher(s).matches()) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(s));
        } catch (NumberFormatException e) {
            return OptionalLong.empty(); // out of range
        }
    }
}
