package io.drover.agent;

import io.drover.agent.logs.LogOptions;
import io.drover.agent.logs.LogPipeline;
import io.fabric8.kubernetes.api.model.Container;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A terminated container's message under {@code terminationMessagePolicy: FallbackToLogsOnError},
 * as the kubelet makes it (kuberuntime readLastStringFromContainerLogs): when the container failed,
 * the last 80 lines of its log, at most their last 2,048 bytes. {@code kubectl describe pod} shows
 * it, so the reason a container crashed is there without {@code kubectl logs --previous}.
 *
 * <p>The {@code File} policy's file ({@code terminationMessagePath}) is not read: a process task
 * shares the host's file system, where {@code /dev/termination-log} is not the container's.
 */
final class TerminationMessages {
    static final int MAX_LINES = 80;
    static final int MAX_BYTES = 2048;

    private final LogPipeline logs;

    TerminationMessages(LogPipeline logs) {
        this.logs = logs;
    }

    /**
     * The message for run {@code run} of container {@code c}, whose log in {@code containerDir}
     * is complete; null when there is none (it succeeded, or its policy is File).
     */
    String of(Container c, Path containerDir, int run, int exitCode) throws InterruptedException {
        if (exitCode == 0 || !"FallbackToLogsOnError".equals(c.getTerminationMessagePolicy())) {
            return null;
        }
        ByteArrayOutputStream tail = new ByteArrayOutputStream();
        try {
            logs.read(containerDir, run, new LogOptions(false, MAX_LINES, null, false, -1), tail);
        } catch (IOException e) {
            return "Error on reading termination message from logs: " + e.getMessage();
        }
        byte[] bytes = tail.toByteArray();
        byte[] last = bytes.length <= MAX_BYTES ? bytes : Arrays.copyOfRange(bytes, bytes.length - MAX_BYTES, bytes.length);
        return last.length == 0 ? null : new String(last, StandardCharsets.UTF_8);
    }
}
