package io.drover.api.storage;

import io.drover.api.ApiException;
import io.drover.api.storage.LabelSelector.Operator;
import io.drover.api.storage.LabelSelector.Requirement;
import io.drover.api.strategy.GoValues;
import io.drover.api.strategy.NameRules;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * apimachinery's label selector parser (k8s.io/apimachinery/pkg/labels, {@code Parse}): its lexer,
 * its grammar and its errors, which kube-apiserver answers as 400 with the message as it is. A
 * selector is requirements separated by commas: {@code key}, {@code !key}, {@code key=v},
 * {@code key==v}, {@code key!=v}, {@code key in (a,b)}, {@code key notin (a)}, {@code key>1},
 * {@code key<1}; keys must be qualified names, values label values, and {@code >}/{@code <} compare
 * integers.
 */
final class LabelSelectorParser {
    private enum Kind { IDENTIFIER, IN, NOT_IN, EQUALS, DOUBLE_EQUALS, NOT_EQUALS, NOT, GREATER, LESS, OPEN, CLOSE, COMMA, END }

    private record Token(Kind kind, String literal) {}

    private final List<Token> tokens;
    private int position;

    private LabelSelectorParser(String selector) {
        this.tokens = lex(selector);
    }

    static LabelSelector parse(String selector) {
        return new LabelSelectorParser(selector).selector();
    }

    private LabelSelector selector() {
        List<Requirement> requirements = new ArrayList<>();
        while (true) {
            Token next = lookahead(true);
            switch (next.kind()) {
                case IDENTIFIER, NOT -> {
                    requirements.add(requirement());
                    Token after = consume(true);
                    if (after.kind() == Kind.END) {
                        return new LabelSelector(List.copyOf(requirements));
                    }
                    if (after.kind() != Kind.COMMA) {
                        throw error("found '" + after.literal() + "', expected: ',' or 'end of string'");
                    }
                    Token following = lookahead(true);
                    if (following.kind() != Kind.IDENTIFIER && following.kind() != Kind.NOT) {
                        throw error("found '" + following.literal() + "', expected: identifier after ','");
                    }
                }
                case END -> {
                    return new LabelSelector(List.copyOf(requirements));
                }
                default -> throw error("found '" + next.literal() + "', expected: !, identifier, or 'end of string'");
            }
        }
    }

    private Requirement requirement() {
        Token first = consume(true);
        boolean negated = first.kind() == Kind.NOT;
        Token key = negated ? consume(true) : first;
        if (key.kind() != Kind.IDENTIFIER) {
            throw requirementError("found '" + key.literal() + "', expected: identifier");
        }
        List<String> keyProblems = NameRules.qualifiedName(key.literal());
        if (!keyProblems.isEmpty()) {
            // apimachinery validates the key here with no field path: Go prints a nil path as "<nil>".
            throw requirementError("<nil>: Invalid value: " + GoValues.quote(key.literal()) + ": "
                    + String.join("; ", keyProblems));
        }
        Kind after = lookahead(true).kind();
        if (after == Kind.END || after == Kind.COMMA) {
            return new Requirement(key.literal(), negated ? Operator.NOT_EXISTS : Operator.EXISTS, Set.of());
        }
        if (negated) {
            throw requirementError("found '" + key.literal() + "', expected: ',' or 'end of string'");
        }
        Token operator = consume(false);
        List<String> values = switch (operator.kind()) {
            case IN, NOT_IN -> valueSet();
            case EQUALS, DOUBLE_EQUALS, NOT_EQUALS, GREATER, LESS -> exactValue();
            default -> throw requirementError("found '" + operator.literal() + "', expected: in, notin, =, ==, !=, gt, lt");
        };
        return requirement(key.literal(), operator.kind(), values);
    }

    /** NewRequirement's checks of the values, each error with its field path, aggregated as Go aggregates them. */
    private static Requirement requirement(String key, Kind operator, List<String> values) {
        List<String> errors = new ArrayList<>();
        boolean integers = operator == Kind.GREATER || operator == Kind.LESS;
        for (int i = 0; i < values.size(); i++) {
            if (integers && !GoIntegers.isInt64(values.get(i))) {
                errors.add("values[" + i + "]: Invalid value: " + GoValues.quote(values.get(i))
                        + ": for 'Gt', 'Lt' operators, the value must be an integer");
            }
        }
        for (int i = 0; i < values.size(); i++) {
            List<String> problems = NameRules.labelValue(values.get(i));
            if (!problems.isEmpty()) {
                errors.add("values[" + i + "][" + key + "]: Invalid value: " + GoValues.quote(values.get(i)) + ": "
                        + String.join("; ", problems));
            }
        }
        if (!errors.isEmpty()) {
            throw requirementError(errors.size() == 1 ? errors.get(0) : "[" + String.join(", ", errors) + "]");
        }
        Operator op = switch (operator) {
            case IN, EQUALS, DOUBLE_EQUALS -> Operator.IN;
            case NOT_IN, NOT_EQUALS -> Operator.NOT_IN;
            case GREATER -> Operator.GREATER_THAN;
            default -> Operator.LESS_THAN;
        };
        return new Requirement(key, op, Set.copyOf(values));
    }

    /** {@code (a, b)}; Go's parser reads "()" and empty items as the empty value. Sorted, as Go's string set lists them. */
    private List<String> valueSet() {
        Token open = consume(true);
        if (open.kind() != Kind.OPEN) {
            throw requirementError("found '" + open.literal() + "' expected: '('");
        }
        Token next = lookahead(true);
        if (next.kind() == Kind.CLOSE) {
            consume(true);
            return List.of("");
        }
        if (next.kind() != Kind.IDENTIFIER && next.kind() != Kind.COMMA) {
            throw requirementError("found '" + next.literal() + "', expected: ',', ')' or identifier");
        }
        TreeSet<String> values = new TreeSet<>();
        while (true) {
            Token t = consume(true);
            if (t.kind() == Kind.IDENTIFIER) {
                values.add(t.literal());
                Token after = lookahead(true);
                if (after.kind() == Kind.CLOSE) {
                    break;
                }
                if (after.kind() != Kind.COMMA) {
                    throw requirementError("found '" + after.literal() + "', expected: ',' or ')'");
                }
            } else if (t.kind() == Kind.COMMA) {
                if (values.isEmpty()) {
                    values.add("");
                }
                Token after = lookahead(true);
                if (after.kind() == Kind.CLOSE) {
                    values.add("");
                    break;
                }
                if (after.kind() == Kind.COMMA) {
                    consume(true);
                    values.add("");
                }
            } else {
                throw requirementError("found '" + t.literal() + "', expected: ',', or identifier");
            }
        }
        Token close = consume(true);
        if (close.kind() != Kind.CLOSE) {
            throw requirementError("found '" + close.literal() + "', expected: ')'");
        }
        return List.copyOf(values);
    }

    /** The one value after =, ==, !=, &gt; or &lt;; nothing there is the empty value. */
    private List<String> exactValue() {
        Token next = lookahead(true);
        if (next.kind() == Kind.END || next.kind() == Kind.COMMA) {
            return List.of("");
        }
        Token value = consume(true);
        if (value.kind() != Kind.IDENTIFIER) {
            throw requirementError("found '" + value.literal() + "', expected: identifier");
        }
        return List.of(value.literal());
    }

    /** The next token; where a value is expected, the keywords in and notin are plain identifiers. */
    private Token consume(boolean value) {
        Token t = tokens.get(Math.min(position++, tokens.size() - 1));
        return value && (t.kind() == Kind.IN || t.kind() == Kind.NOT_IN) ? new Token(Kind.IDENTIFIER, t.literal()) : t;
    }

    private Token lookahead(boolean value) {
        Token t = tokens.get(Math.min(position, tokens.size() - 1));
        return value && (t.kind() == Kind.IN || t.kind() == Kind.NOT_IN) ? new Token(Kind.IDENTIFIER, t.literal()) : t;
    }

    private static List<Token> lex(String s) {
        List<Token> tokens = new ArrayList<>();
        int i = 0;
        while (true) {
            while (i < s.length() && isWhitespace(s.charAt(i))) {
                i++;
            }
            if (i >= s.length()) {
                tokens.add(new Token(Kind.END, ""));
                return tokens;
            }
            char c = s.charAt(i);
            if (isSpecial(c)) {
                // The longest symbol: "!=" and "==" before "!" and "=".
                String two = i + 1 < s.length() ? s.substring(i, i + 2) : "";
                if (two.equals("!=") || two.equals("==")) {
                    tokens.add(new Token(two.equals("!=") ? Kind.NOT_EQUALS : Kind.DOUBLE_EQUALS, two));
                    i += 2;
                    continue;
                }
                tokens.add(new Token(switch (c) {
                    case '!' -> Kind.NOT;
                    case '=' -> Kind.EQUALS;
                    case '>' -> Kind.GREATER;
                    case '<' -> Kind.LESS;
                    case '(' -> Kind.OPEN;
                    case ')' -> Kind.CLOSE;
                    default -> Kind.COMMA;
                }, String.valueOf(c)));
                i++;
                continue;
            }
            int start = i;
            while (i < s.length() && !isSpecial(s.charAt(i)) && !isWhitespace(s.charAt(i))) {
                i++;
            }
            String word = s.substring(start, i);
            tokens.add(new Token(word.equals("in") ? Kind.IN : word.equals("notin") ? Kind.NOT_IN : Kind.IDENTIFIER, word));
        }
    }

    private static boolean isWhitespace(char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n';
    }

    private static boolean isSpecial(char c) {
        return c == '=' || c == '!' || c == '(' || c == ')' || c == ',' || c == '>' || c == '<';
    }

    private static ApiException requirementError(String message) {
        return error("unable to parse requirement: " + message);
    }

    private static ApiException error(String message) {
        return ApiException.badRequest(message);
    }
}
