package io.drover.api.strategy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.ApiException.Cause;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
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
    private static final Set<String> SCOPES = Set.of("Terminating", "NotTerminating", "BestEffort", "NotBestEffort",
            "PriorityClass", "CrossNamespacePodAffinity", "VolumeAttributesClass");
    /** podComputeQuotaResources. */
    private static final Set<String> POD_COMPUTE = Set.of("cpu", "memory", "limits.cpu", "limits.memory", "requests.cpu",
            "requests.memory");
    /** The scopes a scope selector may only test for with Exists. */
    private static final Set<String> EXISTS_ONLY_SCOPES = Set.of("BestEffort", "NotBestEffort", "Terminating",
            "NotTerminating", "CrossNamespacePodAffinity");
    private static final Set<String> LIMIT_TYPES = Set.of("Pod", "Container", "PersistentVolumeClaim");

    private ResourceQuotaValidation() {}

    static List<Cause> resourceQuota(ObjectNode quota) {
        List<Cause> causes = new ArrayList<>();
        JsonNode spec = quota.path("spec");
        causes.addAll(quotaResources(spec.path("hard"), "spec.hard"));
        List<String> scopes = new ArrayList<>();
        spec.path("scopes").forEach(s -> scopes.add(s.asText()));
        String shown = "[]core.ResourceQuotaScope" + GoValues.stringSlice(scopes).substring("[]string".length());
        List<String> hard = new ArrayList<>();
        spec.path("hard").fieldNames().forEachRemaining(hard::add);
        hard.sort(null);
        for (String scope : scopes) {
            if (!SCOPES.contains(scope)) {
                causes.add(Causes.invalid("spec.scopes", shown, "unsupported scope"));
            }
            // One cause per resource the scope cannot limit, as Kubernetes reports them.
            for (String resource : hard) {
                if (isStandardQuotaResource(resource) && !scopeLimits(scope, resource)) {
                    causes.add(Causes.invalid("spec.scopes", shown, "unsupported scope applied to resource"));
                }
            }
        }
        if ((scopes.contains("BestEffort") && scopes.contains("NotBestEffort"))
                || (scopes.contains("Terminating") && scopes.contains("NotTerminating"))) {
            causes.add(Causes.invalid("spec.scopes", shown, "conflicting scopes"));
        }
        if (spec.path("scopeSelector").isObject()) {
            causes.addAll(scopeSelector(spec.path("scopeSelector"), hard,
                    spec.path("scopes").isArray() ? shown : "[]core.ResourceQuotaScope(nil)"));
        }
        return causes;
    }

    /**
     * What ValidateResourceQuotaUpdate adds to a quota's checks: its scopes, taken as a set, stay, as the quota
     * controller's usage is counted for them.
     */
    static List<Cause> scopesUnchanged(ObjectNode oldQuota, ObjectNode quota) {
        JsonNode scopes = quota.path("spec").get("scopes");
        if (scopeSet(oldQuota.path("spec").get("scopes")).equals(scopeSet(scopes))) {
            return List.of();
        }
        String shown = scopes == null || !scopes.isArray() ? "[]core.ResourceQuotaScope(nil)"
                : "[]core.ResourceQuotaScope" + GoValues.stringSlice(scopes).substring("[]string".length());
        return List.of(Causes.immutable("spec.scopes", shown));
    }

    private static Set<String> scopeSet(JsonNode scopes) {
        Set<String> set = new HashSet<>();
        if (scopes != null) {
            scopes.forEach(scope -> set.add(scope.asText()));
        }
        return set;
    }

    /**
     * ValidateResourceQuotaStatusUpdate: status.hard and status.used hold resources a quota knows, with amounts that
     * are not negative, and whole where counted.
     */
    static List<Cause> status(ObjectNode quota) {
        List<Cause> causes = new ArrayList<>(quotaResources(quota.path("status").path("hard"), "status.hard"));
        causes.addAll(quotaResources(quota.path("status").path("used"), "status.used"));
        return causes;
    }

    /** ValidateResourceQuotaResourceName and ValidateResourceQuantityValue of each entry of a resource list. */
    private static List<Cause> quotaResources(JsonNode resources, String path) {
        List<Cause> causes = new ArrayList<>();
        resources.properties().forEach(e -> {
            String at = path + "[" + e.getKey() + "]";
            causes.addAll(ResourceNames.check(e.getKey(), at, ResourceNames.QUOTA, "must be a standard resource for quota"));
            causes.addAll(ResourceNames.value(e.getKey(), e.getValue().asText(), at));
        });
        return causes;
    }

    /**
     * validateScopedResourceSelectorRequirement: known scopes that can limit the quota's resources, operators that
     * suit the scope and their values, no two conflicting scopes.
     */
    private static List<Cause> scopeSelector(JsonNode selector, List<String> hard, String scopesShown) {
        List<Cause> causes = new ArrayList<>();
        String at = "spec.scopeSelector.matchExpressions";
        List<ObjectNode> requirements = Nodes.objects(selector, "matchExpressions");
        Set<String> scopes = new LinkedHashSet<>();
        for (ObjectNode requirement : requirements) {
            String scope = Nodes.text(requirement, "scopeName");
            String operator = Nodes.text(requirement, "operator");
            JsonNode values = requirement.get("values");
            boolean hasValues = values != null && values.isArray() && !values.isEmpty();
            if (!SCOPES.contains(scope)) {
                causes.add(Causes.invalid(at + ".scopeName", GoValues.quote(scope), "unsupported scope"));
            }
            for (String resource : hard) {
                if (isStandardQuotaResource(resource) && !scopeLimits(scope, resource)) {
                    causes.add(Causes.invalid(at, goSelector(requirements), "unsupported scope applied to resource"));
                }
            }
            if (EXISTS_ONLY_SCOPES.contains(scope) && !operator.equals("Exists")) {
                causes.add(Causes.invalid(at + ".operator", GoValues.quote(operator), "must be 'Exist' when scope is any "
                        + "of ResourceQuotaScopeTerminating, ResourceQuotaScopeNotTerminating, ResourceQuotaScopeBestEffort, "
                        + "ResourceQuotaScopeNotBestEffort or ResourceQuotaScopeCrossNamespacePodAffinity"));
            }
            switch (operator) {
                case "In", "NotIn" -> {
                    if (!hasValues) {
                        causes.add(Causes.required(at + ".values",
                                "must be at least one value when `operator` is 'In' or 'NotIn' for scope selector"));
                    }
                }
                case "Exists", "DoesNotExist" -> {
                    if (hasValues) {
                        causes.add(Causes.invalid(at + ".values", GoValues.stringSlice(values),
                                "must be no value when `operator` is 'Exist' or 'DoesNotExist' for scope selector"));
                    }
                }
                default -> causes.add(Causes.invalid(at + ".operator", GoValues.quote(operator),
                        "not a valid selector operator"));
            }
            scopes.add(scope);
        }
        if ((scopes.contains("BestEffort") && scopes.contains("NotBestEffort"))
                || (scopes.contains("Terminating") && scopes.contains("NotTerminating"))) {
            causes.add(Causes.invalid(at, scopesShown, "conflicting scopes"));
        }
        return causes;
    }

    /** The selector as Go's %#v prints Kubernetes' internal type in an Invalid value. */
    private static String goSelector(List<ObjectNode> requirements) {
        List<String> shown = new ArrayList<>();
        for (ObjectNode requirement : requirements) {
            shown.add("core.ScopedResourceSelectorRequirement{ScopeName:" + GoValues.quote(Nodes.text(requirement,
                    "scopeName")) + ", Operator:" + GoValues.quote(Nodes.text(requirement, "operator")) + ", Values:"
                    + GoValues.stringSlice(requirement.get("values")) + "}");
        }
        return "core.ScopedResourceSelector{MatchExpressions:[]core.ScopedResourceSelectorRequirement{"
                + String.join(", ", shown) + "}}";
    }

    /** IsStandardQuotaResourceName. */
    private static boolean isStandardQuotaResource(String name) {
        return ResourceNames.QUOTA.contains(name) || name.startsWith("hugepages-") || name.startsWith("requests.hugepages-");
    }

    /** IsResourceQuotaScopeValidForResource: the pod scopes limit pods and their compute resources only. */
    private static boolean scopeLimits(String scope, String resource) {
        return switch (scope) {
            case "Terminating", "NotTerminating", "NotBestEffort", "PriorityClass", "CrossNamespacePodAffinity" ->
                    resource.equals("pods") || POD_COMPUTE.contains(resource);
            case "BestEffort" -> resource.equals("pods");
            default -> true;
        };
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
            causes.addAll(Causes.invalidEach(at + ".type", type, typeErrors));
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
        Set<String> keys = new LinkedHashSet<>();
        String type = Nodes.text(limit, "type");
        for (Map.Entry<String, Map<String, String>> field : byField.entrySet()) {
            for (String name : field.getValue().keySet()) {
                keys.add(name);
                String fat = at + "." + field.getKey() + "[" + name + "]";
                // validateLimitRangeResourceName: a pod's or container's resources are a container's.
                causes.addAll(type.equals("Pod") || type.equals("Container")
                        ? ResourceNames.check(name, fat, ResourceNames.CONTAINER, "must be a standard resource for containers")
                        : ResourceNames.check(name, fat, null, null));
            }
        }
        if (type.equals("PersistentVolumeClaim") && !byField.get("min").containsKey("storage")
                && !byField.get("max").containsKey("storage")) {
            causes.add(Causes.required(at + ".limits",
                    "either minimum or maximum storage value is required, but neither was provided"));
        }
        for (String k : keys) {
            String min = byField.get("min").get(k);
            String max = byField.get("max").get(k);
            String dflt = byField.get("default").get(k);
            String request = byField.get("defaultRequest").get(k);
            String ratio = byField.get("maxLimitRequestRatio").get(k);
            String minField = at + ".min[" + k + "]";
            String requestField = at + ".defaultRequest[" + k + "]";
            String defaultField = at + ".default[" + k + "]";
            inOrder(causes, "min", min, "max", max, minField, min);
            inOrder(causes, "min", min, "default request", request, requestField, request);
            inOrder(causes, "default request", request, "max", max, requestField, request);
            inOrder(causes, "default request", request, "default limit", dflt, requestField, request);
            inOrder(causes, "min", min, "default", dflt, defaultField, min);
            inOrder(causes, "default", dflt, "max", max, defaultField, max);
            BigDecimal ratioValue = ratio == null ? null : ResourceNames.amount(ratio);
            if (ratioValue != null && ratioValue.compareTo(BigDecimal.ONE) < 0) {
                causes.add(Causes.invalid(at + ".maxLimitRequestRatio[" + k + "]", GoValues.quote(ratio),
                        "ratio " + ratio + " is less than 1"));
            }
            ratioAboveMaxOverMin(at + ".maxLimitRequestRatio[" + k + "]", ratio, min, max).ifPresent(causes::add);
            BigDecimal dfltValue = dflt == null ? null : ResourceNames.amount(dflt);
            BigDecimal requestValue = request == null ? null : ResourceNames.amount(request);
            if (!ResourceNames.overcommitAllowed(k) && dfltValue != null && requestValue != null
                    && dfltValue.compareTo(requestValue) != 0) {
                causes.add(Causes.invalid(at + ".defaultRequest[" + k + "]", GoValues.quote(request),
                        "default value " + dflt + " must equal to defaultRequest value " + request + " in " + k));
            }
        }
        return causes;
    }

    /**
     * A limit-to-request ratio that no request within min and max could respect: above max/min, compared
     * in thousandths as Kubernetes compares them (a quantity's MilliValue rounds up).
     */
    private static java.util.Optional<Cause> ratioAboveMaxOverMin(String field, String ratio, String min, String max) {
        BigDecimal r = ratio == null ? null : ResourceNames.amount(ratio);
        BigDecimal low = min == null ? null : ResourceNames.amount(min);
        BigDecimal high = max == null ? null : ResourceNames.amount(max);
        if (r == null || low == null || high == null) {
            return java.util.Optional.empty();
        }
        double ratioValue = milli(r) / 1000.0;
        double limit = milli(high) / milli(low); // min 0: +Inf (or NaN with max 0), which no ratio exceeds
        if (!(ratioValue > limit)) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(Causes.invalid(field, GoValues.quote(ratio),
                "ratio " + ratio + " is greater than max/min = " + String.format(java.util.Locale.ROOT, "%f", limit)));
    }

    /** Thousandths, rounded up; a double, since huge quantities have no long (Kubernetes then compares units). */
    private static double milli(BigDecimal amount) {
        return amount.movePointRight(3).setScale(0, java.math.RoundingMode.CEILING).doubleValue();
    }

    /**
     * Kubernetes' "min value 2 is greater than max value 1": added when both bounds are given and out of order,
     * reported at {@code field} with {@code shown} as its value (Kubernetes shows one side or the other).
     */
    private static void inOrder(List<Cause> causes, String lowName, String low, String highName, String high,
            String field, String shown) {
        if (greater(low, high)) {
            causes.add(Causes.invalid(field, GoValues.quote(shown),
                    lowName + " value " + low + " is greater than " + highName + " value " + high));
        }
    }

    /** Both given and readable, and the first greater. */
    private static boolean greater(String a, String b) {
        BigDecimal x = a == null ? null : ResourceNames.amount(a);
        BigDecimal y = b == null ? null : ResourceNames.amount(b);
        return x != null && y != null && x.compareTo(y) > 0;
    }
}
