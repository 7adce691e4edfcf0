package io.drover.agent.runtime;

/**
 * What a {@link Runtime} can do that callers must know before they ask for it, declared as data.
 * Operations only some runtimes have are separate interfaces instead (a runtime that can run a
 * command inside a task implements {@link TaskExec}).
 *
 * @param name the runtime's name as a pod's {@code runtimeClassName} selects it ({@code process})
 * @param supportsResourceLimits whether CPU and memory limits are enforced
 */
public record Capabilities(String name, boolean supportsResourceLimits) {

    public Capabilities {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("name: " + name + " (expected: non-blank)");
        }
    }
}
