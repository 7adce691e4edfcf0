package io.drover.api.validation;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Go's {@code time.Parse} for the two layouts Kubernetes' JSON times use: {@code metav1.Time}'s RFC 3339
 * ({@code 2006-01-02T15:04:05Z07:00}) and {@code metav1.MicroTime}'s ({@code 2006-01-02T15:04:05.000000Z07:00}),
 * with Go's error messages, which kube-apiserver passes on when a body holds a time it cannot read: {@code parsing
 * time "garbage" as "2006-01-02T15:04:05Z07:00": cannot parse "garbage" as "2006"}.
 *
 * <p>A port of the general parser of Go's time/format.go, restricted to the elements these layouts have; Go's RFC 3339
 * fast path accepts a subset of what it accepts, so its verdict is Go's. Go works on bytes, so does this: a value is
 * cut and quoted byte by byte, as Go cuts and quotes it. What Go accepts that a strict RFC 3339 reader would not (a
 * one-digit hour, a comma before the fraction, a 24:00 zone offset) is accepted here too.
 */
public final class GoTimes {
    /** metav1.Time's layout, time.RFC3339. */
    public static final Layout RFC3339 = new Layout("2006-01-02T15:04:05Z07:00", List.of(
            new Chunk("", Element.LONG_YEAR, "2006"), new Chunk("-", Element.ZERO_MONTH, "01"),
            new Chunk("-", Element.ZERO_DAY, "02"), new Chunk("T", Element.HOUR, "15"),
            new Chunk(":", Element.ZERO_MINUTE, "04"), new Chunk(":", Element.ZERO_SECOND, "05"),
            new Chunk("", Element.ZONE, "Z07:00")));
    /** metav1.MicroTime's layout, metav1.RFC3339Micro: exactly six fractional digits. */
    public static final Layout RFC3339_MICRO = new Layout("2006-01-02T15:04:05.000000Z07:00", List.of(
            new Chunk("", Element.LONG_YEAR, "2006"), new Chunk("-", Element.ZERO_MONTH, "01"),
            new Chunk("-", Element.ZERO_DAY, "02"), new Chunk("T", Element.HOUR, "15"),
            new Chunk(":", Element.ZERO_MINUTE, "04"), new Chunk(":", Element.ZERO_SECOND, "05"),
            new Chunk("", Element.MICROSECONDS, ".000000"), new Chunk("", Element.ZONE, "Z07:00")));

    /** A layout as Go's nextStdChunk splits it: each element with the literal text before it. */
    public record Layout(String text, List<Chunk> chunks) {}

    /** One element of a layout and the literal that precedes it. */
    record Chunk(String prefix, Element element, String text) {}

    /** The std elements of the two layouts, named after Go's std constants. */
    enum Element {
        /** "2006", stdLongYear: four characters, the first a digit. */
        LONG_YEAR,
        /** "01", stdZeroMonth. */
        ZERO_MONTH,
        /** "02", stdZeroDay. */
        ZERO_DAY,
        /** "15", stdHour: one or two digits. */
        HOUR,
        /** "04", stdZeroMinute. */
        ZERO_MINUTE,
        /** "05", stdZeroSecond, which also takes a fraction the layout does not name. */
        ZERO_SECOND,
        /** ".000000", stdFracSecond0 with six digits. */
        MICROSECONDS,
        /** "Z07:00", stdISO8601ColonTZ. */
        ZONE
    }

    /** The placeholder of Go's errBad: the element could not be read. */
    private static final class Bad extends Exception {
        Bad() {
            super(null, null, false, false);
        }
    }

    private GoTimes() {}

    /** Go's error for {@code value} in {@code layout}, or null when Go parses it. */
    public static String parseError(Layout layout, String value) {
        return new Parse(layout, value.getBytes(StandardCharsets.UTF_8)).error();
    }

    /** One run of Go's parse over a value. */
    private static final class Parse {
        private final Layout layout;
        private final byte[] value;
        private int at;
        private int year;
        private int month;
        private int day;

        Parse(Layout layout, byte[] value) {
            this.layout = layout;
            this.value = value;
        }

        String error() {
            List<Chunk> chunks = layout.chunks();
            for (int i = 0; i < chunks.size(); i++) {
                Chunk chunk = chunks.get(i);
                if (!skip(chunk.prefix())) {
                    return cannotParse(at, chunk.prefix());
                }
                int hold = at;
                String range;
                try {
                    range = element(chunk.element(), i + 1 < chunks.size() ? chunks.get(i + 1).element() : null);
                } catch (Bad bad) {
                    return cannotParse(hold, chunk.text());
                }
                if (range != null) {
                    return "parsing time " + quote(value, 0) + ": " + range + " out of range";
                }
            }
            if (at < value.length) {
                return "parsing time " + quote(value, 0) + ": extra text: " + quote(value, at);
            }
            if (day < 1 || day > daysIn(month, year)) {
                return "parsing time " + quote(value, 0) + ": day out of range";
            }
            return null;
        }

        /** Reads one element; the name of a value out of its range, or null. */
        private String element(Element element, Element next) throws Bad {
            switch (element) {
                case LONG_YEAR -> {
                    if (value.length - at < 4 || !isDigit(at)) {
                        throw new Bad();
                    }
                    year = atoi(at, at + 4);
                    at += 4;
                }
                case ZERO_MONTH -> {
                    month = number(true);
                    return month < 1 || month > 12 ? "month" : null;
                }
                case ZERO_DAY -> day = number(true);
                case HOUR -> {
                    return number(false) >= 24 ? "hour" : null;
                }
                case ZERO_MINUTE -> {
                    return number(true) >= 60 ? "minute" : null;
                }
                case ZERO_SECOND -> {
                    if (number(true) >= 60) {
                        return "second";
                    }
                    // Go takes a fraction after the seconds even when the layout names none.
                    if (next != Element.MICROSECONDS && value.length - at >= 2 && isFractionMark(at)
                            && isDigit(at + 1)) {
                        int n = 2;
                        while (isDigit(at + n)) {
                            n++;
                        }
                        at += n;
                    }
                }
                case MICROSECONDS -> {
                    if (value.length - at < 7 || !isFractionMark(at)) {
                        throw new Bad();
                    }
                    int fraction = atoi(at + 1, at + 7);
                    at += 7;
                    return fraction < 0 ? "fractional second" : null;
                }
                case ZONE -> {
                    return zone();
                }
            }
            return null;
        }

        /** Z, or ±hh:mm; Go accepts offsets up to 24 hours and 60 minutes. */
        private String zone() throws Bad {
            if (at < value.length && value[at] == 'Z') {
                at++;
                return null;
            }
            if (value.length - at < 6 || value[at + 3] != ':') {
                throw new Bad();
            }
            byte sign = value[at];
            int hours = twoDigits(at + 1);
            int minutes = hours < 0 ? 0 : twoDigits(at + 4);
            at += 6;
            String range = null;
            if (hours > 24) {
                range = "time zone offset hour";
            }
            if (minutes > 60) {
                range = "time zone offset minute";
            }
            if (range != null) {
                return range;
            }
            if (hours < 0 || minutes < 0 || sign != '+' && sign != '-') {
                throw new Bad();
            }
            return null;
        }

        /** Go's skip: the literal must come next. */
        private boolean skip(String prefix) {
            for (int i = 0; i < prefix.length(); i++) {
                if (at >= value.length || value[at] != prefix.charAt(i)) {
                    return false;
                }
                at++;
            }
            return true;
        }

        /** Go's getnum: one or two digits, two when {@code fixed}. */
        private int number(boolean fixed) throws Bad {
            if (!isDigit(at)) {
                throw new Bad();
            }
            if (!isDigit(at + 1)) {
                if (fixed) {
                    throw new Bad();
                }
                return value[at++] - '0';
            }
            int n = (value[at] - '0') * 10 + value[at + 1] - '0';
            at += 2;
            return n;
        }

        /** Two digits at {@code from} (getnum with fixed), or -1. */
        private int twoDigits(int from) {
            return isDigit(from) && isDigit(from + 1) ? (value[from] - '0') * 10 + value[from + 1] - '0' : -1;
        }

        /** Go's atoi over value[from, to): an optional sign, then digits only. */
        private int atoi(int from, int to) throws Bad {
            boolean negative = false;
            if (from < to && (value[from] == '-' || value[from] == '+')) {
                negative = value[from] == '-';
                from++;
            }
            int n = 0;
            for (int i = from; i < to; i++) {
                if (!isDigit(i)) {
                    throw new Bad();
                }
                n = n * 10 + value[i] - '0';
            }
            return negative ? -n : n;
        }

        private boolean isDigit(int i) {
            return i < value.length && value[i] >= '0' && value[i] <= '9';
        }

        private boolean isFractionMark(int i) {
            return value[i] == '.' || value[i] == ',';
        }

        private String cannotParse(int from, String element) {
            return "parsing time " + quote(value, 0) + " as " + quote(layout.text()) + ": cannot parse "
                    + quote(value, from) + " as " + quote(element);
        }
    }

    private static int daysIn(int month, int year) {
        if (month == 2) {
            boolean leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
            return leap ? 29 : 28;
        }
        return month == 4 || month == 6 || month == 9 || month == 11 ? 30 : 31;
    }

    private static String quote(String s) {
        return quote(s.getBytes(StandardCharsets.UTF_8), 0);
    }

    /** Go's time.quote of bytes[from:]: a byte outside printable ASCII as \xNN, quotes and backslashes escaped. */
    private static String quote(byte[] bytes, int from) {
        StringBuilder quoted = new StringBuilder("\"");
        for (int i = from; i < bytes.length; i++) {
            int b = bytes[i] & 0xff;
            if (b < ' ' || b >= 0x80) {
                quoted.append(String.format("\\x%02x", b));
            } else {
                if (b == '"' || b == '\\') {
                    quoted.append('\\');
                }
                quoted.append((char) b);
            }
        }
        return quoted.append('"').toString();
    }
}
