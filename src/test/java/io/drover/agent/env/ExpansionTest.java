package io.drover.agent.env;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The cases of Kubernetes' expansion_test.go, run through one scope and through two. */
class ExpansionTest {
    private static final UnaryOperator<String> ONE_SCOPE = Expansion.mapping(Map.of("VAR_A", "A", "VAR_B", "B",
            "VAR_C", "C", "VAR_REF", "$(VAR_A)", "VAR_EMPTY", ""));
    private static final UnaryOperator<String> TWO_SCOPES = Expansion.mapping(Map.of("VAR_A", "A", "VAR_EMPTY", ""),
            Map.of("VAR_B", "B", "VAR_C", "C", "VAR_REF", "$(VAR_A)"));

    static Stream<Arguments> cases() {
        List<String[]> cases = List.of(
                new String[] {"whole string", "$(VAR_A)", "A"},
                new String[] {"repeat", "$(VAR_A)-$(VAR_A)", "A-A"},
                new String[] {"beginning", "$(VAR_A)-1", "A-1"},
                new String[] {"middle", "___$(VAR_B)___", "___B___"},
                new String[] {"end", "___$(VAR_C)", "___C"},
                new String[] {"compound", "$(VAR_A)_$(VAR_B)_$(VAR_C)", "A_B_C"},
                new String[] {"escape & expand", "$$(VAR_B)_$(VAR_A)", "$(VAR_B)_A"},
                new String[] {"compound escape", "$$(VAR_A)_$$(VAR_B)", "$(VAR_A)_$(VAR_B)"},
                new String[] {"mixed in escapes", "f000-$$VAR_A", "f000-$VAR_A"},
                new String[] {"backslash escape ignored", "foo\\$(VAR_C)bar", "foo\\Cbar"},
                new String[] {"backslash escape ignored (2)", "foo\\\\$(VAR_C)bar", "foo\\\\Cbar"},
                new String[] {"lots of backslashes", "foo\\\\\\\\$(VAR_A)bar", "foo\\\\\\\\Abar"},
                new String[] {"nested var references", "$(VAR_A$(VAR_B))", "$(VAR_A$(VAR_B))"},
                new String[] {"nested var references second type", "$(VAR_A$(VAR_B)", "$(VAR_A$(VAR_B)"},
                new String[] {"value is a reference", "$(VAR_REF)", "$(VAR_A)"},
                new String[] {"value is a reference x 2", "%%$(VAR_REF)--$(VAR_REF)%%", "%%$(VAR_A)--$(VAR_A)%%"},
                new String[] {"empty var", "foo$(VAR_EMPTY)bar", "foobar"},
                new String[] {"unterminated expression", "foo$(VAR_Awhoops!", "foo$(VAR_Awhoops!"},
                new String[] {"expression without operator", "f00__(VAR_A)__", "f00__(VAR_A)__"},
                new String[] {"shell special vars pass through", "$?_boo_$!", "$?_boo_$!"},
                new String[] {"bare operators are ignored", "$VAR_A", "$VAR_A"},
                new String[] {"undefined vars are passed through", "$(VAR_DNE)", "$(VAR_DNE)"},
                new String[] {"multiple (even) operators, var undefined", "$$$$$$(BIG_MONEY)", "$$$(BIG_MONEY)"},
                new String[] {"multiple (even) operators, var defined", "$$$$$$(VAR_A)", "$$$(VAR_A)"},
                new String[] {"multiple (odd) operators, var undefined", "$$$$$$$(GOOD_ODDS)", "$$$$(GOOD_ODDS)"},
                new String[] {"multiple (odd) operators, var defined", "$$$$$$$(VAR_A)", "$$$A"},
                new String[] {"missing open expression", "$VAR_A)", "$VAR_A)"},
                new String[] {"shell syntax ignored", "${VAR_A}", "${VAR_A}"},
                new String[] {"trailing incomplete expression not consumed", "$(VAR_B)_______$(A", "B_______$(A"},
                new String[] {"trailing incomplete expression, no content, is not consumed", "$(VAR_C)_______$(",
                    "C_______$("},
                new String[] {"operator at end of input string is preserved", "$(VAR_A)foobarzab$", "Afoobarzab$"},
                new String[] {"shell escaped incomplete expr", "foo-\\$(VAR_A", "foo-\\$(VAR_A"},
                new String[] {"lots of $( in middle", "--$($($($($--", "--$($($($($--"},
                new String[] {"lots of $( in beginning", "$($($($($--foo$(", "$($($($($--foo$("},
                new String[] {"lots of $( at end", "foo0--$($($($(", "foo0--$($($($("},
                new String[] {"escaped operators in variable names are not escaped", "$(foo$$var)", "$(foo$$var)"},
                new String[] {"newline not expanded", "\n", "\n"},
                // Beyond Kubernetes' list: a non-ASCII character (and a surrogate pair) after "$".
                new String[] {"operator before a multi-byte character", "$é$(VAR_A)", "$éA"},
                new String[] {"operator before a surrogate pair", "$\uD83D\uDE00$(VAR_B)", "$\uD83D\uDE00B"});
        return cases.stream().flatMap(c -> Stream.of(Arguments.of(c[0] + " (one scope)", ONE_SCOPE, c[1], c[2]),
                Arguments.of(c[0] + " (two scopes)", TWO_SCOPES, c[1], c[2])));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void expandsAsKubernetesDoes(String name, UnaryOperator<String> mapping, String input, String expected) {
        assertThat(Expansion.expand(input, mapping)).as(name).isEqualTo(expected);
    }

    @Test
    void envValuesSeeTheVariablesDeclaredBeforeThem() {
        // TestMapReference: each value is expanded against the declared env as it stands.
        Map<String, String> declared = new HashMap<>(Map.of("FOO", "bar", "ZOO", "$(FOO)-1", "BLU", "$(ZOO)-2"));
        UnaryOperator<String> mapping = Expansion.mapping(declared, Map.of());
        Map<String, String> envs = new LinkedHashMap<>();
        envs.put("FOO", "bar");
        envs.put("ZOO", "$(FOO)-1");
        envs.put("BLU", "$(ZOO)-2");
        envs.forEach((k, v) -> declared.put(k, Expansion.expand(v, mapping)));
        assertThat(declared).isEqualTo(Map.of("FOO", "bar", "ZOO", "bar-1", "BLU", "bar-1-2"));
    }
}
