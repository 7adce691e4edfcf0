package io.drover.api.strategy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.ApiException.Cause;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Kubernetes' checks of where a pod may run (pkg/apis/core/validation: the nodeSelector of ValidatePodSpec,
 * ValidateTolerations, validateAffinity, validateSchedulingGates and validateTopologySpreadConstraints): label syntax,
 * tolerations with a known operator and effect that mean what they say, affinity terms with known operators (and
 * matchFields on metadata.name only), weights in 1-100 and topology keys, scheduling gates with qualified names,
 * spread constraints with a skew, a key and a known action.
 */
final class PodPlacementValidation {
    private static final List<String> OPERATORS = List.of("Equal", "Exists");
    private static final List<String> EFFECTS = List.of("NoSchedule", "PreferNoSchedule", "NoExecute");
    private static final List<String> SCHEDULE_ACTIONS = List.of("DoNotSchedule", "ScheduleAnyway");
    /** The one field a node selector term's matchFields may name (metav1.ObjectNameField). */
    private static final String NODE_NAME_FIELD = "metadata.name";

    private PodPlacementValidation() {}

    static List<Cause> validate(JsonNode spec, String path) {
        List<Cause> causes = new ArrayList<>(ObjectMetaValidation.labels(spec.get("nodeSelector"),
                path + ".nodeSelector"));
        causes.addAll(tolerations(spec, path + ".tolerations"));
        ObjectNode affinity = Nodes.object(spec, "affinity");
        if (affinity != null) {
            causes.addAll(nodeAffinity(Nodes.object(affinity, "nodeAffinity"), path + ".affinity.nodeAffinity"));
            for (String kind : List.of("podAffinity", "podAntiAffinity")) {
                causes.addAll(podAffinity(Nodes.object(affinity, kind), path + ".affinity." + kind));
            }
        }
        causes.addAll(schedulingGates(spec, path + ".schedulingGates"));
        causes.addAll(topologySpread(Nodes.objects(spec, "topologySpreadConstraints"),
                path + ".topologySpreadConstraints"));
        return causes;
    }

    /** ValidateTolerations: each of the spec's tolerations at {@code path} ("spec.tolerations"). */
    static List<Cause> tolerations(JsonNode spec, String path) {
        List<Cause> causes = new ArrayList<>();
        List<ObjectNode> tolerations = Nodes.objects(spec, "tolerations");
        for (int i = 0; i < tolerations.size(); i++) {
            causes.addAll(toleration(tolerations.get(i), path + "[" + i + "]"));
        }
        return causes;
    }

    /** validateSchedulingGates: each gate's name a qualified name, none twice (reported at the gate, not its name). */
    private static List<Cause> schedulingGates(JsonNode spec, String path) {
        List<Cause> causes = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        List<ObjectNode> gates = Nodes.objects(spec, "schedulingGates");
        for (int i = 0; i < gates.size(); i++) {
            String name = Nodes.text(gates.get(i), "name");
            causes.addAll(Causes.invalidEach(path + "[" + i + "]", name, NameRules.qualifiedName(name)));
            if (!seen.add(name)) {
                causes.add(Causes.duplicate(path + "[" + i + "]", GoValues.quote(name)));
            }
        }
        return causes;
    }

    private static List<Cause> nodeAffinity(ObjectNode affinity, String at) {
        List<Cause> causes = new ArrayList<>();
        if (affinity == null) {
            return causes;
        }
        ObjectNode required = Nodes.object(affinity, "requiredDuringSchedulingIgnoredDuringExecution");
        if (required != null) {
            String terms = at + ".requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms";
            List<ObjectNode> list = Nodes.objects(required, "nodeSelectorTerms");
            if (list.isEmpty()) {
                causes.add(Causes.required(terms, "must have at least one node selector term"));
            }
            for (int i = 0; i < list.size(); i++) {
                causes.addAll(nodeSelectorTerm(list.get(i), terms + "[" + i + "]"));
            }
        }
        List<ObjectNode> preferred = Nodes.objects(affinity, "preferredDuringSchedulingIgnoredDuringExecution");
        for (int i = 0; i < preferred.size(); i++) {
            String pat = at + ".preferredDuringSchedulingIgnoredDuringExecution[" + i + "]";
            causes.addAll(weight(preferred.get(i), pat));
            ObjectNode preference = Nodes.object(preferred.get(i), "preference");
            if (preference != null) {
                causes.addAll(nodeSelectorTerm(preference, pat + ".preference"));
            }
        }
        return causes;
    }

    private static List<Cause> nodeSelectorTerm(ObjectNode term, String at) {
        List<Cause> causes = new ArrayList<>();
        List<ObjectNode> expressions = Nodes.objects(term, "matchExpressions");
        for (int j = 0; j < expressions.size(); j++) {
            ObjectNode rq = expressions.get(j);
            String rat = at + ".matchExpressions[" + j + "]";
            int values = rq.path("values").size();
            String operator = Nodes.text(rq, "operator");
            switch (operator) {
                case "In", "NotIn" -> {
                    if (values == 0) {
                        causes.add(Causes.required(rat + ".values", "must be specified when `operator` is 'In' or 'NotIn'"));
                    }
                }
                case "Exists", "DoesNotExist" -> {
                    if (values > 0) {
                        causes.add(Causes.forbidden(rat + ".values",
                                "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
                    }
                }
                case "Gt", "Lt" -> {
                    if (values != 1) {
                        causes.add(Causes.required(rat + ".values",
                                "must be specified single value when `operator` is 'Lt' or 'Gt'"));
                    }
                }
                default -> causes.add(Causes.invalid(rat + ".operator", GoValues.quote(operator),
                        "not a valid selector operator"));
            }
            String key = Nodes.text(rq, "key");
            causes.addAll(Causes.invalidEach(rat + ".key", key, NameRules.qualifiedName(key)));
        }
        List<ObjectNode> fields = Nodes.objects(term, "matchFields");
        for (int j = 0; j < fields.size(); j++) {
            causes.addAll(fieldRequirement(fields.get(j), at + ".matchFields[" + j + "]"));
        }
        return causes;
    }

    /** ValidateNodeFieldSelectorRequirement: In or NotIn one node name, and metadata.name the only key. */
    private static List<Cause> fieldRequirement(ObjectNode rq, String at) {
        List<Cause> causes = new ArrayList<>();
        String operator = Nodes.text(rq, "operator");
        if (operator.equals("In") || operator.equals("NotIn")) {
            if (rq.path("values").size() != 1) {
                causes.add(Causes.required(at + ".values",
                        "must be only one value when `operator` is 'In' or 'NotIn' for node field selector"));
            }
        } else {
            causes.add(Causes.invalid(at + ".operator", GoValues.quote(operator), "not a valid selector operator"));
        }
        String key = Nodes.text(rq, "key");
        if (!key.equals(NODE_NAME_FIELD)) {
            causes.add(Causes.invalid(at + ".key", GoValues.quote(key), "not a valid field selector key"));
            return causes;
        }
        int i = 0;
        for (JsonNode value : rq.path("values")) {
            causes.addAll(Causes.invalidEach(at + ".values[" + i++ + "]", value.asText(),
                    NameRules.dns1123Subdomain(value.asText())));
        }
        return causes;
    }

    private static List<Cause> podAffinity(ObjectNode affinity, String at) {
        List<Cause> causes = new ArrayList<>();
        if (affinity == null) {
            return causes;
        }
        List<ObjectNode> required = Nodes.objects(affinity, "requiredDuringSchedulingIgnoredDuringExecution");
        for (int i = 0; i < required.size(); i++) {
            causes.addAll(podAffinityTerm(required.get(i),
                    at + ".requiredDuringSchedulingIgnoredDuringExecution[" + i + "]"));
        }
        List<ObjectNode> preferred = Nodes.objects(affinity, "preferredDuringSchedulingIgnoredDuringExecution");
        for (int i = 0; i < preferred.size(); i++) {
            String pat = at + ".preferredDuringSchedulingIgnoredDuringExecution[" + i + "]";
            causes.addAll(weight(preferred.get(i), pat));
            ObjectNode term = Nodes.object(preferred.get(i), "podAffinityTerm");
            if (term != null) {
                causes.addAll(podAffinityTerm(term, pat + ".podAffinityTerm"));
            }
        }
        return causes;
    }

    private static List<Cause> podAffinityTerm(ObjectNode term, String at) {
        List<Cause> causes = new ArrayList<>(LabelSelectors.validate(term.get("labelSelector"), at + ".labelSelector"));
        causes.addAll(LabelSelectors.validate(term.get("namespaceSelector"), at + ".namespaceSelector"));
        for (JsonNode namespace : term.path("namespaces")) {
            String name = namespace.asText();
            causes.addAll(Causes.invalidEach(at + ".namespace", name, NameRules.dns1123Label(name)));
        }
        String key = Nodes.text(term, "topologyKey");
        if (key.isEmpty()) {
            causes.add(Causes.required(at + ".topologyKey", "can not be empty"));
        }
        causes.addAll(Causes.invalidEach(at + ".topologyKey", key, NameRules.qualifiedName(key)));
        return causes;
    }

    private static List<Cause> weight(ObjectNode term, String at) {
        long weight = term.path("weight").asLong(0);
        if (weight <= 0 || weight > 100) {
            return List.of(Causes.invalid(at + ".weight", Long.toString(weight), "must be in the range 1-100"));
        }
        return List.of();
    }

    private static List<Cause> topologySpread(List<ObjectNode> constraints, String path) {
        List<Cause> causes = new ArrayList<>();
        for (int i = 0; i < constraints.size(); i++) {
            ObjectNode c = constraints.get(i);
            String at = path + "[" + i + "]";
            long maxSkew = c.path("maxSkew").asLong(0);
            if (maxSkew <= 0) {
                causes.add(Causes.invalid(at + ".maxSkew", Long.toString(maxSkew), "must be greater than zero"));
            }
            String key = Nodes.text(c, "topologyKey");
            if (key.isEmpty()) {
                causes.add(Causes.required(at + ".topologyKey", "can not be empty"));
            }
            String action = Nodes.text(c, "whenUnsatisfiable");
            if (!SCHEDULE_ACTIONS.contains(action)) {
                causes.add(Causes.notSupported(at + ".whenUnsatisfiable", GoValues.quote(action), SCHEDULE_ACTIONS));
            }
            for (int j = i + 1; j < constraints.size(); j++) {
                if (key.equals(Nodes.text(constraints.get(j), "topologyKey"))
                        && action.equals(Nodes.text(constraints.get(j), "whenUnsatisfiable"))) {
                    causes.add(Causes.duplicate(at + ".{topologyKey, whenUnsatisfiable}",
                            GoValues.quote("{" + key + ", " + action + "}")));
                    break;
                }
            }
            JsonNode minDomains = c.get("minDomains");
            if (minDomains != null && minDomains.isNumber()) {
                if (minDomains.asLong() <= 0) {
                    causes.add(Causes.invalid(at + ".minDomains", minDomains.asText(), "must be greater than zero"));
                }
                if (!action.equals("DoNotSchedule")) {
                    causes.add(Causes.invalid(at + ".minDomains", minDomains.asText(),
                            "can only use minDomains if whenUnsatisfiable=DoNotSchedule, not " + action));
                }
            }
            causes.addAll(LabelSelectors.validate(c.get("labelSelector"), at + ".labelSelector"));
        }
        return causes;
    }

    private static List<Cause> toleration(ObjectNode t, String at) {
        List<Cause> causes = new ArrayList<>();
        String key = Nodes.text(t, "key");
        String operator = Nodes.text(t, "operator");
        String value = Nodes.text(t, "value");
        String effect = Nodes.text(t, "effect");
        boolean hasSeconds = t.hasNonNull("tolerationSeconds");
        if (!key.isEmpty()) {
            causes.addAll(Causes.invalidEach(at + ".key", key, NameRules.qualifiedName(key)));
        }
        if (key.isEmpty() && !operator.equals("Exists")) {
            causes.add(Causes.invalid(at + ".operator", GoValues.quote(operator),
                    "operator must be Exists when `key` is empty, which means \"match all values and all keys\""));
        }
        if (hasSeconds && !effect.equals("NoExecute")) {
            causes.add(Causes.invalid(at + ".effect", GoValues.quote(effect),
                    "effect must be 'NoExecute' when `tolerationSeconds` is set"));
        }
        switch (operator) {
            case "Equal", "" -> {
                List<String> errs = NameRules.labelValue(value);
                if (!errs.isEmpty()) {
                    causes.add(Causes.invalid(at + ".operator", GoValues.quote(value), String.join(";", errs)));
                }
            }
            case "Exists" -> {
                if (!value.isEmpty()) {
                    causes.add(Causes.invalid(at + ".operator", goToleration(key, operator, value, effect, t),
                            "value must be empty when `operator` is 'Exists'"));
                }
            }
            default -> causes.add(Causes.notSupported(at + ".operator", GoValues.quote(operator), OPERATORS));
        }
        if (!effect.isEmpty() && !EFFECTS.contains(effect)) {
            causes.add(Causes.notSupported(at + ".effect", GoValues.quote(effect), EFFECTS));
        }
        return causes;
    }

    /** The toleration as Go prints a core.Toleration with %#v (a set tolerationSeconds is a pointer, shown by value). */
    private static String goToleration(String key, String operator, String value, String effect, ObjectNode t) {
        String seconds = t.hasNonNull("tolerationSeconds") ? "(*int64)(" + t.get("tolerationSeconds").asText() + ")"
                : "(*int64)(nil)";
        return "core.Toleration{Key:" + GoValues.quote(key) + ", Operator:" + GoValues.quote(operator) + ", Value:"
                + GoValues.quote(value) + ", Effect:" + GoValues.quote(effect) + ", TolerationSeconds:" + seconds + "}";
    }
}
