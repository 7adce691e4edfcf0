package io.drover.api.strategy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.ApiException.Cause;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Kubernetes' checks of the pod's and its containers' security settings and OS (pkg/apis/core/validation:
 * validatePodSpecSecurityContext, ValidateSecurityContext, validateSeccompProfileField, validateSysctls,
 * validateOS): known values, and no contradictions. The process runtime applies the users and groups only, but
 * a manifest drover takes must also be one Kubernetes takes.
 */
final class PodSecurityValidation {
    private static final List<String> FS_GROUP_CHANGE_POLICIES = List.of("Always", "OnRootMismatch");
    private static final List<String> SECCOMP_TYPES = List.of("Localhost", "RuntimeDefault", "Unconfined");
    private static final List<String> PROC_MOUNTS = List.of("Default", "Unmasked");
    private static final List<String> OS_NAMES = List.of("linux", "windows");
    private static final String SYSCTL_SEGMENT = "[a-z0-9]([-_a-z0-9]*[a-z0-9])?";
    private static final String SYSCTL_REGEX = "^(" + SYSCTL_SEGMENT + "[\\./])*" + SYSCTL_SEGMENT + "$";
    private static final Pattern SYSCTL = Pattern.compile(SYSCTL_REGEX);

    private PodSecurityValidation() {}

    static List<Cause> validate(JsonNode spec, String path) {
        List<Cause> causes = new ArrayList<>();
        String at = path + ".securityContext";
        JsonNode context = spec.path("securityContext");
        causes.addAll(PodSpecValidation.id(context.get("fsGroup"), at + ".fsGroup"));
        if (Nodes.isTrue(spec, "shareProcessNamespace") && Nodes.isTrue(spec, "hostPID")) {
            causes.add(Causes.invalid(at + ".shareProcessNamespace", "true",
                    "ShareProcessNamespace and HostPID cannot both be enabled"));
        }
        causes.addAll(sysctls(Nodes.objects(context, "sysctls"), at + ".sysctls"));
        String policy = Nodes.text(context, "fsGroupChangePolicy");
        if (context.hasNonNull("fsGroupChangePolicy") && !FS_GROUP_CHANGE_POLICIES.contains(policy)) {
            causes.add(Causes.notSupported(at + ".fsGroupChangePolicy", GoValues.quote(policy), FS_GROUP_CHANGE_POLICIES));
        }
        causes.addAll(seccomp(Nodes.object(context, "seccompProfile"), at + ".seccompProfile"));
        ObjectNode os = Nodes.object(spec, "os");
        if (os != null) {
            String name = Nodes.text(os, "name");
            if (name.isEmpty()) {
                causes.add(Causes.required(path + ".os.name", "cannot be empty"));
            } else if (!OS_NAMES.contains(name)) {
                causes.add(Causes.notSupported(path + ".os", GoValues.quote(name), OS_NAMES));
            }
        }
        return causes;
    }

    /** ValidateSecurityContext for the container at {@code at}. */
    static List<Cause> container(ObjectNode container, String at) {
        ObjectNode context = Nodes.object(container, "securityContext");
        if (context == null) {
            return List.of();
        }
        List<Cause> causes = new ArrayList<>();
        String path = at + ".securityContext";
        if (context.hasNonNull("procMount")) {
            String procMount = Nodes.text(context, "procMount");
            if (!PROC_MOUNTS.contains(procMount)) {
                causes.add(Causes.notSupported(path + ".procMount", GoValues.quote(procMount), PROC_MOUNTS));
            } else if (procMount.equals("Unmasked")) {
                causes.add(Causes.invalid(path + ".procMount", GoValues.quote(procMount),
                        "`hostUsers` must be false to use `Unmasked`"));
            }
        }
        causes.addAll(seccomp(Nodes.object(context, "seccompProfile"), path + ".seccompProfile"));
        if (context.path("allowPrivilegeEscalation").isBoolean() && !context.path("allowPrivilegeEscalation").asBoolean()) {
            if (Nodes.isTrue(context, "privileged")) {
                causes.add(Causes.invalid(path, "&core.SecurityContext{...}",
                        "cannot set `allowPrivilegeEscalation` to false and `privileged` to true"));
            }
            for (JsonNode capability : context.path("capabilities").path("add")) {
                if (capability.asText().equals("CAP_SYS_ADMIN")) {
                    causes.add(Causes.invalid(path, "&core.SecurityContext{...}",
                            "cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN"));
                }
            }
        }
        return causes;
    }

    private static List<Cause> seccomp(ObjectNode profile, String at) {
        if (profile == null) {
            return List.of();
        }
        List<Cause> causes = new ArrayList<>();
        String type = Nodes.text(profile, "type");
        if (type.isEmpty()) {
            causes.add(Causes.required(at + ".type", "type is required when seccompProfile is set"));
        } else if (!SECCOMP_TYPES.contains(type)) {
            causes.add(Causes.notSupported(at + ".type", GoValues.quote(type), SECCOMP_TYPES));
        }
        boolean hasLocalhost = profile.hasNonNull("localhostProfile");
        if (type.equals("Localhost") && !hasLocalhost) {
            causes.add(Causes.required(at + ".localhostProfile", "must be set when seccomp type is Localhost"));
        } else if (!type.equals("Localhost") && hasLocalhost) {
            causes.add(Causes.invalid(at + ".localhostProfile", "&core.SeccompProfile{...}",
                    "can only be set when seccomp type is Localhost"));
        }
        return causes;
    }

    private static List<Cause> sysctls(List<ObjectNode> sysctls, String path) {
        List<Cause> causes = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < sysctls.size(); i++) {
            String name = Nodes.text(sysctls.get(i), "name");
            String at = path + "[" + i + "].name";
            if (name.isEmpty()) {
                causes.add(Causes.required(at));
            } else if (name.length() > 253 || !SYSCTL.matcher(name).matches()) {
                causes.add(Causes.invalid(at, GoValues.quote(name),
                        "must have at most 253 characters and match regex " + SYSCTL_REGEX));
            } else if (names.contains(name)) {
                causes.add(Causes.duplicate(at, GoValues.quote(name)));
            }
            names.add(name);
        }
        return causes;
    }
}
