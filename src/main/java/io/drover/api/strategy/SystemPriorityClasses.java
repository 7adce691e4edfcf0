package io.drover.api.strategy;

import java.util.Map;

/**
 * The two system PriorityClasses (scheduling.SystemPriorityClasses): created at every start, the only
 * classes whose names may start with {@code system-}, and never deleted one by one.
 */
public final class SystemPriorityClasses {
    /** Each system class's name and value. */
    public static final Map<String, Long> VALUES = Map.of("system-node-critical", 2_000_001_000L,
            "system-cluster-critical", 2_000_000_000L);
    /** Each system class's description, as Kubernetes creates it. */
    public static final Map<String, String> DESCRIPTIONS = Map.of(
            "system-node-critical", "Used for system critical pods that must not be moved from their current node.",
            "system-cluster-critical", "Used for system critical pods that must run in the cluster, but can be moved "
                    + "to another node if necessary.");

    private SystemPriorityClasses() {}

    public static boolean isSystem(String name) {
        return VALUES.containsKey(name);
    }
}
