package io.drover.api.strategy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.ApiException.Cause;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Kubernetes' checks of a container's environment, volume mounts and resources (pkg/apis/core/validation:
 * ValidateEnv, ValidateEnvFrom, ValidateVolumeMounts, ValidateContainerResourceRequirements), with its messages,
 * as Kubernetes 1.32 applies them (environment variable names by the relaxed rule, on by default there).
 */
final class ContainerFieldValidation {
    private static final String RELAXED_ENV_NAME =
            "a valid environment variable name must consist only of printable ASCII characters other than '='";
    /** The pod fields an environment variable may be given (validEnvDownwardAPIFieldPathExpressions). */
    private static final List<String> ENV_FIELD_PATHS = List.of("metadata.name", "metadata.namespace",
            "metadata.uid", "spec.nodeName", "spec.serviceAccountName", "status.hostIP", "status.hostIPs",
            "status.podIP", "status.podIPs");
    /** What ConvertDownwardAPIFieldLabel knows; the rest cannot even be converted. */
    private static final Set<String> CONVERTIBLE_FIELD_PATHS = Set.of("metadata.annotations", "metadata.labels",
            "metadata.name", "metadata.namespace", "metadata.uid", "spec.nodeName", "spec.restartPolicy",
            "spec.serviceAccountName", "spec.schedulerName", "status.phase", "status.hostIP", "status.hostIPs",
            "status.podIP", "status.podIPs", "spec.host");
    private static final Pattern SUBSCRIPTED = Pattern.compile("(.*)\\['(.*)'\\]");
    private static final List<String> ENV_RESOURCES = List.of("limits.cpu", "limits.ephemeral-storage",
            "limits.memory", "requests.cpu", "requests.ephemeral-storage", "requests.memory");

    private static final List<String> TERMINATION_MESSAGE_POLICIES = List.of("File", "FallbackToLogsOnError");

    private ContainerFieldValidation() {}

    /** The problems of container {@code c} at {@code at}, whose pod has volumes named {@code volumes}. */
    static List<Cause> validate(ObjectNode c, String at, Set<String> volumes) {
        List<Cause> causes = new ArrayList<>();
        causes.addAll(env(Nodes.objects(c, "env"), at + ".env"));
        causes.addAll(envFrom(Nodes.objects(c, "envFrom"), at + ".envFrom"));
        causes.addAll(volumeMounts(Nodes.objects(c, "volumeMounts"), at + ".volumeMounts", volumes));
        causes.addAll(resources(c.path("resources"), at + ".resources"));
        String policy = Nodes.text(c, "terminationMessagePolicy");
        if (!policy.isEmpty() && !TERMINATION_MESSAGE_POLICIES.contains(policy)) {
            causes.add(Causes.notSupported(at + ".terminationMessagePolicy", GoValues.quote(policy),
                    TERMINATION_MESSAGE_POLICIES));
        }
        return causes;
    }

    private static List<Cause> env(List<ObjectNode> vars, String path) {
        List<Cause> causes = new ArrayList<>();
        for (int i = 0; i < vars.size(); i++) {
            ObjectNode env = vars.get(i);
            String at = path + "[" + i + "]";
            String name = Nodes.text(env, "name");
            if (name.isEmpty()) {
                causes.add(Causes.required(at + ".name"));
            } else if (!relaxedEnvName(name)) {
                causes.add(Causes.invalid(at + ".name", GoValues.quote(name), RELAXED_ENV_NAME));
            }
            causes.addAll(valueFrom(env, at + ".valueFrom"));
        }
        return causes;
    }

    /** Printable ASCII but '=' (IsRelaxedEnvVarName). */
    private static boolean relaxedEnvName(String name) {
        return name.chars().allMatch(ch -> ch >= 0x20 && ch < 0x7f && ch != '=');
    }

    private static List<Cause> valueFrom(ObjectNode env, String path) {
        ObjectNode from = Nodes.object(env, "valueFrom");
        if (from == null) {
            return List.of();
        }
        List<Cause> causes = new ArrayList<>();
        int sources = 0;
        if (Nodes.object(from, "fieldRef") != null) {
            sources++;
            causes.addAll(fieldRef(Nodes.object(from, "fieldRef"), path + ".fieldRef"));
        }
        if (Nodes.object(from, "resourceFieldRef") != null) {
            sources++;
            causes.addAll(resourceFieldRef(Nodes.object(from, "resourceFieldRef"), path + ".resourceFieldRef"));
        }
        for (String ref : List.of("configMapKeyRef", "secretKeyRef")) {
            if (Nodes.object(from, ref) != null) {
                sources++;
                causes.addAll(keySelector(Nodes.object(from, ref), path + "." + ref));
            }
        }
        if (sources == 0) {
            causes.add(Causes.invalid(path, "\"\"",
                    "must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`"));
        } else if (!Nodes.text(env, "value").isEmpty()) {
            causes.add(Causes.invalid(path, "\"\"", "may not be specified when `value` is not empty"));
        } else if (sources > 1) {
            causes.add(Causes.invalid(path, "\"\"", "may not have more than one field specified at a time"));
        }
        return causes;
    }

    /** validateObjectFieldSelector with the environment's field paths. */
    private static List<Cause> fieldRef(ObjectNode ref, String path) {
        String apiVersion = Nodes.text(ref, "apiVersion");
        String fieldPath = Nodes.text(ref, "fieldPath");
        if (apiVersion.isEmpty()) {
            return List.of(Causes.required(path + ".apiVersion"));
        }
        if (fieldPath.isEmpty()) {
            return List.of(Causes.required(path + ".fieldPath"));
        }
        Matcher subscripted = SUBSCRIPTED.matcher(fieldPath);
        String converted = convertError(apiVersion, fieldPath, subscripted);
        if (converted != null) {
            return List.of(Causes.invalid(path + ".fieldPath", GoValues.quote(fieldPath),
                    "error converting fieldPath: " + converted));
        }
        if (subscripted.matches()) {
            List<Cause> causes = new ArrayList<>();
            String key = subscripted.group(1).equals("metadata.annotations")
                    ? subscripted.group(2).toLowerCase(java.util.Locale.ROOT) : subscripted.group(2);
            causes.addAll(Causes.invalidEach(path, key, NameRules.qualifiedName(key)));
            return causes;
        }
        String internal = fieldPath.equals("spec.host") ? "spec.nodeName" : fieldPath;
        if (!ENV_FIELD_PATHS.contains(internal)) {
            return List.of(Causes.notSupported(path + ".fieldPath", GoValues.quote(internal), ENV_FIELD_PATHS));
        }
        return List.of();
    }

    /** ConvertDownwardAPIFieldLabel's error, or null when the path converts. */
    private static String convertError(String apiVersion, String fieldPath, Matcher subscripted) {
        if (!apiVersion.equals("v1")) {
            return "unsupported pod version: " + apiVersion;
        }
        if (subscripted.matches()) {
            String base = subscripted.group(1);
            return base.equals("metadata.annotations") || base.equals("metadata.labels") ? null
                    : "field label does not support subscript: " + fieldPath;
        }
        return CONVERTIBLE_FIELD_PATHS.contains(fieldPath) ? null : "field label not supported: " + fieldPath;
    }

    private static List<Cause> resourceFieldRef(ObjectNode ref, String path) {
        String resource = Nodes.text(ref, "resource");
        if (resource.isEmpty()) {
            return List.of(Causes.required(path + ".resource"));
        }
        if (!ENV_RESOURCES.contains(resource) && !resource.startsWith("requests.hugepages-")
                && !resource.startsWith("limits.hugepages-")) {
            return List.of(Causes.notSupported(path + ".resource", GoValues.quote(resource), ENV_RESOURCES));
        }
        return List.of();
    }

    /** A ConfigMap's or Secret's key: validateConfigMapKeySelector and validateSecretKeySelector. */
    private static List<Cause> keySelector(ObjectNode ref, String path) {
        List<Cause> causes = new ArrayList<>();
        String name = Nodes.text(ref, "name");
        causes.addAll(Causes.invalidEach(path + ".name", name, NameRules.dns1123Subdomain(name)));
        String key = Nodes.text(ref, "key");
        if (key.isEmpty()) {
            causes.add(Causes.required(path + ".key"));
        } else {
            causes.addAll(Causes.invalidEach(path + ".key", key, NameRules.configMapKey(key)));
        }
        return causes;
    }

    private static List<Cause> envFrom(List<ObjectNode> sources, String path) {
        List<Cause> causes = new ArrayList<>();
        for (int i = 0; i < sources.size(); i++) {
            ObjectNode source = sources.get(i);
            String at = path + "[" + i + "]";
            String prefix = Nodes.text(source, "prefix");
            if (!prefix.isEmpty() && !relaxedEnvName(prefix)) {
                causes.add(Causes.invalid(at + ".prefix", GoValues.quote(prefix), RELAXED_ENV_NAME));
            }
            int count = 0;
            for (String ref : List.of("configMapRef", "secretRef")) {
                ObjectNode named = Nodes.object(source, ref);
                if (named == null) {
                    continue;
                }
                count++;
                String name = Nodes.text(named, "name");
                if (name.isEmpty()) {
                    causes.add(Causes.required(at + "." + ref + ".name"));
                } else {
                    causes.addAll(Causes.invalidEach(at + "." + ref + ".name", name, NameRules.dns1123Subdomain(name)));
                }
            }
            if (count == 0) {
                causes.add(Causes.invalid(path, "\"\"", "must specify one of: `configMapRef` or `secretRef`"));
            } else if (count > 1) {
                causes.add(Causes.invalid(path, "\"\"", "may not have more than one field specified at a time"));
            }
        }
        return causes;
    }

    private static List<Cause> volumeMounts(List<ObjectNode> mounts, String path, Set<String> volumes) {
        List<Cause> causes = new ArrayList<>();
        Set<String> mountPoints = new HashSet<>();
        for (int i = 0; i < mounts.size(); i++) {
            ObjectNode mount = mounts.get(i);
            String at = path + "[" + i + "]";
            String name = Nodes.text(mount, "name");
            if (name.isEmpty()) {
                causes.add(Causes.required(at + ".name"));
            }
            if (!volumes.contains(name)) {
                causes.add(Causes.notFound(at + ".name", GoValues.quote(name)));
            }
            String mountPath = Nodes.text(mount, "mountPath");
            if (mountPath.isEmpty()) {
                causes.add(Causes.required(at + ".mountPath"));
            }
            if (!mountPoints.add(mountPath)) {
                causes.add(Causes.invalid(at + ".mountPath", GoValues.quote(mountPath), "must be unique"));
            }
        }
        return causes;
    }

    /**
     * validateResourceRequirements for a container: names, non-negative quantities, requests no more than the
     * limits, and extended resources (which cannot be overcommitted) requested exactly at their limit.
     */
    static List<Cause> resources(JsonNode resources, String path) {
        List<Cause> causes = new ArrayList<>();
        String limitsPath = path + ".limits";
        String requestsPath = path + ".requests";
        Map<String, BigDecimal> limits = quantities(resources.path("limits"), limitsPath, causes);
        Map<String, BigDecimal> requests = quantities(resources.path("requests"), requestsPath, causes);
        for (Map.Entry<String, BigDecimal> request : requests.entrySet()) {
            String name = request.getKey();
            String requested = resources.path("requests").path(name).asText();
            BigDecimal limit = limits.get(name);
            if (limit != null) {
                String limitText = resources.path("limits").path(name).asText();
                if (!ResourceNames.overcommitAllowed(name) && request.getValue().compareTo(limit) != 0) {
                    causes.add(Causes.invalid(requestsPath, GoValues.quote(requested),
                            "must be equal to " + name + " limit of " + limitText));
                } else if (request.getValue().compareTo(limit) > 0) {
                    causes.add(Causes.invalid(requestsPath, GoValues.quote(requested),
                            "must be less than or equal to " + name + " limit of " + limitText));
                }
            } else if (!ResourceNames.overcommitAllowed(name)) {
                causes.add(Causes.required(limitsPath, "Limit must be set for non overcommitable resources"));
            }
        }
        return causes;
    }

    /** The quantities of one resource list by name, checking each name and value; unreadable ones are left out. */
    private static Map<String, BigDecimal> quantities(JsonNode list, String path, List<Cause> causes) {
        Map<String, BigDecimal> amounts = new LinkedHashMap<>();
        list.properties().forEach(entry -> {
            String name = entry.getKey();
            String at = path + "[" + name + "]";
            causes.addAll(ResourceNames.check(name, at, ResourceNames.CONTAINER, "must be a standard resource for containers"));
            causes.addAll(ResourceNames.value(name, entry.getValue().asText(), at));
            BigDecimal amount = ResourceNames.amount(entry.getValue().asText());
            if (amount != null) {
                amounts.put(name, amount);
            }
        });
        return amounts;
    }
}
