package io.drover.api.strategy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.ApiException.Cause;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A pod's status write as Kubernetes' ValidatePodStatusUpdate checks it (pkg/apis/core/validation): custom
 * condition types are qualified names, a new nominatedNodeName is a node name, the QoS class never changes, a
 * terminated container of a pod that will not restart it stays terminated, the pod and host IPs are IPs (one per
 * family, no duplicate, hostIPs[0] the hostIP), and the users reported for Linux containers are valid IDs.
 *
 * <p>The node agent writes through here (PodStatuses): it keeps the QoS class and the conditions it does not own,
 * and never restarts a container its pod's restart policy keeps terminated, so its writes pass.
 *
 * <p>Not checked: resourceClaimStatuses (drover has no dynamic resource allocation) and allocatedResourcesStatus.
 */
final class PodStatusRules {
    /** The condition types Kubernetes itself sets, which validatePodConditions does not check. */
    private static final Set<String> SYSTEM_CONDITIONS = Set.of("PodScheduled", "Ready", "Initialized");
    private static final String NON_TERMINATED = "may not be transitioned to non-terminated state";

    private PodStatusRules() {}

    static List<Cause> validate(ObjectNode oldPod, ObjectNode newPod) {
        List<Cause> causes = new ArrayList<>();
        JsonNode status = newPod.path("status");
        JsonNode oldStatus = oldPod.path("status");
        List<ObjectNode> conditions = Nodes.objects(status, "conditions");
        for (int i = 0; i < conditions.size(); i++) {
            String type = Nodes.text(conditions.get(i), "type");
            if (!SYSTEM_CONDITIONS.contains(type)) {
                // Kubernetes' path, metadata and Go field name included.
                causes.addAll(Causes.invalidEach("metadata.conditions[" + i + "].Type", type,
                        NameRules.qualifiedName(type)));
            }
        }
        String nominated = Nodes.text(status, "nominatedNodeName");
        if (!nominated.isEmpty() && !nominated.equals(Nodes.text(oldStatus, "nominatedNodeName"))) {
            causes.addAll(Causes.invalidEach("status.nominatedNodeName", nominated,
                    NameRules.dns1123Subdomain(nominated)));
        }
        String qos = Nodes.text(status, "qosClass");
        if (!qos.equals(Nodes.text(oldStatus, "qosClass"))) {
            causes.add(Causes.immutable("status.qosClass", GoValues.quote(qos)));
        }
        JsonNode oldSpec = oldPod.path("spec");
        String restartPolicy = Nodes.text(oldSpec, "restartPolicy");
        Set<String> sidecars = Nodes.objects(oldSpec, "initContainers").stream()
                .filter(c -> "Always".equals(Nodes.text(c, "restartPolicy")))
                .map(c -> Nodes.text(c, "name")).collect(Collectors.toSet());
        causes.addAll(stateTransitions(status, oldStatus, "containerStatuses", restartPolicy, Set.of()));
        causes.addAll(stateTransitions(status, oldStatus, "initContainerStatuses", restartPolicy, sidecars));
        // The kubelet never restarts an ephemeral container: as if its restart policy were Never.
        causes.addAll(stateTransitions(status, oldStatus, "ephemeralContainerStatuses", "Never", Set.of()));
        causes.addAll(addresses(status, "podIP", "podIPs", "core.PodIP"));
        causes.addAll(addresses(status, "hostIP", "hostIPs", "core.HostIP"));
        boolean windows = "windows".equals(newPod.path("spec").path("os").path("name").asText(""));
        for (String list : List.of("containerStatuses", "initContainerStatuses", "ephemeralContainerStatuses")) {
            causes.addAll(users(Nodes.objects(status, list), "status." + list, windows));
        }
        return causes;
    }

    /**
     * ValidateContainerStateTransition and ValidateInitContainerStateTransition: unless the pod restarts its
     * containers always, a terminated one (unless it failed and the policy is OnFailure, or it is a sidecar) may
     * not be reported running or waiting again. The error names the old status's index, as Kubernetes does.
     */
    private static List<Cause> stateTransitions(JsonNode status, JsonNode oldStatus, String list,
            String restartPolicy, Set<String> restartable) {
        List<Cause> causes = new ArrayList<>();
        if (restartPolicy.equals("Always")) {
            return causes;
        }
        List<ObjectNode> before = Nodes.objects(oldStatus, list);
        List<ObjectNode> after = Nodes.objects(status, list);
        for (int i = 0; i < before.size(); i++) {
            JsonNode terminated = before.get(i).path("state").get("terminated");
            if (terminated == null || terminated.isNull()) {
                continue;
            }
            if (terminated.path("exitCode").asLong(0) != 0 && restartPolicy.equals("OnFailure")) {
                continue;
            }
            String name = Nodes.text(before.get(i), "name");
            if (restartable.contains(name)) {
                continue;
            }
            for (ObjectNode next : after) {
                JsonNode nextTerminated = next.path("state").get("terminated");
                if (name.equals(Nodes.text(next, "name")) && (nextTerminated == null || nextTerminated.isNull())) {
                    causes.add(Causes.forbidden("status." + list + "[" + i + "].state", NON_TERMINATED));
                }
            }
        }
        return causes;
    }

    /**
     * The v1 conversion's round trip of a pod's addresses, as stored: the single field wins when it is set and the
     * list is empty or starts elsewhere, and the single field is then the list's first.
     */
    static void normalizeAddresses(ObjectNode status, String single, String list) {
        String first = Nodes.text(status, single);
        List<ObjectNode> entries = Nodes.objects(status, list);
        if (!first.isEmpty() && (entries.isEmpty() || !Nodes.text(entries.get(0), "ip").equals(first))) {
            status.putArray(list).addObject().put("ip", first);
        } else if (first.isEmpty() && !entries.isEmpty()) {
            status.put(single, Nodes.text(entries.get(0), "ip"));
        }
    }

    /**
     * validatePodIPs and validateHostIPs, on the list as Kubernetes converts it from v1: the single field wins when
     * it is set and the list is empty or starts elsewhere.
     */
    private static List<Cause> addresses(JsonNode status, String single, String list, String goType) {
        List<Cause> causes = new ArrayList<>();
        String first = Nodes.text(status, single);
        List<String> ips = new ArrayList<>();
        Nodes.objects(status, list).forEach(entry -> ips.add(Nodes.text(entry, "ip")));
        if (!first.isEmpty() && (ips.isEmpty() || !ips.get(0).equals(first))) {
            ips.clear();
            ips.add(first);
        }
        String path = "status." + list;
        if (single.equals("hostIP") && !ips.isEmpty() && !first.equals(ips.get(0))) {
            causes.add(Causes.invalid(path + "[0].ip", GoValues.quote(ips.get(0)), "must be equal to `hostIP`"));
        }
        boolean allValid = true;
        for (int i = 0; i < ips.size(); i++) {
            if (!PodNetworkValidation.isIp(ips.get(i))) {
                allValid = false;
                causes.add(Causes.invalid(path + "[" + i + "]", GoValues.quote(ips.get(i)),
                        PodNetworkValidation.IP_ERROR));
            }
        }
        if (ips.size() < 2) {
            return causes;
        }
        Set<String> seen = new HashSet<>();
        List<Cause> duplicates = new ArrayList<>();
        for (int i = 0; i < ips.size(); i++) {
            if (!seen.add(ips.get(i))) {
                duplicates.add(Causes.duplicate(path + "[" + i + "]", goType + "{IP:" + GoValues.quote(ips.get(i)) + "}"));
            }
        }
        // Kubernetes' dual-stack check fails with an internal error on an invalid IP; drover reports the IP alone.
        List<Cause> family = new ArrayList<>();
        long v4 = ips.stream().filter(ip -> !ip.contains(":")).count();
        if (allValid && (ips.size() > 2 || v4 != 1)) {
            family.add(Causes.invalid(path, ips.stream().map(ip -> goType + "{IP:" + GoValues.quote(ip) + "}")
                    .collect(Collectors.joining(", ", "[]" + goType + "{", "}")),
                    "may specify no more than one IP for each IP family"));
        }
        // validatePodIPs reports the family before duplicates, validateHostIPs after them.
        if (single.equals("podIP")) {
            causes.addAll(family);
            causes.addAll(duplicates);
        } else {
            causes.addAll(duplicates);
            causes.addAll(family);
        }
        return causes;
    }

    /** validateContainerStatusUsers: a Linux user's IDs in range; no Linux user at all on a Windows pod. */
    private static List<Cause> users(List<ObjectNode> statuses, String path, boolean windows) {
        List<Cause> causes = new ArrayList<>();
        for (int i = 0; i < statuses.size(); i++) {
            JsonNode linux = statuses.get(i).path("user").get("linux");
            if (linux == null || linux.isNull()) {
                continue;
            }
            // Kubernetes' path leaves out "user".
            String at = path + "[" + i + "].linux";
            if (windows) {
                causes.add(Causes.forbidden(at, "cannot be set for a windows pod"));
                continue;
            }
            causes.addAll(PodSpecValidation.id(linux.path("uid"), at + ".uid"));
            causes.addAll(PodSpecValidation.id(linux.path("gid"), at + ".gid"));
            int g = 0;
            for (JsonNode gid : linux.path("supplementalGroups")) {
                causes.addAll(PodSpecValidation.id(gid, at + ".supplementalGroups[" + g++ + "]"));
            }
        }
        return causes;
    }
}
