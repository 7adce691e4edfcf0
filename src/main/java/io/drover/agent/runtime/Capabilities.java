package io.drover.agent.runtime;

/**
 * What a {@link Runtime} can do, declared as data so that callers branch on a field rather than
 * on the implementation class or on trial and error.
 *
 * @param name the runtime's name as a pod's {@code runtimeClassName} selects it ({@code process}, {@code docker})
 * @param needsImage whether a container image is required to start a task
 * @param supportsExec whether commands can be run inside a running task ({@code kubectl exec})
 * @param supportsRecover whether {@link Runtime#recover} can reattach to tasks started before an agent restart
 * @param supportsResourceLimits whether CPU and memory limits are enforced
 * @param detectsOomKill whether {@link ExitResult#oomKilled()} is ever true
 */
public record Capabilities(
        String name,
        boolean needsImage,
        boolean supportsExec,
        boolean supportsRecover,
        boolean supportsResourceLimits,
        boolean detectsOomKill) {

    public Capabilities {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("name: " + name + " (expected: non-blank)");
        }
    }
}
