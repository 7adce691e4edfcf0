package io.drover.agent.exec;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * The {@code metav1.Status} documents the exec stream ends with on {@link io.drover.agent.streaming.Channels#ERROR}, shaped as
 * the kubelet writes them (pkg/kubelet/cri/streaming/remotecommand): client-go turns
 * {@code NonZeroExitCode} with an {@code ExitCode} cause into "command terminated with exit code n"
 * and kubectl's own exit code n.
 */
public final class ExecStatus {
    private ExecStatus() {}

    public static ObjectNode success() {
        ObjectNode status = JsonNodeFactory.instance.objectNode();
        status.putObject("metadata");
        status.put("status", "Success");
        return status;
    }

    /** kube's message formats the command as Go's {@code %v} of a []string: {@code [sh -c exit 3]}. */
    public static ObjectNode exitCode(List<String> command, int code) {
        ObjectNode status = failureStatus("command terminated with non-zero exit code: error executing command ["
                + String.join(" ", command) + "], exit code " + code);
        status.put("reason", "NonZeroExitCode");
        ObjectNode cause = status.putObject("details").putArray("causes").addObject();
        cause.put("reason", "ExitCode");
        cause.put("message", Integer.toString(code));
        return status;
    }

    /**
     * The command could not be run, or the task not attached: the kubelet's {@code apierrors.NewInternalError} of
     * {@code error}, a 500 InternalError whose message kubectl prints.
     */
    public static ObjectNode internalError(String error) {
        ObjectNode status = failureStatus("Internal error occurred: " + error);
        status.put("reason", "InternalError");
        status.putObject("details").putArray("causes").addObject().put("message", error);
        status.put("code", 500);
        return status;
    }

    private static ObjectNode failureStatus(String message) {
        ObjectNode status = JsonNodeFactory.instance.objectNode();
        status.putObject("metadata");
        status.put("status", "Failure");
        status.put("message", message);
        return status;
    }
}
