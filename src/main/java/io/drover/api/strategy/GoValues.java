package io.drover.api.strategy;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Values rendered as Go's fmt renders them in Kubernetes' messages: strings with {@code %q}, numbers and
 * booleans with {@code %v}, maps and slices with {@code %#v} (map keys sorted, as fmt sorts them).
 */
public final class GoValues {
    private GoValues() {}

    /** Go's {@code %q}: a double-quoted string with Go escapes. */
    public static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        s.codePoints().forEach(c -> {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                case '\r' -> b.append("\\r");
                case 0x07 -> b.append("\\a");
                case '\b' -> b.append("\\b");
                case '\f' -> b.append("\\f");
                case 0x0b -> b.append("\\v");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        b.append(String.format("\\x%02x", c));
                    } else {
                        b.appendCodePoint(c);
                    }
                }
            }
        });
        return b.append('"').toString();
    }

    /** An IntOrString, which Kubernetes prints through its String(): bare, not quoted. */
    static String intOrString(JsonNode value) {
        return value == null || value.isNull() ? "null" : value.asText();
    }

    /** {@code map[string]string{"a":"1", "b":"2"}}, or {@code map[string]string(nil)} when absent. */
    static String stringMap(JsonNode map) {
        if (map == null || !map.isObject()) {
            return "map[string]string(nil)";
        }
        TreeMap<String, String> sorted = new TreeMap<>();
        map.properties().forEach(e -> sorted.put(e.getKey(), e.getValue().asText()));
        return sorted.entrySet().stream()
                .map(e -> quote(e.getKey()) + ":" + quote(e.getValue()))
                .collect(Collectors.joining(", ", "map[string]string{", "}"));
    }

    /** {@code []string{"a", "b"}}, or {@code []string(nil)} when absent. */
    static String stringSlice(JsonNode list) {
        if (list == null || !list.isArray()) {
            return "[]string(nil)";
        }
        List<String> items = new ArrayList<>();
        list.forEach(v -> items.add(quote(v.asText())));
        return "[]string{" + String.join(", ", items) + "}";
    }

    /**
     * Go's {@code %+v} of a JSON document decoded into {@code interface{}} values with integers kept (sigs.k8s.io/json):
     * {@code map[a:1 b:[x y] c:map[d:<nil>]]}, map keys sorted, strings bare, other numbers as float64's {@code %v}.
     */
    public static String plusV(JsonNode value) {
        StringBuilder out = new StringBuilder();
        plusV(value, out);
        return out.toString();
    }

    private static void plusV(JsonNode value, StringBuilder out) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            out.append("<nil>");
        } else if (value.isObject()) {
            TreeMap<String, JsonNode> sorted = new TreeMap<>();
            value.properties().forEach(e -> sorted.put(e.getKey(), e.getValue()));
            out.append("map[");
            boolean first = true;
            for (var e : sorted.entrySet()) {
                out.append(first ? "" : " ").append(e.getKey()).append(':');
                plusV(e.getValue(), out);
                first = false;
            }
            out.append(']');
        } else if (value.isArray()) {
            out.append('[');
            for (int i = 0; i < value.size(); i++) {
                out.append(i > 0 ? " " : "");
                plusV(value.get(i), out);
            }
            out.append(']');
        } else if (value.isIntegralNumber() && value.canConvertToLong()) {
            out.append(value.asLong());
        } else if (value.isNumber()) {
            out.append(float64(value.asDouble()));
        } else {
            out.append(value.asText());
        }
    }

    /** fmt's {@code %v} of a float64: the shortest digits, in exponent form below 1e-4 or from 1e21 on. */
    static String float64(double v) {
        if (v == 0) {
            return "0";
        }
        BigDecimal shortest = new BigDecimal(Double.toString(v)).stripTrailingZeros();
        int exponent = shortest.precision() - shortest.scale() - 1;
        if (exponent >= -4 && exponent < 21) {
            return shortest.toPlainString();
        }
        String digits = shortest.unscaledValue().abs().toString();
        String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
        return (v < 0 ? "-" : "") + mantissa + "e" + (exponent < 0 ? "-" : "+")
                + (Math.abs(exponent) < 10 ? "0" : "") + Math.abs(exponent);
    }

    public static String stringSlice(List<String> list) {
        return list.stream().map(GoValues::quote).collect(Collectors.joining(", ", "[]string{", "}"));
    }
}
