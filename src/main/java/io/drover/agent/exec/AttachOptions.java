package io.drover.agent.exec;

import java.util.List;
import java.util.Map;

/**
 * The query of an attach request ({@code core/v1 PodAttachOptions}) as the API server forwards it
 * to the node: {@code stdin}, {@code stdout}, {@code stderr}, {@code tty}; an exec request's
 * streams are read the same way ({@link ExecOptions}). Whether the task has a
 * terminal is the container's own setting, not the request's (the kubelet's GetAttach: it cannot
 * change once the process runs), so {@code tty} only drops stderr, as the kubelet's option parsing
 * does.
 */
record AttachOptions(boolean stdin, boolean stdout, boolean stderr) {

    /** @throws IllegalArgumentException with Kubernetes' message when the options cannot be served */
    static AttachOptions fromQuery(Map<String, List<String>> query) {
        boolean stdin = QueryFlags.flag(query, "stdin");
        boolean stdout = QueryFlags.flag(query, "stdout");
        boolean stderr = QueryFlags.flag(query, "stderr");
        boolean tty = QueryFlags.flag(query, "tty");
        if (!stdin && !stdout && !stderr) {
            throw new IllegalArgumentException("you must specify at least 1 of stdin, stdout, stderr");
        }
        return new AttachOptions(stdin, stdout, stderr && !tty);
    }
}
