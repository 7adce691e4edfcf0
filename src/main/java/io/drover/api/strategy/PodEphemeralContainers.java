package io.drover.api.strategy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.ApiException.Cause;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A pod's ephemeral containers ({@code kubectl debug}), added through the pods/ephemeralcontainers
 * subresource only, with Kubernetes' rules (ValidatePodEphemeralContainersUpdate and
 * validateEphemeralContainers) and messages: existing ones may be neither removed nor changed;
 * a new one has a name unique among all the pod's containers, a target that is one of its regular
 * or init containers, and none of the fields that would make it part of the workload (ports,
 * probes, lifecycle, resources, restartPolicy).
 */
public final class PodEphemeralContainers {
    private static final String PATH = "spec.ephemeralContainers";
    /** The container fields an ephemeral container may not set (Kubernetes' allow list, inverted). */
    private static final List<String> FORBIDDEN = List.of("ports", "resources", "resizePolicy", "livenessProbe",
            "readinessProbe", "startupProbe", "lifecycle", "restartPolicy");
    private static final String FORBIDDEN_DETAIL = "cannot be set for an Ephemeral Container";

    private PodEphemeralContainers() {}

    /** Why this write of the ephemeralcontainers subresource is refused; empty when it is allowed. */
    public static List<Cause> validateUpdate(ObjectNode oldPod, ObjectNode newPod) {
        List<Cause> causes = new ArrayList<>();
        Map<String, ObjectNode> added = new LinkedHashMap<>();
        for (ObjectNode c : Nodes.objects(Nodes.object(newPod, "spec"), "ephemeralContainers")) {
            added.put(Nodes.text(c, "name"), c);
        }
        for (ObjectNode old : Nodes.objects(Nodes.object(oldPod, "spec"), "ephemeralContainers")) {
            String name = Nodes.text(old, "name");
            ObjectNode now = added.get(name);
            if (now == null) {
                causes.add(Causes.forbidden(PATH, "existing ephemeral containers \"" + name + "\" may not be removed\n"));
            } else if (!now.equals(old)) {
                causes.add(Causes.forbidden(PATH, "existing ephemeral containers \"" + name + "\" may not be changed\n"));
            }
        }
        causes.addAll(PodStrategy.validateSpec(newPod));
        return causes;
    }

    /** Problems of the ephemeral containers of a pod spec (validateEphemeralContainers). */
    static List<Cause> validate(ObjectNode spec) {
        List<Cause> causes = new ArrayList<>();
        Set<String> others = new HashSet<>();
        for (String list : List.of("containers", "initContainers")) {
            Nodes.objects(spec, list).forEach(c -> others.add(Nodes.text(c, "name")));
        }
        Set<String> all = new HashSet<>(others);
        Set<String> volumes = new HashSet<>();
        Nodes.objects(spec, "volumes").forEach(v -> volumes.add(Nodes.text(v, "name")));
        List<ObjectNode> ephemeral = Nodes.objects(spec, "ephemeralContainers");
        for (int i = 0; i < ephemeral.size(); i++) {
            ObjectNode c = ephemeral.get(i);
            String at = PATH + "[" + i + "]";
            String name = Nodes.text(c, "name");
            if (name.isEmpty()) {
                causes.add(Causes.required(at + ".name"));
            } else {
                causes.addAll(Causes.invalidEach(at + ".name", name, NameRules.dns1123Label(name)));
                if (!all.add(name)) {
                    causes.add(Causes.duplicate(at + ".name", GoValues.quote(name)));
                }
            }
            String target = Nodes.text(c, "targetContainerName");
            if (!target.isEmpty() && !others.contains(target)) {
                causes.add(Causes.notFound(at + ".targetContainerName", GoValues.quote(target)));
            }
            for (String field : FORBIDDEN) {
                if (set(c.get(field))) {
                    causes.add(Causes.forbidden(at + "." + field, FORBIDDEN_DETAIL));
                }
            }
            // What every container is checked for (validateContainerCommon): environment, mounts of pod volumes.
            causes.addAll(ContainerFieldValidation.validate(c, at, volumes));
            List<ObjectNode> mounts = Nodes.objects(c, "volumeMounts");
            for (int m = 0; m < mounts.size(); m++) {
                for (String field : List.of("subPath", "subPathExpr")) {
                    if (!Nodes.text(mounts.get(m), field).isEmpty()) {
                        causes.add(Causes.forbidden(at + ".volumeMounts[" + m + "]." + field, FORBIDDEN_DETAIL));
                    }
                }
            }
        }
        return causes;
    }

    /** A field Go would see as non-zero. */
    private static boolean set(JsonNode value) {
        return value != null && !value.isNull() && !(value.isContainerNode() && value.isEmpty())
                && !(value.isTextual() && value.asText().isEmpty());
    }
}
