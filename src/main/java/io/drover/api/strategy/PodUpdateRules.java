package io.drover.api.strategy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.ApiException.Cause;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What an update of a pod's spec may change, as Kubernetes' ValidatePodUpdate says (pkg/apis/core/validation).
 *
 * <p>Its way, followed here: check the fields that may change on their own terms (containers neither added nor
 * removed and their images without surrounding whitespace, the active deadline only shrinking, tolerations only
 * added or their tolerationSeconds changed, scheduling gates only removed), then take the new spec, put the old
 * values back into those fields ("munge"), and refuse any difference that remains with one generic message. While
 * the old pod is gated (has scheduling gates), nodeSelector entries and the required node affinity's terms may be
 * added too. Kubernetes appends a cmp.Diff of the two specs to the generic message; drover leaves it out.
 */
final class PodUpdateRules {
    static final String UPDATE_FORBIDDEN = "pod updates may not change fields other than "
            + "`spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,"
            + "`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` "
            + "(allow it to be set to 1 if it was previously negative)";
    private static final String REQUIRED_TERMS = "requiredDuringSchedulingIgnoredDuringExecution";

    private PodUpdateRules() {}

    static List<Cause> validate(ObjectNode oldSpec, ObjectNode newSpec) {
        List<Cause> causes = new ArrayList<>();
        boolean imageRequired = PodSpecValidation.imageRequired(newSpec);
        for (String list : List.of("containers", "initContainers")) {
            List<ObjectNode> before = Nodes.objects(oldSpec, list);
            List<ObjectNode> after = Nodes.objects(newSpec, list);
            if (before.size() != after.size()) {
                causes.add(Causes.forbidden("spec." + list, "pod updates may not add or remove containers"));
                return causes;
            }
            for (int i = 0; i < after.size(); i++) {
                String image = Nodes.text(after.get(i), "image");
                String at = "spec." + list + "[" + i + "].image";
                // drover: the process runtime needs no image (see PodSpecValidation).
                if (image.isEmpty() && imageRequired) {
                    causes.add(Causes.required(at));
                }
                causes.addAll(imageWhitespace(image, at));
            }
        }
        JsonNode oldDeadline = oldSpec.get("activeDeadlineSeconds");
        JsonNode newDeadline = newSpec.get("activeDeadlineSeconds");
        boolean hadDeadline = oldDeadline != null && !oldDeadline.isNull();
        if (newDeadline != null && !newDeadline.isNull()) {
            long value = newDeadline.asLong();
            if (value < 0 || value > Integer.MAX_VALUE) {
                causes.add(Causes.invalid("spec.activeDeadlineSeconds", newDeadline.asText(),
                        NameRules.inclusiveRangeError(0, Integer.MAX_VALUE)));
                return causes;
            }
            if (hadDeadline && oldDeadline.asLong() < value) {
                causes.add(Causes.invalid("spec.activeDeadlineSeconds", newDeadline.asText(),
                        "must be less than or equal to previous value"));
                return causes;
            }
        } else if (hadDeadline) {
            causes.add(Causes.invalid("spec.activeDeadlineSeconds", "null",
                    "must not update from a positive integer to nil value"));
        }
        causes.addAll(onlyAddedTolerations(oldSpec, newSpec));
        causes.addAll(onlyDeletedSchedulingGates(oldSpec, newSpec));
        if (oldSpec.equals(newSpec)) {
            return causes;
        }
        ObjectNode munged = newSpec.deepCopy();
        for (String list : List.of("containers", "initContainers")) {
            List<ObjectNode> from = Nodes.objects(oldSpec, list);
            List<ObjectNode> to = Nodes.objects(munged, list);
            for (int i = 0; i < to.size(); i++) {
                copy(from.get(i), to.get(i), "image");
            }
        }
        copy(oldSpec, munged, "activeDeadlineSeconds");
        copy(oldSpec, munged, "schedulingGates");
        copy(oldSpec, munged, "tolerations");
        if (oldSpec.path("terminationGracePeriodSeconds").asLong(0) < 0
                && munged.path("terminationGracePeriodSeconds").asLong(0) == 1) {
            copy(oldSpec, munged, "terminationGracePeriodSeconds");
        }
        // drover: its scheduler sets spec.nodeName through an update; Kubernetes allows that only through
        // pods/binding, which drover serves too (PodActions). Never while the pod stays gated.
        if (Nodes.text(oldSpec, "nodeName").isEmpty() && Nodes.objects(newSpec, "schedulingGates").isEmpty()) {
            copy(oldSpec, munged, "nodeName");
        }
        if (!Nodes.objects(oldSpec, "schedulingGates").isEmpty()) {
            causes.addAll(gatedPodPlacement(oldSpec, munged));
        }
        if (!munged.equals(oldSpec)) {
            causes.add(Causes.forbidden("spec", UPDATE_FORBIDDEN));
        }
        return causes;
    }

    /** validateContainerOnlyForPod's image rule (pods only, not templates). */
    static List<Cause> imageWhitespace(String image, String at) {
        return image.strip().length() == image.length() ? List.of()
                : List.of(Causes.invalid(at, GoValues.quote(image), "must not have leading or trailing whitespace"));
    }

    /**
     * validateOnlyAddedTolerations: each old toleration still there, but for its tolerationSeconds; then the new
     * ones are checked as on create (Kubernetes reports those problems twice on an update, and so does drover).
     */
    private static List<Cause> onlyAddedTolerations(ObjectNode oldSpec, ObjectNode newSpec) {
        List<ObjectNode> added = Nodes.objects(newSpec, "tolerations");
        for (ObjectNode old : Nodes.objects(oldSpec, "tolerations")) {
            if (added.stream().noneMatch(t -> sameExceptSeconds(old, t))) {
                return List.of(Causes.forbidden("spec.tolerations",
                        "existing toleration can not be modified except its tolerationSeconds"));
            }
        }
        return PodPlacementValidation.tolerations(newSpec, "spec.tolerations");
    }

    private static boolean sameExceptSeconds(ObjectNode a, ObjectNode b) {
        return List.of("key", "operator", "value", "effect").stream()
                .allMatch(f -> Nodes.text(a, f).equals(Nodes.text(b, f)));
    }

    /** validateOnlyDeletedSchedulingGates: no gate the old pod did not have. */
    private static List<Cause> onlyDeletedSchedulingGates(ObjectNode oldSpec, ObjectNode newSpec) {
        Set<String> old = new HashSet<>();
        Nodes.objects(oldSpec, "schedulingGates").forEach(g -> old.add(Nodes.text(g, "name")));
        List<ObjectNode> gates = Nodes.objects(newSpec, "schedulingGates");
        // Kubernetes keeps the last index of each new name (in a map, reported in random order); here by index.
        Map<String, Integer> last = new LinkedHashMap<>();
        for (int i = 0; i < gates.size(); i++) {
            String name = Nodes.text(gates.get(i), "name");
            if (!old.contains(name)) {
                last.remove(name);
                last.put(name, i);
            }
        }
        return last.entrySet().stream().sorted(Map.Entry.comparingByValue())
                .map(e -> Causes.forbidden("spec.schedulingGates[" + e.getValue() + "].name",
                        "only deletion is allowed, but found new scheduling gate '" + e.getKey() + "'"))
                .toList();
    }

    /**
     * A gated pod's nodeSelector may gain entries, and its required node affinity terms may gain expressions
     * (or be set where there were none); what passes is put back to the old value in {@code munged}.
     */
    private static List<Cause> gatedPodPlacement(ObjectNode oldSpec, ObjectNode munged) {
        List<Cause> causes = new ArrayList<>();
        JsonNode oldSelector = oldSpec.get("nodeSelector");
        JsonNode newSelector = munged.get("nodeSelector");
        if (!stringMap(oldSelector).equals(stringMap(newSelector))) {
            for (Map.Entry<String, String> entry : stringMap(oldSelector).entrySet()) {
                if (!entry.getValue().equals(stringMap(newSelector).get(entry.getKey()))) {
                    causes.add(Causes.invalid("spec.nodeSelector", GoValues.stringMap(newSelector),
                            "only additions to spec.nodeSelector are allowed (no mutations or deletions)"));
                    break;
                }
            }
            copy(oldSpec, munged, "nodeSelector");
        }
        ObjectNode oldAffinity = Nodes.object(oldSpec, "affinity");
        ObjectNode oldNode = Nodes.object(oldAffinity, "nodeAffinity");
        ObjectNode affinity = Nodes.object(munged, "affinity");
        ObjectNode newNode = Nodes.object(affinity, "nodeAffinity");
        if (Objects.equals(oldNode, newNode)) {
            return causes;
        }
        causes.addAll(nodeAffinityMutation(oldNode, newNode));
        if (affinity == null) {
            if (oldNode != null) {
                munged.putObject("affinity").set("nodeAffinity", oldNode.deepCopy());
            }
        } else if (oldAffinity == null && Nodes.object(affinity, "podAffinity") == null
                && Nodes.object(affinity, "podAntiAffinity") == null) {
            munged.remove("affinity");
        } else if (oldNode == null) {
            affinity.remove("nodeAffinity");
        } else {
            affinity.set("nodeAffinity", oldNode.deepCopy());
        }
        return causes;
    }

    /** validateNodeAffinityMutation: the old required terms stay, each keeping its expressions and fields first. */
    private static List<Cause> nodeAffinityMutation(ObjectNode oldNode, ObjectNode newNode) {
        ObjectNode oldRequired = Nodes.object(oldNode, REQUIRED_TERMS);
        if (oldRequired == null) {
            return List.of();
        }
        String at = "spec.affinity.nodeAffinity." + REQUIRED_TERMS + ".nodeSelectorTerms";
        List<ObjectNode> oldTerms = Nodes.objects(oldRequired, "nodeSelectorTerms");
        ObjectNode newRequired = Nodes.object(newNode, REQUIRED_TERMS);
        JsonNode newTermsNode = newRequired == null ? null : newRequired.get("nodeSelectorTerms");
        List<ObjectNode> newTerms = Nodes.objects(newRequired, "nodeSelectorTerms");
        if (!oldTerms.isEmpty() && oldTerms.size() != newTerms.size()) {
            return List.of(Causes.invalid(at, GoNodeSelector.terms(newTermsNode),
                    "no additions/deletions to non-empty NodeSelectorTerms list are allowed"));
        }
        List<Cause> causes = new ArrayList<>();
        for (int i = 0; i < oldTerms.size(); i++) {
            if (!onlyAdditions(oldTerms.get(i), newTerms.get(i))) {
                causes.add(Causes.invalid(at + "[" + i + "]", GoNodeSelector.term(newTerms.get(i)),
                        "only additions are allowed (no mutations or deletions)"));
            }
        }
        return causes;
    }

    private static boolean onlyAdditions(ObjectNode oldTerm, ObjectNode newTerm) {
        boolean oldEmpty = oldTerm.path("matchExpressions").isEmpty() && oldTerm.path("matchFields").isEmpty();
        if (oldEmpty && (!newTerm.path("matchExpressions").isEmpty() || !newTerm.path("matchFields").isEmpty())) {
            return false;
        }
        for (String list : List.of("matchExpressions", "matchFields")) {
            List<ObjectNode> before = Nodes.objects(oldTerm, list);
            List<ObjectNode> after = Nodes.objects(newTerm, list);
            if (after.size() < before.size() || !GoNodeSelector.sameRequirements(before, after.subList(0,
                    before.size()))) {
                return false;
            }
        }
        return true;
    }

    private static Map<String, String> stringMap(JsonNode map) {
        if (map == null || !map.isObject()) {
            return Map.of();
        }
        return map.properties().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().asText()));
    }

    private static void copy(JsonNode from, ObjectNode to, String field) {
        JsonNode value = from.get(field);
        if (value == null) {
            to.remove(field);
        } else {
            to.set(field, value.deepCopy());
        }
    }
}
