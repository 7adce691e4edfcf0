package io.drover.api.strategy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

class ReplicaSetStrategyTest {
    private final ReplicaSetStrategy strategy = new ReplicaSetStrategy();

    private ObjectNode defaulted(String spec) {
        ObjectNode rs = Json.parse("{metadata: {name: 'rs'}, spec: " + spec + "}");
        strategy.applyDefaults(rs);
        return rs;
    }

    @Test
    void defaultsReplicasAndTheTemplateButNotAStrategy() {
        ObjectNode spec = (ObjectNode) defaulted("{selector: {matchLabels: {a: 'b'}}, template: {metadata: {labels:"
                + " {a: 'b'}}, spec: {containers: [{name: 'c', image: 'i'}]}}}").get("spec");
        assertThat(spec.get("replicas").asInt()).isEqualTo(1);
        assertThat(spec.has("strategy")).isFalse();
        assertThat(spec.path("template").path("spec").path("dnsPolicy").asText()).isEqualTo("ClusterFirst");
        assertThat(defaulted("{replicas: 4}").path("spec").path("replicas").asInt()).isEqualTo(4);
    }

    @Test
    void validatesSelectorAndTemplate() {
        assertThat(Json.printed(strategy.validateCreate(defaulted("{template: {metadata: {labels: {a: 'b'}},"
                + " spec: {containers: [{name: 'c', image: 'i'}]}}}")))).containsExactly("spec.selector: Required value");
        assertThat(Json.printed(strategy.validateCreate(defaulted("{selector: {matchLabels: {a: 'b'}}}"))))
                .containsExactly("spec.template: Required value");
    }

    @Test
    void theSelectorIsImmutable() {
        String template = "template: {metadata: {labels: {a: 'b', c: 'd'}}, spec: {containers: [{name: 'c',"
                + " image: 'i'}]}}";
        ObjectNode old = defaulted("{selector: {matchLabels: {a: 'b'}}, " + template + "}");
        ObjectNode changed = defaulted("{selector: {matchLabels: {c: 'd'}}, " + template + "}");
        assertThat(Json.printed(strategy.validateUpdate(old, changed))).containsExactly("spec.selector: Invalid value: "
                + "v1.LabelSelector{MatchLabels:map[string]string{\"c\":\"d\"}, MatchExpressions:"
                + "[]v1.LabelSelectorRequirement(nil)}: field is immutable");
    }
}
