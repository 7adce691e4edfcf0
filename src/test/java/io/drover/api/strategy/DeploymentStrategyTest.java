package io.drover.api.strategy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.ApiException.Cause;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeploymentStrategyTest {
    private final DeploymentStrategy strategy = new DeploymentStrategy();
    private static final String TEMPLATE = "template: {metadata: {labels: {app: 'web'}},"
            + " spec: {containers: [{name: 'web', image: 'nginx:1'}]}}";

    private ObjectNode defaulted(String spec) {
        ObjectNode d = Json.parse("{metadata: {name: 'd'}, spec: " + spec + "}");
        strategy.applyDefaults(d);
        return d;
    }

    private List<String> create(String spec) {
        return Json.printed(strategy.validateCreate(defaulted(spec)));
    }

    @Test
    void fillsKubernetesDefaults() {
        ObjectNode spec = (ObjectNode) defaulted("{selector: {matchLabels: {app: 'web'}}, " + TEMPLATE + "}")
                .get("spec");
        assertThat(spec.get("replicas").asInt()).isEqualTo(1);
        assertThat(spec.get("strategy")).isEqualTo(Json.parse("{type: 'RollingUpdate',"
                + " rollingUpdate: {maxUnavailable: '25%', maxSurge: '25%'}}"));
        assertThat(spec.get("revisionHistoryLimit").asInt()).isEqualTo(10);
        assertThat(spec.get("progressDeadlineSeconds").asInt()).isEqualTo(600);
        ObjectNode podSpec = (ObjectNode) spec.path("template").path("spec");
        assertThat(podSpec.path("restartPolicy").asText()).isEqualTo("Always");
        assertThat(podSpec.path("containers").get(0).path("imagePullPolicy").asText()).isEqualTo("IfNotPresent");
        assertThat(podSpec.has("enableServiceLinks")).as("a Pod default, not a template default").isFalse();
    }

    @Test
    void keepsGivenValues() {
        ObjectNode spec = (ObjectNode) defaulted("{replicas: 0, revisionHistoryLimit: 2, progressDeadlineSeconds: 60,"
                + " strategy: {type: 'Recreate'}, selector: {matchLabels: {app: 'web'}}, " + TEMPLATE + "}")
                .get("spec");
        assertThat(spec.get("replicas").asInt()).isZero();
        assertThat(spec.get("strategy")).isEqualTo(Json.parse("{type: 'Recreate'}"));
        assertThat(spec.get("revisionHistoryLimit").asInt()).isEqualTo(2);
        assertThat(spec.get("progressDeadlineSeconds").asInt()).isEqualTo(60);
        ObjectNode rolling = (ObjectNode) defaulted("{strategy: {rollingUpdate: {maxSurge: 1}},"
                + " selector: {matchLabels: {app: 'web'}}, " + TEMPLATE + "}").path("spec").path("strategy")
                .path("rollingUpdate");
        assertThat(rolling).isEqualTo(Json.parse("{maxSurge: 1, maxUnavailable: '25%'}"));
    }

    @Test
    void aValidDeploymentPasses() {
        assertThat(create("{selector: {matchLabels: {app: 'web'}}, " + TEMPLATE + "}")).isEmpty();
        assertThat(create("{selector: {matchExpressions: [{key: 'app', operator: 'In', values: ['web']}]}, "
                + TEMPLATE + "}")).isEmpty();
    }

    @Test
    void requiresASelectorThatMatchesTheTemplate() {
        assertThat(create("{" + TEMPLATE + "}")).containsExactly("spec.selector: Required value");
        assertThat(create("{selector: {matchLabels: {app: 'x'}}, template: {metadata: {labels: {app: 'x2',"
                + " tier: 'a'}}, spec: {containers: [{name: 'c', image: 'i:1'}]}}}")).containsExactly(
                "spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"x2\", \"tier\":\"a\"}: "
                        + "`selector` does not match template `labels`");
        assertThat(create("{selector: {}, " + TEMPLATE + "}")).containsExactly("spec.selector: Invalid value: "
                + "v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement"
                + "(nil)}: empty selector is invalid for deployment");
        assertThat(create("{selector: {matchExpressions: [{key: 'app', operator: 'Is'}]}, " + TEMPLATE + "}"))
                .contains("spec.selector.matchExpressions[0].operator: Invalid value: \"Is\": not a valid selector "
                        + "operator");
    }

    @Test
    void checksTheTemplateAndCounts() {
        assertThat(create("{replicas: -1, selector: {matchLabels: {app: 'web'}}, template: {metadata: {labels:"
                + " {app: 'web'}}, spec: {runtimeClassName: 'docker', restartPolicy: 'Never', containers: [{name: 'web'}]}}}"))
                .containsExactly(
                "spec.replicas: Invalid value: -1: must be greater than or equal to 0",
                "spec.template.spec.containers[0].image: Required value",
                "spec.template.spec.restartPolicy: Unsupported value: \"Never\": supported values: \"Always\"");
        assertThat(create("{selector: {matchLabels: {app: 'web'}}, " + TEMPLATE.replace("containers: [{name: 'web',"
                + " image: 'nginx:1'}]", "containers: []") + "}"))
                .containsExactly("spec.template.spec.containers: Required value");
    }

    @Test
    void checksTheRolloutStrategy() {
        assertThat(create("{strategy: {rollingUpdate: {maxSurge: 0, maxUnavailable: 0}},"
                + " selector: {matchLabels: {app: 'web'}}, " + TEMPLATE + "}")).containsExactly(
                "spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 when `maxSurge` is 0");
        assertThat(create("{strategy: {type: 'Recreate', rollingUpdate: {}}, selector: {matchLabels: {app: 'web'}}, "
                + TEMPLATE + "}")).containsExactly("spec.strategy.rollingUpdate: Forbidden: may not be specified "
                + "when strategy `type` is 'Recreate'");
        assertThat(create("{strategy: {type: 'BlueGreen'}, selector: {matchLabels: {app: 'web'}}, " + TEMPLATE + "}"))
                .containsExactly("spec.strategy.type: Unsupported value: \"BlueGreen\": supported values: "
                        + "\"Recreate\", \"RollingUpdate\"");
        assertThat(create("{strategy: {rollingUpdate: {maxUnavailable: '120%'}}, selector: {matchLabels:"
                + " {app: 'web'}}, " + TEMPLATE + "}")).containsExactly("spec.strategy.rollingUpdate.maxUnavailable: "
                + "Invalid value: 120%: must not be greater than 100%");
        assertThat(create("{progressDeadlineSeconds: 5, minReadySeconds: 5, selector: {matchLabels: {app: 'web'}}, "
                + TEMPLATE + "}")).containsExactly(
                "spec.progressDeadlineSeconds: Invalid value: 5: must be greater than minReadySeconds");
    }

    @Test
    void theSelectorIsImmutable() {
        ObjectNode old = defaulted("{selector: {matchLabels: {app: 'web'}}, " + TEMPLATE + "}");
        ObjectNode scaled = defaulted("{replicas: 3, selector: {matchLabels: {app: 'web'}}, " + TEMPLATE + "}");
        assertThat(strategy.validateUpdate(old, scaled)).isEmpty();
        ObjectNode changed = defaulted("{selector: {matchLabels: {app: 'web', tier: 'x'}}, template: {metadata:"
                + " {labels: {app: 'web', tier: 'x'}}, spec: {containers: [{name: 'web', image: 'nginx:1'}]}}}");
        List<Cause> causes = strategy.validateUpdate(old, changed);
        assertThat(Json.printed(causes)).containsExactly("spec.selector: Invalid value: v1.LabelSelector{MatchLabels:"
                + "map[string]string{\"app\":\"web\", \"tier\":\"x\"}, MatchExpressions:[]v1.LabelSelectorRequirement"
                + "(nil)}: field is immutable");
        assertThat(causes).extracting(Cause::reason).containsExactly("FieldValueInvalid");
    }

    @Test
    void protobufZerosAreDropped() {
        ObjectNode spec = (ObjectNode) defaulted("{paused: false, minReadySeconds: 0, selector: {matchLabels:"
                + " {app: 'web'}}, " + TEMPLATE + "}").get("spec");
        assertThat(spec.has("paused")).isFalse();
        assertThat(spec.has("minReadySeconds")).isFalse();
    }
}
