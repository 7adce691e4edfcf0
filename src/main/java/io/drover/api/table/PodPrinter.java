package io.drover.api.table;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.drover.pod.PodFields;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Pods: Name, Ready, Status, Restarts, Age | IP, Node, Nominated Node, Readiness Gates.
 *
 * <p>The Status cell is not the phase but a summary: the first unfinished init container
 * ("Init:0/2", "Init:CrashLoopBackOff"), else the last container with a waiting or terminated
 * reason ("CrashLoopBackOff", "Completed", "ExitCode:1"), else the phase; "Terminating" while
 * a deletion is pending. Sidecars (init containers with restartPolicy Always) count as containers
 * once started. This follows printPod in Kubernetes 1.32 step by step, including the order in
 * which containers are visited (the last one wins), because users read these words as states.
 */
final class PodPrinter implements Printer {

    private static final List<Column> COLUMNS = List.of(
            Column.objectName(),
            Column.string("Ready", "The aggregate readiness state of this pod for accepting traffic."),
            Column.string("Status", "The aggregate status of the containers in this pod."),
            Column.string("Restarts", "The number of times the containers in this pod have been restarted"
                    + " and when the last container in this pod has restarted."),
            Column.age(),
            Column.wide("IP", "podIP address allocated to the pod. Routable at least within the cluster."),
            Column.wide("Node", "NodeName indicates in which node this pod is scheduled."),
            Column.wide("Nominated Node", "nominatedNodeName is set only when this pod preempts other pods"
                    + " on the node."),
            Column.wide("Readiness Gates", "If specified, all readiness gates will be evaluated for pod"
                    + " readiness."));

    // node.NodeUnreachablePodReason: the node controller marks pods on a lost node this way.
    private static final String NODE_LOST = "NodeLost";

    @Override
    public List<Column> columns() {
        return COLUMNS;
    }

    @Override
    public void cells(JsonNode pod, Instant now, ArrayNode cells) {
        JsonNode spec = pod.path("spec");
        JsonNode status = pod.path("status");
        String phase = Fields.text(status, "phase");
        String reason = Fields.text(status, "reason").isEmpty() ? phase : Fields.text(status, "reason");
        for (JsonNode condition : status.path("conditions")) {
            if (Fields.text(condition, "type").equals("PodScheduled")
                    && Fields.text(condition, "reason").equals("SchedulingGated")) {
                reason = "SchedulingGated";
            }
        }

        int totalContainers = spec.path("containers").size();
        Map<String, JsonNode> initContainers = new HashMap<>();
        for (JsonNode container : spec.path("initContainers")) {
            initContainers.put(Fields.text(container, "name"), container);
            if (isRestartable(container)) {
                totalContainers++;
            }
        }

        long restarts = 0;
        long sidecarRestarts = 0;
        int readyContainers = 0;
        Instant lastRestart = null;
        Instant lastSidecarRestart = null;
        boolean initializing = false;
        JsonNode initStatuses = status.path("initContainerStatuses");
        int initCount = spec.path("initContainers").size();
        for (int i = 0; i < initStatuses.size(); i++) {
            JsonNode container = initStatuses.get(i);
            restarts += Fields.integer(container, "restartCount");
            lastRestart = later(lastRestart, Fields.time(container, "lastState", "terminated", "finishedAt"));
            boolean restartable = isRestartable(initContainers.get(Fields.text(container, "name")));
            if (restartable) {
                sidecarRestarts += Fields.integer(container, "restartCount");
                lastSidecarRestart = later(lastSidecarRestart,
                        Fields.time(container, "lastState", "terminated", "finishedAt"));
            }
            JsonNode terminated = Fields.at(container, "state", "terminated");
            JsonNode waiting = Fields.at(container, "state", "waiting");
            if (terminated.isObject() && Fields.integer(terminated, "exitCode") == 0) {
                continue;
            } else if (restartable && container.path("started").asBoolean(false)) {
                if (container.path("ready").asBoolean(false)) {
                    readyContainers++;
                }
                continue;
            } else if (terminated.isObject()) {
                // initialization failed
                reason = "Init:" + terminatedReason(terminated);
            } else if (waiting.isObject() && !Fields.text(waiting, "reason").isEmpty()
                    && !Fields.text(waiting, "reason").equals("PodInitializing")) {
                reason = "Init:" + Fields.text(waiting, "reason");
            } else {
                reason = "Init:" + i + "/" + initCount;
            }
            initializing = true;
            break;
        }

        if (!initializing || isInitialized(status)) {
            // Only sidecars keep counting once the pod runs: finished init containers' restarts
            // are history.
            restarts = sidecarRestarts;
            lastRestart = lastSidecarRestart;
            boolean hasRunning = false;
            JsonNode statuses = status.path("containerStatuses");
            for (int i = statuses.size() - 1; i >= 0; i--) {
                JsonNode container = statuses.get(i);
                restarts += Fields.integer(container, "restartCount");
                lastRestart = later(lastRestart, Fields.time(container, "lastState", "terminated", "finishedAt"));
                JsonNode waiting = Fields.at(container, "state", "waiting");
                JsonNode terminated = Fields.at(container, "state", "terminated");
                if (waiting.isObject() && !Fields.text(waiting, "reason").isEmpty()) {
                    reason = Fields.text(waiting, "reason");
                } else if (terminated.isObject()) {
                    reason = terminatedReason(terminated);
                } else if (container.path("ready").asBoolean(false)
                        && Fields.at(container, "state", "running").isObject()) {
                    hasRunning = true;
                    readyContainers++;
                }
            }
            // One container finished while another still runs: the pod is not "Completed".
            if (reason.equals("Completed") && hasRunning) {
                reason = hasReadyCondition(status) ? "Running" : "NotReady";
            }
        }

        boolean deleting = Fields.present(pod, "metadata", "deletionTimestamp");
        if (deleting && Fields.text(status, "reason").equals(NODE_LOST)) {
            reason = "Unknown";
        } else if (deleting && !PodFields.isTerminal(phase)) {
            reason = "Terminating";
        }

        String restartsCell = Long.toString(restarts);
        if (restarts != 0 && lastRestart != null) {
            restartsCell = restarts + " (" + HumanDuration.since(lastRestart, now) + " ago)";
        }

        cells.add(Fields.name(pod));
        cells.add(readyContainers + "/" + totalContainers);
        cells.add(reason);
        cells.add(restartsCell);
        cells.add(HumanDuration.since(Fields.creationTimestamp(pod), now));
        cells.add(orNone(podIP(status)));
        cells.add(orNone(Fields.text(spec, "nodeName")));
        cells.add(orNone(Fields.text(status, "nominatedNodeName")));
        cells.add(readinessGates(spec, status));
    }

    @Override
    public ArrayNode conditions(JsonNode pod) {
        String phase = Fields.text(pod, "status", "phase");
        String message = switch (phase) {
            case "Succeeded" -> "The pod has completed successfully.";
            case "Failed" -> "The pod failed.";
            default -> null;
        };
        if (message == null) {
            return null;
        }
        ArrayNode conditions = JsonNodeFactory.instance.arrayNode();
        conditions.addObject()
                .put("type", "Completed")
                .put("status", "True")
                .put("reason", phase)
                .put("message", message);
        return conditions;
    }

    private static String terminatedReason(JsonNode terminated) {
        String reason = Fields.text(terminated, "reason");
        if (!reason.isEmpty()) {
            return reason;
        }
        long signal = Fields.integer(terminated, "signal");
        return signal != 0 ? "Signal:" + signal : "ExitCode:" + Fields.integer(terminated, "exitCode");
    }

    private static boolean isRestartable(JsonNode initContainer) {
        return initContainer != null && Fields.text(initContainer, "restartPolicy").equals("Always");
    }

    private static boolean isInitialized(JsonNode status) {
        return hasTrueCondition(status, "Initialized");
    }

    private static boolean hasReadyCondition(JsonNode status) {
        return hasTrueCondition(status, "Ready");
    }

    private static boolean hasTrueCondition(JsonNode status, String type) {
        for (JsonNode condition : status.path("conditions")) {
            if (Fields.text(condition, "type").equals(type)) {
                return Fields.text(condition, "status").equals("True");
            }
        }
        return false;
    }

    // v1 clients may write only podIP; the real server converts it into podIPs[0] before printing.
    private static String podIP(JsonNode status) {
        String ip = Fields.text(status.path("podIPs").path(0), "ip");
        return ip.isEmpty() ? Fields.text(status, "podIP") : ip;
    }

    private static String readinessGates(JsonNode spec, JsonNode status) {
        JsonNode gates = spec.path("readinessGates");
        if (gates.isEmpty()) {
            return Selectors.NONE;
        }
        int trueConditions = 0;
        for (JsonNode gate : gates) {
            String type = Fields.text(gate, "conditionType");
            for (JsonNode condition : status.path("conditions")) {
                if (Fields.text(condition, "type").equals(type)) {
                    if (Fields.text(condition, "status").equals("True")) {
                        trueConditions++;
                    }
                    break;
                }
            }
        }
        return trueConditions + "/" + gates.size();
    }

    private static Instant later(Instant current, Instant candidate) {
        if (candidate == null) {
            return current;
        }
        return current == null || candidate.isAfter(current) ? candidate : current;
    }

    private static String orNone(String value) {
        return value.isEmpty() ? Selectors.NONE : value;
    }
}
