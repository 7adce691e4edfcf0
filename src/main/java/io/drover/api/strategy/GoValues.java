package io.drover.api.strategy;

import com.fasterxml.jackson.databind.JsonNode;
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

    public static String stringSlice(List<String> list) {
        return list.stream().map(GoValues::quote).collect(Collectors.joining(", ", "[]string{", "}"));
    }
}
