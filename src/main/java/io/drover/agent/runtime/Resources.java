package io.drover.agent.runtime;

/**
 * The compute resources of one task, as the node agent read them from the container's {@code
 * resources} (requests already defaulted from limits by the API server, as in Kubernetes). Zero
 * means "not set".
 *
 * @param memoryLimitBytes the memory the task may use before the kernel's OOM killer ends it
 * @param cpuLimitMillis the CPU time per wall-clock second the task may use, in thousandths of a CPU
 * @param cpuRequestMillis the CPU share the task is guaranteed under contention, in thousandths of a CPU
 */
public record Resources(long memoryLimitBytes, long cpuLimitMillis, long cpuRequestMillis) {

    /** No limits, no requests (a BestEffort container). */
    public static final Resources NONE = new Resources(0, 0, 0);

    public Resources {
        if (memoryLimitBytes < 0 || cpuLimitMillis < 0 || cpuRequestMillis < 0) {
            throw new IllegalArgumentException("memoryLimitBytes, cpuLimitMillis, cpuRequestMillis: " + memoryLimitBytes
                    + ", " + cpuLimitMillis + ", " + cpuRequestMillis + " (expected: >= 0, 0 for unset)");
        }
    }
}
