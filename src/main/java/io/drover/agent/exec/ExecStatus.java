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

    public static ObjectNode exitCode(List<String> command, int code) {
        ObjectNode status = failure("command terminated with non-zero exit code: error executing command "
                + command + ", exit code " + code);
        status.put("reason", "NonZeroExitCode");
        ObjectNode cause = status.putObject("details").putArray("causes").addObject();
        cause.put("reason", "ExitCode");
        cause.put("message", Integer.toString(code));
        return status;
    }

    /** The command could not be run at all; kubectl prints the message. */
    public static ObjectNode failure(String message) {
        ObjectNode status = JsonNodeFactory.instance.objectNode();
        status.putObject("metadata");
        status.put("status", "Failure");
        status.put("message", message);
        return status;
    }
}
