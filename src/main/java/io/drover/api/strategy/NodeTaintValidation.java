package io.drover.api.strategy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.ApiException.Cause;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A Node's spec.taints as Kubernetes' validateNodeTaints checks them: a label key, a label value, one of the three
 * effects, and one taint per key and effect. Kubernetes names them {@code metadata.taints[i]} (ValidateNode passes
 * its metadata path), and so does this.
 *
 * <p>Before, any taint was stored: an effect of "Bogus" was ignored by the scheduler, which neither refused nor
 * tolerated it as Kubernetes' would.
 */
final class NodeTaintValidation {
    private static final List<String> EFFECTS = List.of("NoSchedule", "PreferNoSchedule", "NoExecute");

    private NodeTaintValidation() {}

    static List<Cause> validate(ObjectNode node) {
        List<Cause> causes = new ArrayList<>();
        Map<String, Set<String>> keysByEffect = new HashMap<>();
        List<ObjectNode> taints = Nodes.objects(Nodes.object(node, "spec"), "taints");
        for (int i = 0; i < taints.size(); i++) {
            ObjectNode taint = taints.get(i);
            String at = "metadata.taints[" + i + "]";
            String key = Nodes.text(taint, "key");
            String value = Nodes.text(taint, "value");
            String effect = Nodes.text(taint, "effect");
            causes.addAll(Causes.invalidEach(at + ".key", key, NameRules.qualifiedName(key)));
            List<String> valueErrors = NameRules.labelValue(value);
            if (!valueErrors.isEmpty()) {
                causes.add(Causes.invalid(at + ".value", GoValues.quote(value), String.join(";", valueErrors)));
            }
            if (effect.isEmpty()) {
                causes.add(Causes.required(at + ".effect"));
            } else if (!EFFECTS.contains(effect)) {
                causes.add(Causes.notSupported(at + ".effect", GoValues.quote(effect), EFFECTS));
            }
            if (!keysByEffect.computeIfAbsent(effect, e -> new HashSet<>()).add(key)) {
                causes.add(Causes.duplicate(at, goTaint(taint), "taints must be unique by key and effect pair"));
            }
        }
        return causes;
    }

    /** The taint as Go prints a core.Taint with %#v; a set timeAdded is shown by its value rather than an address. */
    private static String goTaint(ObjectNode taint) {
        String timeAdded = taint.hasNonNull("timeAdded") ? "(*v1.Time)(" + taint.get("timeAdded").asText() + ")"
                : "(*v1.Time)(nil)";
        return "core.Taint{Key:" + GoValues.quote(Nodes.text(taint, "key")) + ", Value:"
                + GoValues.quote(Nodes.text(taint, "value")) + ", Effect:" + GoValues.quote(Nodes.text(taint, "effect"))
                + ", TimeAdded:" + timeAdded + "}";
    }
}
