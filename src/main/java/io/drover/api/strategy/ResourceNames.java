package io.drover.api.strategy;

import io.drover.api.ApiException.Cause;
import io.drover.api.validation.Quantities;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Kubernetes' rules for resource names and amounts (pkg/apis/core/validation validateResourceName,
 * validateContainerResourceName, ValidateResourceQuotaResourceName, ValidateResourceQuantityValue, and the
 * helpers they use), shared by containers, quotas and limit ranges.
 */
final class ResourceNames {
    /** helper.standardResources: the names that need no domain. */
    private static final Set<String> STANDARD = Set.of("cpu", "memory", "ephemeral-storage", "requests.cpu",
            "requests.memory", "requests.ephemeral-storage", "limits.cpu", "limits.memory", "limits.ephemeral-storage",
            "pods", "resourcequotas", "services", "replicationcontrollers", "secrets", "configmaps",
            "persistentvolumeclaims", "storage", "requests.storage", "services.nodeports", "services.loadbalancers");
    /** What a container may request. */
    static final Set<String> CONTAINER = Set.of("cpu", "memory", "ephemeral-storage");
    /** What a quota may limit. */
    static final Set<String> QUOTA = Set.of("cpu", "memory", "ephemeral-storage", "requests.cpu", "requests.memory",
            "requests.storage", "requests.ephemeral-storage", "limits.cpu", "limits.memory", "limits.ephemeral-storage",
            "pods", "resourcequotas", "services", "replicationcontrollers", "secrets", "persistentvolumeclaims",
            "configmaps", "services.nodeports", "services.loadbalancers");
    /** Counted resources, whose amounts are whole. */
    private static final Set<String> INTEGER = Set.of("pods", "resourcequotas", "services", "replicationcontrollers",
            "secrets", "configmaps", "persistentvolumeclaims", "services.nodeports", "services.loadbalancers");

    private ResourceNames() {}

    /**
     * The problems of resource name {@code name} at {@code at}: a qualified name; without a domain, a standard
     * one, and, unless {@code allowed} is null, one of {@code allowed} (else {@code notAllowed}, e.g. "must be a
     * standard resource for containers"). For {@link #CONTAINER}, a domain-qualified name may not start with
     * "requests." (an extended resource is named as its device plugin names it).
     */
    static List<Cause> check(String name, String at, Set<String> allowed, String notAllowed) {
        List<Cause> causes = new ArrayList<>();
        causes.addAll(Causes.invalidEach(at, name, NameRules.qualifiedName(name)));
        if (!causes.isEmpty()) {
            return causes;
        }
        if (!name.contains("/")) {
            boolean hugepages = name.startsWith("hugepages-") || name.startsWith("requests.hugepages-");
            if (!STANDARD.contains(name) && !hugepages) {
                causes.add(Causes.invalid(at, GoValues.quote(name), "must be a standard resource type or fully qualified"));
            }
            if (allowed != null && !allowed.contains(name) && !hugepages) {
                causes.add(Causes.invalid(at, GoValues.quote(name), notAllowed));
            }
        } else if (allowed == CONTAINER && !name.contains("kubernetes.io/") && name.startsWith("requests.")) {
            // validateContainerResourceName's own rule: a container asks for a device by its name.
            causes.add(Causes.invalid(at, GoValues.quote(name), "doesn't follow extended resource name standard"));
        }
        return causes;
    }

    /** A device plugin's resource ("nvidia.com/gpu"): fully qualified outside kubernetes.io. */
    static boolean extended(String name) {
        return name.contains("/") && !name.contains("kubernetes.io/") && !name.startsWith("requests.");
    }

    /** Whether requests may be below limits: not for hugepages, nor for extended resources. */
    static boolean overcommitAllowed(String name) {
        return !extended(name) && !name.startsWith("hugepages-");
    }

    /** ValidateResourceQuantityValue: not negative; counted and extended resources whole. */
    static List<Cause> value(String name, String text, String at) {
        BigDecimal amount = amount(text);
        if (amount == null) {
            return List.of();
        }
        if (amount.signum() < 0) {
            return List.of(Causes.invalid(at, GoValues.quote(text), "must be greater than or equal to 0"));
        }
        if ((INTEGER.contains(name) || extended(name)) && amount.stripTrailingZeros().scale() > 0) {
            return List.of(Causes.invalid(at, GoValues.quote(text), "must be an integer"));
        }
        return List.of();
    }

    /** The value of a quantity, or null for text that is none (the value-type checks report that). */
    static BigDecimal amount(String text) {
        return Quantities.value(text).orElse(null);
    }
}
