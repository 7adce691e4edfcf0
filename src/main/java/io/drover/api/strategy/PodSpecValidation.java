package io.drover.api.strategy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.ApiException.Cause;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Kubernetes' checks of a PodSpec (pkg/apis/core/validation: ValidatePodSpec and validateContainers), the part
 * drover enforces: containers, their names, images, pull policies, ports, probes, lifecycle hooks, environment,
 * volume mounts and resources ({@link ContainerFieldValidation}); volumes' names and sources
 * ({@link VolumeSourceValidation}); DNS, names and host ports ({@link PodNetworkValidation}); node selector and
 * tolerations ({@link PodPlacementValidation}); the restart and DNS policies; readiness gates.
 */
final class PodSpecValidation {
    static final String PROCESS_RUNTIME = "process";
    private static final List<String> RESTART_POLICIES = List.of("Always", "OnFailure", "Never");
    private static final List<String> DNS_POLICIES = List.of("ClusterFirstWithHostNet", "ClusterFirst", "Default",
            "None");
    private static final List<String> PULL_POLICIES = List.of("Always", "IfNotPresent", "Never");
    private static final String SIDECAR_RESTART_POLICY = "Always";
    private static final List<String> PROTOCOLS = List.of("SCTP", "TCP", "UDP");

    private PodSpecValidation() {}

    /** The problems of a pod spec at {@code path} ("spec" or "spec.template.spec"). */
    static List<Cause> validate(JsonNode spec, String path) {
        List<Cause> causes = new ArrayList<>();
        if (spec == null || !spec.isObject()) {
            causes.add(Causes.required(path + ".containers"));
            return causes;
        }
        // Kubernetes' order (ValidatePodSpec): volumes, the containers, the init containers, the policies, then the rest.
        causes.addAll(volumes(spec, path + ".volumes"));
        // drover: pods of the process runtime run a command on the host and need no image. Without a
        // runtimeClassName the node picks its default runtime (process when no container engine is
        // configured), so only a pod that names another runtime must have an image; a pod that needs
        // an image the node cannot run fails there with a clear condition.
        boolean imageRequired = imageRequired(spec);
        // The containers first, then the init containers, as Kubernetes checks them: a name that both
        // use is a duplicate of the init container's.
        Set<String> names = new HashSet<>();
        List<ObjectNode> containers = Nodes.objects(spec, "containers");
        if (containers.isEmpty()) {
            causes.add(Causes.required(path + ".containers"));
        }
        Set<String> volumes = new HashSet<>();
        Nodes.objects(spec, "volumes").forEach(v -> volumes.add(Nodes.text(v, "name")));
        long gracePeriod = spec.path("terminationGracePeriodSeconds").asLong(30);
        causes.addAll(containers(containers, path + ".containers", names, volumes, gracePeriod, imageRequired,
                false));
        causes.addAll(containers(Nodes.objects(spec, "initContainers"), path + ".initContainers", names, volumes,
                gracePeriod, imageRequired, true));
        String restart = Nodes.text(spec, "restartPolicy");
        if (restart.isEmpty()) {
            causes.add(Causes.required(path + ".restartPolicy"));
        } else if (!RESTART_POLICIES.contains(restart)) {
            causes.add(Causes.notSupported(path + ".restartPolicy", GoValues.quote(restart), RESTART_POLICIES));
        }
        String dns = Nodes.text(spec, "dnsPolicy");
        if (dns.isEmpty()) {
            causes.add(Causes.required(path + ".dnsPolicy"));
        } else if (!DNS_POLICIES.contains(dns)) {
            causes.add(Causes.notSupported(path + ".dnsPolicy", GoValues.quote(dns), DNS_POLICIES));
        }
        causes.addAll(PodNetworkValidation.validate(spec, path));
        causes.addAll(PodPlacementValidation.validate(spec, path));
        causes.addAll(readinessGates(spec, path + ".readinessGates"));
        causes.addAll(PodSecurityValidation.validate(spec, path));
        for (String field : List.of("serviceAccountName", "nodeName", "runtimeClassName")) {
            String name = Nodes.text(spec, field);
            if (!name.isEmpty()) {
                causes.addAll(Causes.invalidEach(path + "." + field, name, NameRules.dns1123Subdomain(name)));
            }
        }
        causes.addAll(ids(spec.path("securityContext"), path + ".securityContext"));
        List<JsonNode> groups = new ArrayList<>();
        spec.path("securityContext").path("supplementalGroups").forEach(groups::add);
        for (int i = 0; i < groups.size(); i++) {
            causes.addAll(id(groups.get(i), path + ".securityContext.supplementalGroups[" + i + "]"));
        }
        JsonNode deadline = spec.get("activeDeadlineSeconds");
        if (deadline != null && !deadline.isNull() && (deadline.asLong() < 1 || deadline.asLong() > Integer.MAX_VALUE)) {
            causes.add(Causes.invalid(path + ".activeDeadlineSeconds", deadline.asText(),
                    NameRules.inclusiveRangeError(1, Integer.MAX_VALUE)));
        }
        return causes;
    }

    /** Whether the spec's containers need an image: only when it names a runtime other than the process one. */
    static boolean imageRequired(JsonNode spec) {
        String runtime = Nodes.text(spec, "runtimeClassName");
        return !runtime.isEmpty() && !PROCESS_RUNTIME.equals(runtime);
    }

    /** validateReadinessGates: each conditionType a qualified name. */
    private static List<Cause> readinessGates(JsonNode spec, String path) {
        List<Cause> causes = new ArrayList<>();
        List<ObjectNode> gates = Nodes.objects(spec, "readinessGates");
        for (int i = 0; i < gates.size(); i++) {
            String type = Nodes.text(gates.get(i), "conditionType");
            causes.addAll(Causes.invalidEach(path + "[" + i + "].conditionType", type, NameRules.qualifiedName(type)));
        }
        return causes;
    }

    /** runAsUser and runAsGroup: Kubernetes' IsValidUserID and IsValidGroupID. */
    private static List<Cause> ids(JsonNode securityContext, String path) {
        List<Cause> causes = new ArrayList<>();
        for (String field : List.of("runAsUser", "runAsGroup")) {
            causes.addAll(id(securityContext.get(field), path + "." + field));
        }
        return causes;
    }

    static List<Cause> id(JsonNode value, String field) {
        if (value == null || value.isNull() || !value.canConvertToLong()
                || (value.asLong() >= 0 && value.asLong() <= Integer.MAX_VALUE)) {
            return List.of();
        }
        return List.of(Causes.invalid(field, value.asText(), NameRules.inclusiveRangeError(0, Integer.MAX_VALUE)));
    }

    private static List<Cause> volumes(JsonNode spec, String path) {
        List<Cause> causes = new ArrayList<>();
        Set<String> names = new HashSet<>();
        List<ObjectNode> volumes = Nodes.objects(spec, "volumes");
        for (int i = 0; i < volumes.size(); i++) {
            String name = Nodes.text(volumes.get(i), "name");
            String field = path + "[" + i + "].name";
            if (name.isEmpty()) {
                causes.add(Causes.required(field));
            } else {
                causes.addAll(Causes.invalidEach(field, name, NameRules.dns1123Label(name)));
                if (!names.add(name)) {
                    causes.add(Causes.duplicate(field, GoValues.quote(name)));
                }
            }
            causes.addAll(VolumeSourceValidation.validate(volumes.get(i), path + "[" + i + "]"));
        }
        return causes;
    }

    private static List<Cause> containers(List<ObjectNode> containers, String path, Set<String> names,
            Set<String> volumes, long gracePeriod, boolean imageRequired, boolean init) {
        List<Cause> causes = new ArrayList<>();
        for (int i = 0; i < containers.size(); i++) {
            ObjectNode c = containers.get(i);
            String at = path + "[" + i + "]";
            String name = Nodes.text(c, "name");
            if (name.isEmpty()) {
                causes.add(Causes.required(at + ".name"));
            } else {
                causes.addAll(Causes.invalidEach(at + ".name", name, NameRules.dns1123Label(name)));
                if (!names.add(name)) {
                    causes.add(Causes.duplicate(at + ".name", GoValues.quote(name)));
                }
            }
            if (imageRequired && Nodes.text(c, "image").isEmpty()) {
                causes.add(Causes.required(at + ".image"));
            }
            String pull = Nodes.text(c, "imagePullPolicy");
            if (!pull.isEmpty() && !PULL_POLICIES.contains(pull)) {
                causes.add(Causes.notSupported(at + ".imagePullPolicy", GoValues.quote(pull), PULL_POLICIES));
            }
            causes.addAll(ports(Nodes.objects(c, "ports"), at + ".ports"));
            causes.addAll(ContainerFieldValidation.validate(c, at, volumes));
            causes.addAll(init ? initContainerRules(c, at, gracePeriod) : regularContainerRules(c, at, gracePeriod));
            causes.addAll(ids(c.path("securityContext"), at + ".securityContext"));
            causes.addAll(PodSecurityValidation.container(c, at));
        }
        return causes;
    }

    /**
     * An init container's restartPolicy may only be Always (a sidecar, which may have probes and
     * lifecycle hooks like a container); a regular init container may have neither.
     */
    private static List<Cause> initContainerRules(ObjectNode c, String at, long gracePeriod) {
        List<Cause> causes = new ArrayList<>();
        String restart = Nodes.text(c, "restartPolicy");
        if (!restart.isEmpty() && !SIDECAR_RESTART_POLICY.equals(restart)) {
            causes.add(Causes.notSupported(at + ".restartPolicy", GoValues.quote(restart),
                    List.of(SIDECAR_RESTART_POLICY)));
        }
        if (SIDECAR_RESTART_POLICY.equals(restart)) {
            causes.addAll(ProbeValidation.lifecycle(c, at, gracePeriod));
            causes.addAll(ProbeValidation.validate(c, at));
            return causes;
        }
        for (String field : List.of("lifecycle", "livenessProbe", "readinessProbe", "startupProbe")) {
            if (c.hasNonNull(field)) {
                causes.add(Causes.forbidden(at + "." + field,
                        "may not be set for init containers without restartPolicy=Always"));
            }
        }
        return causes;
    }

    /** A container's probes; its restartPolicy is only for init containers. */
    private static List<Cause> regularContainerRules(ObjectNode c, String at, long gracePeriod) {
        List<Cause> causes = new ArrayList<>(ProbeValidation.lifecycle(c, at, gracePeriod));
        causes.addAll(ProbeValidation.validate(c, at));
        if (c.hasNonNull("restartPolicy")) {
            causes.add(Causes.forbidden(at + ".restartPolicy", "may not be set for non-init containers"));
        }
        return causes;
    }

    private static List<Cause> ports(List<ObjectNode> ports, String path) {
        List<Cause> causes = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < ports.size(); i++) {
            ObjectNode p = ports.get(i);
            String at = path + "[" + i + "]";
            String name = Nodes.text(p, "name");
            if (!name.isEmpty()) {
                List<String> errs = NameRules.portName(name);
                causes.addAll(Causes.invalidEach(at + ".name", name, errs));
                if (errs.isEmpty() && !names.add(name)) {
                    causes.add(Causes.duplicate(at + ".name", GoValues.quote(name)));
                }
            }
            long containerPort = p.path("containerPort").asLong(0);
            if (containerPort == 0) {
                causes.add(Causes.required(at + ".containerPort"));
            } else {
                NameRules.portNumber(containerPort)
                        .forEach(m -> causes.add(Causes.invalid(at + ".containerPort", "" + containerPort, m)));
            }
            long hostPort = p.path("hostPort").asLong(0);
            if (hostPort != 0) {
                NameRules.portNumber(hostPort)
                        .forEach(m -> causes.add(Causes.invalid(at + ".hostPort", "" + hostPort, m)));
            }
            causes.addAll(protocol(p, at + ".protocol"));
        }
        return causes;
    }

    /** A port's protocol: required, and one of SCTP, TCP, UDP. */
    static List<Cause> protocol(JsonNode port, String field) {
        String protocol = Nodes.text(port, "protocol");
        if (protocol.isEmpty()) {
            return List.of(Causes.required(field));
        }
        return PROTOCOLS.contains(protocol) ? List.of()
                : List.of(Causes.notSupported(field, GoValues.quote(protocol), PROTOCOLS));
    }
}
