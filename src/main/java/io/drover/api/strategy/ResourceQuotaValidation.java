package io.drover.api.strategy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.ApiException.Cause;
import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Kubernetes' checks of ResourceQuotas (ValidateResourceQuotaSpec, validateResourceQuotaScopes) and LimitRanges
 * (ValidateLimitRange): resource names a quota or limit knows, non-negative and, where counted, whole values,
 * known scopes, and a limit range whose min, default request, default and max are in that order.
 */
final class ResourceQuotaValidation {
    private static final Set<String> STANDARD_RESOURCES = Set.of("cpu", "memory", "ephemeral-storage",
            "requests.cpu", "requests.memory", "requests.ephemeral-storage", "limits.cpu", "limits.memory",
            "limits.ephemeral-storage", "pods", "resourcequotas", "services", "replicationcontrollers", "secrets",
            "configmaps", "persistentvolumeclaims", "storage", "requests.storage", "services.nodeports",
            "services.loadbalancers");
    private static final Set<String> QUOTA_RESOURCES = Set.of("cpu", "memory", "ephemeral-storage",
            "requests.cpu", "requests.memory", "requests.storage", "requests.ephemeral-storage", "limits.cpu",
            "limits.memory", "limits.ephemeral-storage", "pods", "resourcequotas", "services",
            "replicationcontrollers", "secrets", "persistentvolumeclaims", "configmaps", "services.nodeports",
            "services.loadbalancers");
    private static final Set<String> INTEGER_RESOURCES = Set.of("pods", "resourcequotas", "services",
            "replicationcontrollers", "secrets", "configmaps", "persistentvolumeclaims", "services.nodeports",
            "services.loadbalancers");
    private static final Set<String> SCOPES = Set.of("Terminating", "NotTerminating", "BestEffort", "NotBestEffort",
            "PriorityClass", "CrossNamespacePodAffinity", "VolumeAttributesClass");
    private static final Set<String> LIMIT_TYPES = Set.of("Pod", "Container", "PersistentVolumeClaim");

    private ResourceQuotaValidation() {}

    static List<Cause> resourceQuota(ObjectNode quota) {
        List<Cause> causes = new ArrayList<>();
        JsonNode spec = quota.path("spec");
        spec.path("hard").properties().forEach(e -> {
            String at = "spec.hard[" + e.getKey() + "]";
            causes.addAll(resourceName(e.getKey(), at, QUOTA_RESOURCES, "must be a standard resource for quota"));
            causes.addAll(value(e.getKey(), e.getValue().asText(), at));
        });
        List<String> scopes = new ArrayList<>();
        spec.path("scopes").forEach(s -> scopes.add(s.asText()));
        String shown = "[]core.ResourceQuotaScope" + GoValues.stringSlice(scopes).substring("[]string".length());
        for (String scope : scopes) {
            if (!SCOPES.contains(scope)) {
                causes.add(Causes.invalid("spec.scopes", shown, "unsupported scope"));
            }
        }
        if ((scopes.contains("BestEffort") && scopes.contains("NotBestEffort"))
                || (scopes.contains("Terminating") && scopes.contains("NotTerminating"))) {
            causes.add(Causes.invalid("spec.scopes", shown, "conflicting scopes"));
        }
        return causes;
    }

    static List<Cause> limitRange(ObjectNode limitRange) {
        List<Cause> causes = new ArrayList<>();
        List<ObjectNode> limits = Nodes.objects(limitRange.path("spec"), "limits");
        Set<String> types = new LinkedHashSet<>();
        for (int i = 0; i < limits.size(); i++) {
            ObjectNode limit = limits.get(i);
            String at = "spec.limits[" + i + "]";
            String type = Nodes.text(limit, "type");
            List<String> typeErrors = NameRules.qualifiedName(type);
            typeErrors.forEach(m -> causes.add(Causes.invalid(at + ".type", GoValues.quote(type), m)));
            if (typeErrors.isEmpty() && !type.contains("/") && !LIMIT_TYPES.contains(type)) {
                causes.add(Causes.invalid(at + ".type", GoValues.quote(type), "must be a standard limit type or fully qualified"));
            }
            if (!types.add(type)) {
                causes.add(Causes.duplicate(at + ".type", GoValues.quote(type)));
            }
            if (type.equals("Pod")) {
                for (String field : List.of("default", "defaultRequest")) {
                    if (!limit.path(field).isEmpty()) {
                        causes.add(Causes.forbidden(at + "." + field, "may not be specified when `type` is 'Pod'"));
                    }
                }
            }
            causes.addAll(limitValues(limit, at));
        }
        return causes;
    }

    private static List<Cause> limitValues(ObjectNode limit, String at) {
        List<Cause> causes = new ArrayList<>();
        Map<String, Map<String, String>> byField = new LinkedHashMap<>();
        for (String field : List.of("max", "min", "default", "defaultRequest", "maxLimitRequestRatio")) {
            Map<String, String> values = new LinkedHashMap<>();
            limit.path(field).properties().forEach(e -> values.put(e.getKey(), e.getValue().asText()));
            byField.put(field, values);
        }
        Set<String> keys = new LinkedHashSet<>(byField.get("max").keySet());
        keys.addAll(byField.get("min").keySet());
        for (String k : keys) {
            String min = byField.get("min").get(k);
            String max = byField.get("max").get(k);
            String dflt = byField.get("default").get(k);
            String request = byField.get("defaultRequest").get(k);
            String ratio = byField.get("maxLimitRequestRatio").get(k);
            if (greater(min, max)) {
                causes.add(Causes.invalid(at + ".min[" + k + "]", GoValues.quote(min),
                        "min value " + min + " is greater than max value " + max));
            }
            if (greater(min, request)) {
                causes.add(Causes.invalid(at + ".defaultRequest[" + k + "]", GoValues.quote(request),
                        "min value " + min + " is greater than default request value " + request));
            }
            if (greater(request, max)) {
                causes.add(Causes.invalid(at + ".defaultRequest[" + k + "]", GoValues.quote(request),
                        "default request value " + request + " is greater than max value " + max));
            }
            if (greater(request, dflt)) {
                causes.add(Causes.invalid(at + ".defaultRequest[" + k + "]", GoValues.quote(request),
                        "default request value " + request + " is greater than default limit value " + dflt));
            }
            if (greater(min, dflt)) {
                causes.add(Causes.invalid(at + ".default[" + k + "]", GoValues.quote(min),
                        "min value " + min + " is greater than default value " + dflt));
            }
            if (greater(dflt, max)) {
                causes.add(Causes.invalid(at + ".default[" + k + "]", GoValues.quote(max),
                        "default value " + dflt + " is greater than max value " + max));
            }
            if (ratio != null && amount(ratio) != null && amount(ratio).compareTo(BigDecimal.ONE) < 0) {
                causes.add(Causes.invalid(at + ".maxLimitRequestRatio[" + k + "]", GoValues.quote(ratio),
                        "ratio " + ratio + " is less than 1"));
            }
        }
        return causes;
    }

    /** Both given and readable, and the first greater. */
    private static boolean greater(String a, String b) {
        BigDecimal x = a == null ? null : amount(a);
        BigDecimal y = b == null ? null : amount(b);
        return x != null && y != null && x.compareTo(y) > 0;
    }

    /** validateResourceName, then the kind's own list of single-segment names. */
    private static List<Cause> resourceName(String name, String at, Set<String> known, String unknownMessage) {
        List<Cause> causes = new ArrayList<>();
        NameRules.qualifiedName(name).forEach(m -> causes.add(Causes.invalid(at, GoValues.quote(name), m)));
        if (!causes.isEmpty() || name.contains("/")) {
            return causes;
        }
        boolean hugepages = name.startsWith("hugepages-") || name.startsWith("requests.hugepages-");
        if (!STANDARD_RESOURCES.contains(name) && !hugepages) {
            causes.add(Causes.invalid(at, GoValues.quote(name), "must be a standard resource type or fully qualified"));
        }
        if (!known.contains(name) && !hugepages) {
            causes.add(Causes.invalid(at, GoValues.quote(name), unknownMessage));
        }
        return causes;
    }

    /** ValidateResourceQuantityValue: not negative; counted resources (and extended ones) whole. */
    private static List<Cause> value(String name, String text, String at) {
        BigDecimal amount = amount(text);
        if (amount == null) {
            return List.of();
        }
        if (amount.signum() < 0) {
            return List.of(Causes.invalid(at, GoValues.quote(text), "must be greater than or equal to 0"));
        }
        boolean extended = name.contains("/") && !name.contains("kubernetes.io/") && !name.startsWith("requests.");
        if ((INTEGER_RESOURCES.contains(name) || extended) && amount.stripTrailingZeros().scale() > 0) {
            return List.of(Causes.invalid(at, GoValues.quote(text), "must be an integer"));
        }
        return List.of();
    }

    private static BigDecimal amount(String text) {
        try {
            return Quantity.getAmountInBytes(new Quantity(text));
        } catch (IllegalArgumentException | ArithmeticException e) {
            return null;
        }
    }
}
