package io.drover.agent.env;

import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Kubernetes' {@code $(VAR)} expansion of env values, command and args, with its exact rules
 * (k8s.io/kubernetes third_party/forked/golang/expansion): {@code $(NAME)} is replaced by the
 * variable's value; {@code $$} is an escaped {@code $}; a reference to an unknown variable, an
 * unterminated {@code $(} and a {@code $} followed by anything else are kept verbatim. There is
 * no recursion: a value that itself holds a reference is inserted as it is.
 */
public final class Expansion {
    private static final char OPERATOR = '$';
    private static final char OPENER = '(';
    private static final char CLOSER = ')';

    private Expansion() {}

    /**
     * A mapping that looks the name up in each of {@code scopes} in turn and keeps the reference
     * verbatim when none has it (Kubernetes' MappingFuncFor).
     */
    @SafeVarargs
    public static UnaryOperator<String> mapping(Map<String, String>... scopes) {
        List<Map<String, String>> all = List.of(scopes);
        return name -> {
            for (Map<String, String> scope : all) {
                String value = scope.get(name);
                if (value != null) {
                    return value;
                }
            }
            return "" + OPERATOR + OPENER + name + CLOSER;
        };
    }

    /** {@code input} with its references replaced through {@code mapping}. */
    public static String expand(String input, UnaryOperator<String> mapping) {
        StringBuilder out = new StringBuilder(input.length());
        int checkpoint = 0;
        for (int cursor = 0; cursor < input.length(); cursor++) {
            if (input.charAt(cursor) != OPERATOR || cursor + 1 >= input.length()) {
                continue;
            }
            out.append(input, checkpoint, cursor);
            char next = input.charAt(cursor + 1);
            int consumed = 1;
            if (next == OPERATOR) {
                out.append(OPERATOR); // "$$" is one literal "$"
            } else if (next == OPENER) {
                int close = input.indexOf(CLOSER, cursor + 2);
                if (close < 0) {
                    out.append(OPERATOR).append(OPENER); // unterminated: kept, and scanning goes on after "$("
                } else {
                    out.append(mapping.apply(input.substring(cursor + 2, close)));
                    consumed = close - cursor;
                }
            } else {
                out.append(OPERATOR).append(next); // "$x" is not a reference
            }
            cursor += consumed;
            checkpoint = cursor + 1;
        }
        return out.append(input, checkpoint, input.length()).toString();
    }

    /** Each of {@code inputs} expanded. */
    public static List<String> expandAll(List<String> inputs, UnaryOperator<String> mapping) {
        return inputs.stream().map(s -> expand(s, mapping)).toList();
    }
}
