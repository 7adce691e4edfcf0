package io.drover.api.strategy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.ApiException.Cause;
import java.util.ArrayList;
import java.util.List;

/**
 * scheduling.k8s.io/v1 PriorityClasses (pkg/apis/scheduling/validation): names starting with
 * {@code system-} are the two system classes only, with their values; other classes stay at or
 * below 1,000,000,000; preemptionPolicy is PreemptLowerPriority (the default) or Never; value and
 * preemptionPolicy never change.
 */
final class PriorityClassStrategy extends KindStrategy {
    static final String SYSTEM_PREFIX = "system-";
    static final long HIGHEST_USER_DEFINABLE = 1_000_000_000L;
    private static final List<String> POLICIES = List.of("Never", "PreemptLowerPriority");

    @Override
    public void applyDefaults(ObjectNode priorityClass) {
        Nodes.defaultText(priorityClass, "preemptionPolicy", "PreemptLowerPriority");
    }

    @Override
    public List<Cause> validateCreate(ObjectNode priorityClass) {
        List<Cause> causes = new ArrayList<>();
        String name = priorityClass.path("metadata").path("name").asText("");
        long value = priorityClass.path("value").asLong(0);
        if (name.startsWith(SYSTEM_PREFIX)) {
            String problem = systemClassProblem(name, value, priorityClass.path("globalDefault").asBoolean(false));
            if (problem != null) {
                causes.add(Causes.forbidden("metadata.name", "priority class names with '" + SYSTEM_PREFIX
                        + "' prefix are reserved for system use only. error: " + problem));
            }
        } else if (value > HIGHEST_USER_DEFINABLE) {
            causes.add(Causes.forbidden("value", "maximum allowed value of a user defined priority is "
                    + HIGHEST_USER_DEFINABLE));
        }
        String policy = Nodes.text(priorityClass, "preemptionPolicy");
        if (!POLICIES.contains(policy)) {
            causes.add(Causes.notSupported("preemptionPolicy", GoValues.quote(policy), POLICIES));
        }
        return causes;
    }

    /** IsKnownSystemPriorityClass: null when it is one, with its value and not the global default. */
    private static String systemClassProblem(String name, long value, boolean globalDefault) {
        Long known = SystemPriorityClasses.VALUES.get(name);
        if (known == null) {
            return name + " is not a known system priority class";
        }
        if (known != value) {
            return "value of " + name + " PriorityClass must be " + known;
        }
        if (globalDefault) {
            return "globalDefault of " + name + " PriorityClass must be false";
        }
        return null;
    }

    /** ValidatePriorityClassUpdate: only the metadata rules and the two fields that never change. */
    @Override
    public List<Cause> validateUpdate(ObjectNode oldClass, ObjectNode newClass) {
        List<Cause> causes = new ArrayList<>();
        if (oldClass.path("value").asLong(0) != newClass.path("value").asLong(0)) {
            causes.add(Causes.forbidden("value", "may not be changed in an update."));
        }
        JsonNode before = oldClass.path("preemptionPolicy");
        JsonNode after = newClass.path("preemptionPolicy");
        if (!before.equals(after)) {
            causes.add(Causes.immutable("preemptionPolicy", GoValues.quote(after.asText(""))));
        }
        return causes;
    }
}
