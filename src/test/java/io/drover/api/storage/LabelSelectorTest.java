package io.drover.api.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drover.api.ApiException;
import org.junit.jupiter.api.Test;

/** Cases from apimachinery's labels/selector_test.go, and its error messages. */
class LabelSelectorTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void everyOperatorMatchesAsKubernetesMatches() throws Exception {
        JsonNode labels = JSON.readTree("{\"app\": \"web\", \"tier\": \"front\", \"replicas\": \"3\"}");
        assertThat(LabelSelector.parse("app=web,tier==front").matches(labels)).isTrue();
        assertThat(LabelSelector.parse("app!=web").matches(labels)).isFalse();
        assertThat(LabelSelector.parse("app in (db, web), tier notin (back)").matches(labels)).isTrue();
        assertThat(LabelSelector.parse("app, !missing").matches(labels)).isTrue();
        assertThat(LabelSelector.parse("!app").matches(labels)).isFalse();
        assertThat(LabelSelector.parse("replicas>2,replicas<4").matches(labels)).isTrue();
        assertThat(LabelSelector.parse("replicas>3").matches(labels)).isFalse();
        assertThat(LabelSelector.parse("app>1").matches(labels)).isFalse(); // not an integer: no match
        assertThat(LabelSelector.parse("missing<5").matches(labels)).isFalse();
        assertThat(LabelSelector.parse("in in (in), notin=x").matches(JSON.readTree("{\"in\": \"in\", \"notin\": \"x\"}")))
                .isTrue();
    }

    @Test
    void emptyValuesAreTheEmptyValue() throws Exception {
        JsonNode empty = JSON.readTree("{\"a\": \"\"}");
        assertThat(LabelSelector.parse("a in ()").matches(empty)).isTrue();
        assertThat(LabelSelector.parse("a=").matches(empty)).isTrue();
        assertThat(LabelSelector.parse("a in (,x)").matches(empty)).isTrue();
        assertThat(LabelSelector.parse("  ").isEverything()).isTrue();
    }

    @Test
    void refusesWhatApimachineryRefusesWithItsMessages() {
        assertRefused("a>5x", "unable to parse requirement: values[0]: Invalid value: \"5x\": for 'Gt', 'Lt' operators, "
                + "the value must be an integer");
        assertRefused("a>", "unable to parse requirement: values[0]: Invalid value: \"\": for 'Gt', 'Lt' operators, "
                + "the value must be an integer");
        assertRefused("k".repeat(400), "unable to parse requirement: <nil>: Invalid value: \"" + "k".repeat(400)
                + "\": name part must be no more than 63 characters");
        assertRefused("a=b c", "found 'c', expected: ',' or 'end of string'");
        assertRefused("a in x", "unable to parse requirement: found 'x' expected: '('");
        assertRefused("a in (x", "unable to parse requirement: found '', expected: ',' or ')'");
        assertRefused("!a=b", "unable to parse requirement: found 'a', expected: ',' or 'end of string'");
        assertRefused("a,", "found '', expected: identifier after ','");
        assertRefused("=a", "found '=', expected: !, identifier, or 'end of string'");
        assertRefused("a b", "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt");
        assertThatThrownBy(() -> LabelSelector.parse("a=bad value!")).isInstanceOf(ApiException.class);
        assertRefused("a=-x", "unable to parse requirement: values[0][a]: Invalid value: \"-x\": a valid label must be "
                + "an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
                + "alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is "
                + "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')");
    }

    private static void assertRefused(String selector, String message) {
        assertThatThrownBy(() -> LabelSelector.parse(selector)).isInstanceOf(ApiException.class)
                .satisfies(e -> assertThat(((ApiException) e).code()).isEqualTo(400))
                .hasMessage(message);
    }
}
