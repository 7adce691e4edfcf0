package io.drover.api.strategy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Pod status writes as Kubernetes 1.32's ValidatePodStatusUpdate checks them. */
class PodStatusRulesTest {
    private final PodStrategy strategy = new PodStrategy();

    private List<String> write(String oldPod, String newPod) {
        return Json.printed(strategy.validateStatusUpdate(Json.parse(oldPod), Json.parse(newPod)));
    }

    private static String withContainer(String restartPolicy, String state) {
        return "{spec: {restartPolicy: '" + restartPolicy + "', containers: [{name: 'a'}]},"
                + " status: {qosClass: 'BestEffort', containerStatuses: [{name: 'a', state: " + state + "}]}}";
    }

    @Test
    void customConditionTypesAreQualifiedNames() {
        assertThat(write("{}", "{status: {conditions: [{type: 'PodScheduled', status: 'True'},"
                + " {type: 'example.com/ok', status: 'True'}, {type: 'not ok', status: 'True'}]}}")).containsExactly(
                        "metadata.conditions[2].Type: Invalid value: \"not ok\": name part must consist of alphanumeric"
                                + " characters, '-', '_' or '.', and must start and end with an alphanumeric character"
                                + " (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is"
                                + " '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')");
    }

    @Test
    void theQosClassIsImmutableAndANominatedNodeANodeName() {
        assertThat(write("{status: {qosClass: 'BestEffort'}}", "{status: {qosClass: 'Guaranteed',"
                + " nominatedNodeName: 'Node_1'}}")).containsExactly(
                        "status.nominatedNodeName: Invalid value: \"Node_1\": a lowercase RFC 1123 subdomain must"
                                + " consist of lower case alphanumeric characters, '-' or '.', and must start and end"
                                + " with an alphanumeric character (e.g. 'example.com', regex used for validation is"
                                + " '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
                        "status.qosClass: Invalid value: \"Guaranteed\": field is immutable");
        // An unchanged nominatedNodeName is not checked again.
        assertThat(write("{status: {nominatedNodeName: 'Node_1'}}", "{status: {nominatedNodeName: 'Node_1'}}"))
                .isEmpty();
    }

    @Test
    void aTerminatedContainerStaysTerminatedUnlessItsPodRestartsIt() {
        String done = "{terminated: {exitCode: 0}}";
        String failed = "{terminated: {exitCode: 1}}";
        String running = "{running: {startedAt: '2025-01-01T00:00:00Z'}}";
        String refused = "status.containerStatuses[0].state: Forbidden: may not be transitioned to non-terminated state";
        assertThat(write(withContainer("Never", failed), withContainer("Never", running))).containsExactly(refused);
        assertThat(write(withContainer("OnFailure", done), withContainer("OnFailure", "{waiting: {}}")))
                .containsExactly(refused);
        assertThat(write(withContainer("OnFailure", failed), withContainer("OnFailure", running))).isEmpty();
        assertThat(write(withContainer("Always", done), withContainer("Always", running))).isEmpty();
        assertThat(write(withContainer("Never", running), withContainer("Never", done))).isEmpty();
        // What the node agent (PodStatuses) writes for such a container once its pod failed: it stays terminated.
        ObjectNode old = Json.parse(withContainer("Never", "{terminated: {exitCode: 3, reason: 'Error'}}"));
        ObjectNode next = old.deepCopy();
        ((ObjectNode) next.get("status")).put("phase", "Failed").put("hostIP", "192.0.2.2").put("podIP", "192.0.2.2")
                .set("conditions", Json.parse("{c: [{type: 'Initialized', status: 'True'}, {type: 'Ready', status:"
                        + " 'False'}, {type: 'ContainersReady', status: 'False'}, {type: 'PodScheduled', status:"
                        + " 'True'}]}").get("c"));
        ((ObjectNode) next.get("status")).set("hostIPs", Json.parse("{l: [{ip: '192.0.2.2'}]}").get("l"));
        ((ObjectNode) next.get("status")).set("podIPs", Json.parse("{l: [{ip: '192.0.2.2'}]}").get("l"));
        assertThat(strategy.validateStatusUpdate(old, next)).isEmpty();
    }

    @Test
    void aSidecarMayRestartButAnInitContainerThatSucceededMayNot() {
        String spec = "spec: {restartPolicy: 'Never', containers: [{name: 'a'}], initContainers: [{name: 'init'},"
                + " {name: 'side', restartPolicy: 'Always'}]}";
        String before = "{" + spec + ", status: {initContainerStatuses: [{name: 'init', state: {terminated:"
                + " {exitCode: 0}}}, {name: 'side', state: {terminated: {exitCode: 0}}}]}}";
        String after = "{" + spec + ", status: {initContainerStatuses: [{name: 'init', state: {running: {}}},"
                + " {name: 'side', state: {running: {}}}]}}";
        assertThat(write(before, after)).containsExactly("status.initContainerStatuses[0].state: Forbidden: may not be"
                + " transitioned to non-terminated state");
    }

    @Test
    void podAndHostIpsAreOnePerFamilyAndTheFirstIsTheSingleField() {
        assertThat(write("{}", "{status: {podIP: 'garbage', podIPs: [{ip: 'garbage'}]}}")).containsExactly(
                "status.podIPs[0]: Invalid value: \"garbage\": must be a valid IP address, (e.g. 10.9.8.7 or"
                        + " 2001:db8::ffff)");
        assertThat(write("{}", "{status: {podIP: '10.0.0.1', podIPs: [{ip: '10.0.0.1'}, {ip: '10.0.0.1'}]}}"))
                .containsExactly("status.podIPs: Invalid value: []core.PodIP{core.PodIP{IP:\"10.0.0.1\"},"
                        + " core.PodIP{IP:\"10.0.0.1\"}}: may specify no more than one IP for each IP family",
                        "status.podIPs[1]: Duplicate value: core.PodIP{IP:\"10.0.0.1\"}");
        assertThat(write("{}", "{status: {podIP: '10.0.0.1', podIPs: [{ip: '10.0.0.1'}, {ip: 'fd00::1'}],"
                + " hostIP: '192.0.2.1', hostIPs: [{ip: '192.0.2.1'}, {ip: '2001:db8::1'}]}}")).isEmpty();
        assertThat(write("{}", "{status: {hostIPs: [{ip: '192.0.2.1'}]}}")).containsExactly(
                "status.hostIPs[0].ip: Invalid value: \"192.0.2.1\": must be equal to `hostIP`");
    }

    @Test
    void linuxUsersOfContainerStatusesAreValidIds() {
        assertThat(write("{}", "{status: {containerStatuses: [{name: 'a', user: {linux: {uid: -1, gid: 0,"
                + " supplementalGroups: [5, -2]}}}]}}")).containsExactly(
                        "status.containerStatuses[0].linux.uid: Invalid value: -1: must be between 0 and 2147483647,"
                                + " inclusive",
                        "status.containerStatuses[0].linux.supplementalGroups[1]: Invalid value: -2: must be between 0"
                                + " and 2147483647, inclusive");
    }
}
