package io.drover.api.table;

import static io.drover.api.table.Tables.ago;
import static io.drover.api.table.Tables.cells;
import static io.drover.api.table.Tables.columnNames;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

class PodPrinterTest {

    private static String pod(String metadataExtra, String spec, String status) {
        return """
                {"metadata": {"name": "web", "creationTimestamp": "%s"%s},
                 "spec": %s, "status": %s}""".formatted(ago(300), metadataExtra, spec, status);
    }

    private static final String ONE_CONTAINER = """
            {"containers": [{"name": "app", "image": "nginx"}], "nodeName": "node-1"}""";

    @Test
    void columnsAreKubernetesPodColumns() {
        assertThat(columnNames("", "Pod", 0)).containsExactly("Name", "Ready", "Status", "Restarts", "Age");
        assertThat(columnNames("", "Pod", 1)).containsExactly("IP", "Node", "Nominated Node", "Readiness Gates");
    }

    @Test
    void pendingPodWithoutStatusesShowsPhase() {
        assertThat(cells("", "Pod", pod("", "{\"containers\": [{\"name\": \"app\"}]}", "{\"phase\": \"Pending\"}")))
                .containsExactly("web", "0/1", "Pending", "0", "5m", "<none>", "<none>", "<none>", "<none>");
    }

    @Test
    void runningReadyContainerCountsAsReady() {
        String status = """
                {"phase": "Running", "podIP": "10.0.0.5",
                 "containerStatuses": [{"name": "app", "ready": true, "restartCount": 0,
                   "state": {"running": {"startedAt": "%s"}}}]}""".formatted(ago(290));
        assertThat(cells("", "Pod", pod("", ONE_CONTAINER, status)))
                .containsExactly("web", "1/1", "Running", "0", "5m", "10.0.0.5", "node-1", "<none>", "<none>");
    }

    @Test
    void waitingReasonReplacesPhaseAndRestartsShowLastRestart() {
        String status = """
                {"phase": "Running", "podIPs": [{"ip": "10.0.0.6"}],
                 "containerStatuses": [{"name": "app", "ready": false, "restartCount": 5,
                   "state": {"waiting": {"reason": "CrashLoopBackOff"}},
                   "lastState": {"terminated": {"exitCode": 1, "finishedAt": "%s"}}}]}""".formatted(ago(62));
        assertThat(cells("", "Pod", pod("", ONE_CONTAINER, status)))
                .startsWith("web", "0/1", "CrashLoopBackOff", "5 (62s ago)", "5m", "10.0.0.6");
    }

    @Test
    void restartsWithoutTerminationTimeAreJustTheCount() {
        String status = """
                {"phase": "Running", "containerStatuses": [{"name": "app", "ready": true, "restartCount": 2,
                   "state": {"running": {}}}]}""";
        assertThat(cells("", "Pod", pod("", ONE_CONTAINER, status)).get(3)).isEqualTo("2");
    }

    @Test
    void succeededPodIsCompletedAndMarkedSo() {
        String status = """
                {"phase": "Succeeded", "containerStatuses": [{"name": "app", "ready": false, "restartCount": 0,
                   "state": {"terminated": {"exitCode": 0, "reason": "Completed"}}}]}""";
        ObjectNode table = new TableConverter().fromObject("", "Pod",
                Tables.json(pod("", ONE_CONTAINER, status)), TableOptions.DEFAULT, Tables.NOW);
        assertThat(table.at("/rows/0/cells/2").asText()).isEqualTo("Completed");
        assertThat(table.at("/rows/0/cells/1").asText()).isEqualTo("0/1");
        assertThat(table.at("/rows/0/conditions/0/type").asText()).isEqualTo("Completed");
        assertThat(table.at("/rows/0/conditions/0/reason").asText()).isEqualTo("Succeeded");
    }

    @Test
    void terminatedWithoutReasonShowsExitCodeOrSignal() {
        String exit = """
                {"phase": "Failed", "containerStatuses": [{"name": "app", "state": {"terminated": {"exitCode": 2}}}]}""";
        String signal = """
                {"phase": "Failed", "containerStatuses": [{"name": "app",
                   "state": {"terminated": {"exitCode": 137, "signal": 9}}}]}""";
        assertThat(cells("", "Pod", pod("", ONE_CONTAINER, exit)).get(2)).isEqualTo("ExitCode:2");
        assertThat(cells("", "Pod", pod("", ONE_CONTAINER, signal)).get(2)).isEqualTo("Signal:9");
    }

    @Test
    void completedContainerBesideRunningOneIsRunningOrNotReady() {
        String spec = """
                {"containers": [{"name": "a"}, {"name": "b"}]}""";
        String status = """
                {"phase": "Running", "conditions": [{"type": "Ready", "status": "%s"}],
                 "containerStatuses": [
                   {"name": "a", "ready": false, "state": {"terminated": {"exitCode": 0, "reason": "Completed"}}},
                   {"name": "b", "ready": true, "state": {"running": {}}}]}""";
        assertThat(cells("", "Pod", pod("", spec, status.formatted("True"))).subList(1, 3))
                .containsExactly("1/2", "Running");
        assertThat(cells("", "Pod", pod("", spec, status.formatted("False"))).get(2)).isEqualTo("NotReady");
    }

    @Test
    void deletionTimestampMakesARunningPodTerminating() {
        String status = """
                {"phase": "Running", "containerStatuses": [{"name": "app", "ready": true, "state": {"running": {}}}]}""";
        String deleting = ", \"deletionTimestamp\": \"%s\"".formatted(ago(3));
        assertThat(cells("", "Pod", pod(deleting, ONE_CONTAINER, status)).get(2)).isEqualTo("Terminating");
    }

    @Test
    void deletionOfAFinishedPodKeepsItsStatus() {
        String status = """
                {"phase": "Succeeded", "containerStatuses": [{"name": "app",
                   "state": {"terminated": {"exitCode": 0, "reason": "Completed"}}}]}""";
        String deleting = ", \"deletionTimestamp\": \"%s\"".formatted(ago(3));
        assertThat(cells("", "Pod", pod(deleting, ONE_CONTAINER, status)).get(2)).isEqualTo("Completed");
    }

    @Test
    void deletedPodOnLostNodeIsUnknown() {
        String status = "{\"phase\": \"Running\", \"reason\": \"NodeLost\"}";
        String deleting = ", \"deletionTimestamp\": \"%s\"".formatted(ago(3));
        assertThat(cells("", "Pod", pod(deleting, ONE_CONTAINER, status)).get(2)).isEqualTo("Unknown");
    }

    @Test
    void unfinishedInitContainerShowsInitProgress() {
        String spec = """
                {"initContainers": [{"name": "i1"}, {"name": "i2"}], "containers": [{"name": "app"}]}""";
        String waiting = """
                {"phase": "Pending", "initContainerStatuses": [
                   {"name": "i1", "state": {"terminated": {"exitCode": 0, "reason": "Completed"}}},
                   {"name": "i2", "state": {"running": {}}}]}""";
        String crashing = """
                {"phase": "Pending", "initContainerStatuses": [
                   {"name": "i1", "restartCount": 3, "state": {"waiting": {"reason": "CrashLoopBackOff"}},
                    "lastState": {"terminated": {"exitCode": 1, "finishedAt": "%s"}}}]}""".formatted(ago(10));
        assertThat(cells("", "Pod", pod("", spec, waiting)).subList(1, 4)).containsExactly("0/1", "Init:1/2", "0");
        assertThat(cells("", "Pod", pod("", spec, crashing)).subList(1, 4))
                .containsExactly("0/1", "Init:CrashLoopBackOff", "3 (10s ago)");
    }

    @Test
    void startedSidecarCountsAsReadyContainer() {
        String spec = """
                {"initContainers": [{"name": "proxy", "restartPolicy": "Always"}], "containers": [{"name": "app"}]}""";
        String status = """
                {"phase": "Running", "conditions": [{"type": "Initialized", "status": "True"}],
                 "initContainerStatuses": [{"name": "proxy", "started": true, "ready": true, "restartCount": 1,
                   "state": {"running": {}}, "lastState": {"terminated": {"exitCode": 1, "finishedAt": "%s"}}}],
                 "containerStatuses": [{"name": "app", "ready": true, "state": {"running": {}}}]}"""
                .formatted(ago(3600));
        assertThat(cells("", "Pod", pod("", spec, status)).subList(1, 4))
                .containsExactly("2/2", "Running", "1 (60m ago)");
    }

    @Test
    void schedulingGatedPodSaysSo() {
        String status = """
                {"phase": "Pending", "conditions": [{"type": "PodScheduled", "status": "False",
                  "reason": "SchedulingGated"}]}""";
        assertThat(cells("", "Pod", pod("", ONE_CONTAINER, status)).get(2)).isEqualTo("SchedulingGated");
    }

    @Test
    void readinessGatesCountTrueConditions() {
        String spec = """
                {"containers": [{"name": "app"}],
                 "readinessGates": [{"conditionType": "lb/ready"}, {"conditionType": "dns/ready"}]}""";
        String status = """
                {"phase": "Running", "nominatedNodeName": "node-2",
                 "conditions": [{"type": "lb/ready", "status": "True"}, {"type": "dns/ready", "status": "False"}]}""";
        assertThat(cells("", "Pod", pod("", spec, status)).subList(7, 9)).containsExactly("node-2", "1/2");
    }
}
