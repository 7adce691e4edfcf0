package io.drover.api.strategy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Pod updates as Kubernetes 1.32's ValidatePodUpdate allows them. */
class PodUpdateRulesTest {
    private static final String GATED = "schedulingGates: [{name: 'example.com/quota'}, {name: 'wait'}]";
    private final PodStrategy strategy = new PodStrategy();

    private ObjectNode pod(String spec) {
        ObjectNode pod = Json.parse("{metadata: {name: 'p'}, spec: {containers: [{name: 'a', image: 'x:1'}]"
                + (spec.isEmpty() ? "" : ", " + spec) + "}}");
        strategy.applyDefaults(pod);
        return pod;
    }

    private List<String> update(String before, String after) {
        return Json.printed(strategy.validateUpdate(pod(before), pod(after)));
    }

    @Test
    void schedulingGatesMayOnlyBeRemoved() {
        assertThat(update(GATED, "schedulingGates: [{name: 'wait'}]")).isEmpty();
        assertThat(update(GATED, "")).isEmpty();
        assertThat(update(GATED, "schedulingGates: [{name: 'wait'}, {name: 'new-gate'}]")).containsExactly(
                "spec.schedulingGates[1].name: Forbidden: only deletion is allowed, but found new scheduling gate"
                        + " 'new-gate'");
        assertThat(update("", "schedulingGates: [{name: 'late'}]")).containsExactly(
                "spec.schedulingGates[0].name: Forbidden: only deletion is allowed, but found new scheduling gate"
                        + " 'late'");
    }

    @Test
    void aGatedPodMayGainNodeSelectorEntriesButNotChangeThem() {
        String selected = GATED + ", nodeSelector: {disk: 'ssd'}";
        assertThat(update(selected, GATED + ", nodeSelector: {disk: 'ssd', zone: 'a'}")).isEmpty();
        assertThat(update(GATED, selected)).isEmpty();
        assertThat(update(selected, GATED + ", nodeSelector: {disk: 'hdd'}")).containsExactly(
                "spec.nodeSelector: Invalid value: map[string]string{\"disk\":\"hdd\"}: only additions to"
                        + " spec.nodeSelector are allowed (no mutations or deletions)");
        // Once the gates are gone (in the old pod), the nodeSelector is as immutable as the rest.
        assertThat(update("nodeSelector: {disk: 'ssd'}", "nodeSelector: {disk: 'ssd', zone: 'a'}"))
                .containsExactly("spec: Forbidden: " + PodUpdateRules.UPDATE_FORBIDDEN);
    }

    @Test
    void aGatedPodMayGainNodeAffinityExpressionsButNotChangeItsTerms() {
        String term = "{matchExpressions: [{key: 'disk', operator: 'In', values: ['ssd']}]}";
        String required = GATED + ", affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution:"
                + " {nodeSelectorTerms: [" + term + "]}}}";
        assertThat(update(GATED, required)).isEmpty();
        assertThat(update(required, GATED + ", affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution:"
                + " {nodeSelectorTerms: [{matchExpressions: [{key: 'disk', operator: 'In', values: ['ssd']},"
                + " {key: 'zone', operator: 'Exists'}]}]}}}")).isEmpty();
        assertThat(update(required, GATED + ", affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution:"
                + " {nodeSelectorTerms: [" + term + ", {matchExpressions: [{key: 'zone', operator: 'Exists'}]}]}}}"))
                .containsExactly("spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution"
                        + ".nodeSelectorTerms: Invalid value: []core.NodeSelectorTerm{core.NodeSelectorTerm{"
                        + "MatchExpressions:[]core.NodeSelectorRequirement{core.NodeSelectorRequirement{Key:\"disk\","
                        + " Operator:\"In\", Values:[]string{\"ssd\"}}}, MatchFields:[]core.NodeSelectorRequirement(nil)},"
                        + " core.NodeSelectorTerm{MatchExpressions:[]core.NodeSelectorRequirement{"
                        + "core.NodeSelectorRequirement{Key:\"zone\", Operator:\"Exists\", Values:[]string(nil)}},"
                        + " MatchFields:[]core.NodeSelectorRequirement(nil)}}: no additions/deletions to non-empty"
                        + " NodeSelectorTerms list are allowed");
        assertThat(update(required, GATED + ", affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution:"
                + " {nodeSelectorTerms: [{matchExpressions: [{key: 'disk', operator: 'In', values: ['hdd']}]}]}}}"))
                .containsExactly("spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution"
                        + ".nodeSelectorTerms[0]: Invalid value: core.NodeSelectorTerm{MatchExpressions:"
                        + "[]core.NodeSelectorRequirement{core.NodeSelectorRequirement{Key:\"disk\", Operator:\"In\","
                        + " Values:[]string{\"hdd\"}}}, MatchFields:[]core.NodeSelectorRequirement(nil)}: only"
                        + " additions are allowed (no mutations or deletions)");
        // Pod affinity stays immutable, gated or not.
        assertThat(update(GATED, GATED + ", affinity: {podAffinity: {requiredDuringSchedulingIgnoredDuringExecution:"
                + " [{topologyKey: 'zone', labelSelector: {matchLabels: {app: 'x'}}}]}}"))
                .containsExactly("spec: Forbidden: " + PodUpdateRules.UPDATE_FORBIDDEN);
    }

    @Test
    void aGatedPodCannotBeBoundWhileItsGatesRemain() {
        assertThat(update(GATED, GATED + ", nodeName: 'node-1'"))
                .containsExactly("spec: Forbidden: " + PodUpdateRules.UPDATE_FORBIDDEN);
        assertThat(update("", "nodeName: 'node-1'")).isEmpty();
        assertThat(Json.printed(strategy.validateCreate(pod(GATED + ", nodeName: 'node-1'")))).containsExactly(
                "spec.nodeName: Forbidden: cannot be set until all schedulingGates have been cleared");
    }

    @Test
    void existingTolerationsMayOnlyChangeTheirSeconds() {
        String seconds = "tolerations: [{key: 'k', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: %d}]";
        assertThat(update(seconds.formatted(60), seconds.formatted(30))).isEmpty();
        assertThat(update(seconds.formatted(60), "tolerations: [{key: 'k', operator: 'Exists', effect: 'NoSchedule'}]"))
                .containsExactly("spec.tolerations: Forbidden: existing toleration can not be modified except its"
                        + " tolerationSeconds");
        // The added ones are checked again, as ValidatePodUpdate checks them a second time.
        assertThat(update("", "tolerations: [{key: 'k', operator: 'Bad'}]")).containsExactly(
                "spec.tolerations[0].operator: Unsupported value: \"Bad\": supported values: \"Equal\", \"Exists\"",
                "spec.tolerations[0].operator: Unsupported value: \"Bad\": supported values: \"Equal\", \"Exists\"");
    }

    @Test
    void containersMayNotBeAddedOrRemovedAndImagesHaveNoSurroundingSpace() {
        ObjectNode two = pod("");
        two.withObject("spec").withArray("containers").addObject().put("name", "b").put("image", "y")
                .put("imagePullPolicy", "IfNotPresent").put("terminationMessagePath", "/dev/termination-log")
                .put("terminationMessagePolicy", "File");
        assertThat(Json.printed(strategy.validateUpdate(pod(""), two))).containsExactly(
                "spec.containers: Forbidden: pod updates may not add or remove containers");
        ObjectNode spaced = pod("");
        ((ObjectNode) spaced.path("spec").path("containers").get(0)).put("image", "x:2 ");
        // Once as on create (validateContainersOnlyForPod), once as an update (ValidateContainerUpdates).
        assertThat(Json.printed(strategy.validateUpdate(pod(""), spaced))).containsExactly(
                "spec.containers[0].image: Invalid value: \"x:2 \": must not have leading or trailing whitespace",
                "spec.containers[0].image: Invalid value: \"x:2 \": must not have leading or trailing whitespace");
        assertThat(Json.printed(strategy.validateCreate(spaced))).containsExactly(
                "spec.containers[0].image: Invalid value: \"x:2 \": must not have leading or trailing whitespace");
    }
}
