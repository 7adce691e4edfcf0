package io.drover.api.validation;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.Map;

/**
 * Kubernetes' resource quantities (k8s.io/apimachinery/pkg/api/resource): {@link #canonical} parses
 * one as {@code ParseQuantity} does and writes it as {@code Quantity.String()} does, the form
 * kube-apiserver stores and answers: "0.5" is "500m", "1024Mi" is "1Gi", "2000m" is "2", "1000" is
 * "1k". A value finer than a nano is rounded up to the next nano, as Kubernetes rounds it.
 */
public final class Quantities {
    /** resource.ErrFormatWrong. */
    static final String FORMAT_ERROR =
            "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
    /** resource.ErrSuffix. */
    static final String SUFFIX_ERROR = "unable to parse quantity's suffix";

    private static final Map<String, Integer> DECIMAL_SUFFIXES = Map.of("n", -9, "u", -6, "m", -3, "", 0, "k", 3,
            "M", 6, "G", 9, "T", 12, "P", 15, "E", 18);
    private static final Map<Integer, String> DECIMAL_BY_EXPONENT = Map.of(-9, "n", -6, "u", -3, "m", 0, "", 3, "k",
            6, "M", 9, "G", 12, "T", 15, "P", 18, "E");
    private static final Map<String, Integer> BINARY_SUFFIXES = Map.of("Ki", 10, "Mi", 20, "Gi", 30, "Ti", 40,
            "Pi", 50, "Ei", 60);
    private static final String[] BINARY_BY_POWER = {"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};
    private static final String SUFFIX_CHARACTERS = "eEinumkKMGTP";
    private static final BigInteger BASE_1024 = BigInteger.valueOf(1024);
    private static final BigDecimal BINARY_DECIMAL_BOUND = BigDecimal.valueOf(1024);
    private static final BigDecimal NANO = BigDecimal.ONE.movePointLeft(9);
    private static final BigDecimal MAX_ALLOWED = BigDecimal.valueOf(Long.MAX_VALUE);

    private Quantities() {}

    /** How a quantity was written, which decides how it is written back (resource.Format). */
    private enum Format {
        DECIMAL_SI,
        BINARY_SI,
        DECIMAL_EXPONENT
    }

    /** A parsed quantity: its exact value and its format. */
    private record Parsed(BigDecimal amount, Format format) {}

    /** Thrown for text that is no quantity, with Kubernetes' message. */
    public static final class InvalidQuantityException extends IllegalArgumentException {
        InvalidQuantityException(String message) {
            super(message);
        }
    }

    /**
     * The canonical form of {@code text}.
     *
     * @throws InvalidQuantityException when Kubernetes' ParseQuantity refuses it, with its message
     */
    public static String canonical(String text) {
        Parsed q = parse(text);
        return format(q.amount(), q.format());
    }

    /**
     * The exact value of {@code text} (a quantity's number of units: bytes, cores), or empty when it is no
     * quantity.
     */
    public static java.util.Optional<BigDecimal> value(String text) {
        try {
            return java.util.Optional.of(parse(text).amount());
        } catch (InvalidQuantityException | ArithmeticException e) {
            return java.util.Optional.empty();
        }
    }

    /** ParseQuantity. */
    private static Parsed parse(String text) {
        if (text.isEmpty()) {
            throw new InvalidQuantityException(FORMAT_ERROR);
        }
        int pos = 0;
        int end = text.length();
        boolean positive = true;
        if (text.charAt(0) == '+' || text.charAt(0) == '-') {
            positive = text.charAt(0) == '+';
            pos++;
        }
        int numStart = pos;
        while (pos < end && isDigit(text.charAt(pos))) {
            pos++;
        }
        String num = text.substring(numStart, pos);
        String denom = "";
        if (pos < end && text.charAt(pos) == '.') {
            int denomStart = ++pos;
            while (pos < end && isDigit(text.charAt(pos))) {
                pos++;
            }
            denom = text.substring(denomStart, pos);
        }
        int suffixStart = pos;
        while (pos < end && SUFFIX_CHARACTERS.indexOf(text.charAt(pos)) >= 0) {
            pos++;
        }
        if (pos < end && (text.charAt(pos) == '-' || text.charAt(pos) == '+')) {
            pos++;
        }
        while (pos < end && isDigit(text.charAt(pos))) {
            pos++;
        }
        if (pos < end) {
            throw new InvalidQuantityException(FORMAT_ERROR);
        }
        String suffix = text.substring(suffixStart);
        BigDecimal amount = new BigDecimal((num.isEmpty() ? "0" : num) + (denom.isEmpty() ? "" : "." + denom));
        Format format;
        if (DECIMAL_SUFFIXES.containsKey(suffix)) {
            format = Format.DECIMAL_SI;
            amount = amount.scaleByPowerOfTen(DECIMAL_SUFFIXES.get(suffix));
        } else if (BINARY_SUFFIXES.containsKey(suffix)) {
            format = Format.BINARY_SI;
            amount = amount.multiply(new BigDecimal(BigInteger.ONE.shiftLeft(BINARY_SUFFIXES.get(suffix))));
        } else if (suffix.length() > 1 && (suffix.charAt(0) == 'e' || suffix.charAt(0) == 'E')
                && isExponent(suffix.substring(1))) {
            format = Format.DECIMAL_EXPONENT;
            amount = scaled(amount, exponent(suffix.substring(1)));
        } else {
            throw new InvalidQuantityException(SUFFIX_ERROR);
        }
        // Anything non-zero is at least a nano: rounded up, as Kubernetes rounds it.
        if (amount.signum() != 0 && amount.scale() > 9) {
            amount = amount.precision() - amount.scale() < -9 ? NANO // below a nano: no need to round digits
                    : amount.setScale(9, RoundingMode.UP);
        }
        if (format == Format.BINARY_SI && amount.compareTo(MAX_ALLOWED) > 0) {
            amount = MAX_ALLOWED; // Kubernetes caps binary quantities at the largest int64
        }
        if (format == Format.BINARY_SI && amount.signum() > 0 && amount.compareTo(BigDecimal.ONE) < 0) {
            format = Format.DECIMAL_SI;
        }
        return new Parsed(positive ? amount : amount.negate(), format);
    }

    /** An exponent that fits an int32, as Kubernetes reads one; a longer one is no suffix it knows. */
    private static int exponent(String text) {
        try {
            return Integer.parseInt(text.startsWith("+") ? text.substring(1) : text);
        } catch (NumberFormatException e) {
            throw new InvalidQuantityException(SUFFIX_ERROR);
        }
    }

    /** {@code amount} times ten to {@code exponent}; a number far below a nano is just that (it is rounded up). */
    private static BigDecimal scaled(BigDecimal amount, int exponent) {
        if (amount.signum() == 0) {
            return amount;
        }
        if ((long) amount.precision() - amount.scale() + exponent < -9) {
            return NANO;
        }
        return amount.scaleByPowerOfTen(exponent);
    }

    /** Quantity.CanonicalizeBytes: the number and its suffix. */
    private static String format(BigDecimal amount, Format format) {
        if (amount.signum() == 0) {
            return "0";
        }
        if (format == Format.BINARY_SI) {
            boolean small = amount.abs().compareTo(BINARY_DECIMAL_BOUND) < 0;
            if (!small && amount.stripTrailingZeros().scale() <= 0) {
                return base1024(amount.toBigIntegerExact());
            }
            format = Format.DECIMAL_SI;
        }
        BigDecimal stripped = amount.stripTrailingZeros();
        BigInteger mantissa = stripped.unscaledValue();
        int exponent = -stripped.scale();
        // The exponent goes down to a multiple of 3, the mantissa up by as much.
        int rest = exponent % 3;
        if (rest == 1 || rest == -2) {
            mantissa = mantissa.multiply(BigInteger.TEN);
            exponent -= 1;
        } else if (rest == 2 || rest == -1) {
            mantissa = mantissa.multiply(BigInteger.valueOf(100));
            exponent -= 2;
        }
        if (format == Format.DECIMAL_EXPONENT) {
            return mantissa + (exponent == 0 ? "" : "e" + exponent);
        }
        String suffix = DECIMAL_BY_EXPONENT.get(exponent);
        return mantissa + (suffix != null ? suffix : "e" + exponent);
    }

    private static String base1024(BigInteger value) {
        int power = 0;
        while (power < BINARY_BY_POWER.length - 1 && value.signum() != 0
                && value.mod(BASE_1024).signum() == 0) {
            value = value.divide(BASE_1024);
            power++;
        }
        return value + BINARY_BY_POWER[power];
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isExponent(String s) {
        int start = s.startsWith("-") || s.startsWith("+") ? 1 : 0;
        if (start == s.length()) {
            return false;
        }
        for (int i = start; i < s.length(); i++) {
            if (!isDigit(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }
}
