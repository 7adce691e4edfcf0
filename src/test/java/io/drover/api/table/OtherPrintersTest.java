package io.drover.api.table;

import static io.drover.api.table.Tables.ago;
import static io.drover.api.table.Tables.cells;
import static io.drover.api.table.Tables.columnNames;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OtherPrintersTest {

    @Test
    void endpointsPairAddressesWithPortsAndTruncateAfterThree() {
        String endpoints = """
                {"metadata": {"name": "web", "creationTimestamp": "%s"}, "subsets": [
                  {"addresses": [{"ip": "10.0.0.1"}, {"ip": "10.0.0.2"}], "ports": [{"port": 80}, {"port": 443}]},
                  {"addresses": [{"ip": "fd00::1"}], "ports": [{"port": 8080}]}]}""".formatted(ago(60));
        assertThat(columnNames("", "Endpoints", 0)).containsExactly("Name", "Endpoints", "Age");
        assertThat(cells("", "Endpoints", endpoints))
                .containsExactly("web", "10.0.0.1:80,10.0.0.2:80,10.0.0.1:443 + 2 more...", "60s");
        assertThat(cells("", "Endpoints", "{\"metadata\": {\"name\": \"e\"}}").get(1)).isEqualTo("<none>");
        assertThat(cells("", "Endpoints", """
                {"metadata": {"name": "e"}, "subsets": [{"addresses": [{"ip": "fd00::1"}], "ports": [{"port": 53}]}]}""")
                .get(1)).isEqualTo("[fd00::1]:53");
    }

    @Test
    void endpointSlicesListPortsAndAddresses() {
        String slice = """
                {"metadata": {"name": "web-abc12", "creationTimestamp": "%s"}, "addressType": "IPv4",
                 "ports": [{"name": "http", "port": 80}, {"name": "named"}],
                 "endpoints": [{"addresses": ["10.0.0.1"]}, {"addresses": ["10.0.0.2"]}]}""".formatted(ago(60));
        assertThat(columnNames("discovery.k8s.io", "EndpointSlice", 0))
                .containsExactly("Name", "AddressType", "Ports", "Endpoints", "Age");
        assertThat(cells("discovery.k8s.io", "EndpointSlice", slice))
                .containsExactly("web-abc12", "IPv4", "80,named", "10.0.0.1,10.0.0.2", "60s");
        assertThat(cells("discovery.k8s.io", "EndpointSlice", "{\"metadata\": {\"name\": \"s\"}, \"addressType\": \"IPv4\"}")
                .subList(2, 4)).containsExactly("<unset>", "<unset>");
    }

    @Test
    void configMapsAndSecretsCountKeys() {
        assertThat(cells("", "ConfigMap", """
                {"metadata": {"name": "cfg", "creationTimestamp": "%s"}, "data": {"a": "1", "b": "2"},
                 "binaryData": {"c": "AA=="}}""".formatted(ago(10))))
                .containsExactly("cfg", 3L, "10s");
        assertThat(columnNames("", "Secret", 0)).containsExactly("Name", "Type", "Data", "Age");
        assertThat(cells("", "Secret", """
                {"metadata": {"name": "s"}, "type": "Opaque", "data": {"k": "dg=="}}"""))
                .containsExactly("s", "Opaque", 1L, "<unknown>");
    }

    @Test
    void namespacesServiceAccountsLeasesRuntimeClasses() {
        assertThat(cells("", "Namespace", """
                {"metadata": {"name": "default", "creationTimestamp": "%s"}, "status": {"phase": "Active"}}"""
                .formatted(ago(3 * 86400)))).containsExactly("default", "Active", "3d");
        assertThat(cells("", "ServiceAccount", """
                {"metadata": {"name": "default"}, "secrets": [{"name": "t"}]}""")).containsExactly("default", 1L, "<unknown>");
        assertThat(columnNames("coordination.k8s.io", "Lease", 0)).containsExactly("Name", "Holder", "Age");
        assertThat(cells("coordination.k8s.io", "Lease", """
                {"metadata": {"name": "ctrl"}, "spec": {"holderIdentity": "drover-1"}}""").get(1)).isEqualTo("drover-1");
        assertThat(cells("node.k8s.io", "RuntimeClass", """
                {"metadata": {"name": "process"}, "handler": "process"}""").subList(0, 2))
                .containsExactly("process", "process");
    }

    @Test
    void nodesShowReadinessRolesAndSystemInfo() {
        String node = """
                {"metadata": {"name": "n1", "creationTimestamp": "%s",
                   "labels": {"node-role.kubernetes.io/control-plane": "", "kubernetes.io/role": "worker"}},
                 "spec": {"unschedulable": true},
                 "status": {"conditions": [{"type": "Ready", "status": "True"}],
                   "addresses": [{"type": "InternalIP", "address": "192.168.1.10"}],
                   "nodeInfo": {"kubeletVersion": "v1.32.0-drover", "osImage": "Debian", "kernelVersion": "6.1.0"}}}"""
                .formatted(ago(5 * 3600 + 180));
        assertThat(columnNames("", "Node", 0)).containsExactly("Name", "Status", "Roles", "Age", "Version");
        assertThat(columnNames("", "Node", 1))
                .containsExactly("Internal-IP", "External-IP", "OS-Image", "Kernel-Version", "Container-Runtime");
        assertThat(cells("", "Node", node)).containsExactly("n1", "Ready,SchedulingDisabled", "control-plane,worker",
                "5h3m", "v1.32.0-drover", "192.168.1.10", "<none>", "Debian", "6.1.0", "<unknown>");
        assertThat(cells("", "Node", """
                {"metadata": {"name": "n2"}, "status": {"conditions": [{"type": "Ready", "status": "Unknown"}]}}""")
                .subList(1, 3)).containsExactly("NotReady", "<none>");
    }

    @Test
    void eventsPutWideColumnsBetweenNarrowOnes() {
        String event = """
                {"metadata": {"name": "web.17a"}, "type": "Warning", "reason": "BackOff",
                 "involvedObject": {"kind": "Pod", "name": "web", "fieldPath": "spec.containers{app}"},
                 "source": {"component": "kubelet", "host": "n1"}, "message": " Back-off restarting \\n",
                 "firstTimestamp": "%s", "lastTimestamp": "%s", "count": 4}""".formatted(ago(600), ago(5));
        assertThat(columnNames("", "Event", 0)).containsExactly("Last Seen", "Type", "Reason", "Object", "Message");
        assertThat(cells("", "Event", event)).containsExactly("5s", "Warning", "BackOff", "pod/web",
                "spec.containers{app}", "kubelet, n1", "Back-off restarting", "10m", 4L, "web.17a");
    }

    @Test
    void eventsFromTheNewApiUseEventTimeAndSeries() {
        String event = """
                {"metadata": {"name": "e"}, "type": "Normal", "reason": "Scheduled", "involvedObject": {"kind": "Pod"},
                 "eventTime": "%s", "reportingComponent": "scheduler", "message": "ok"}""".formatted(ago(120));
        assertThat(cells("", "Event", event))
                .containsExactly("2m", "Normal", "Scheduled", "pod", "", "scheduler", "ok", "2m", 1L, "e");
    }

    @Test
    void resourceQuotasSplitRequestsFromLimits() {
        String quota = """
                {"metadata": {"name": "q", "creationTimestamp": "%s"},
                 "status": {"hard": {"requests.cpu": "1", "limits.memory": "1Gi", "pods": "10", "limits.cpu": "2"},
                            "used": {"requests.cpu": "500m", "pods": "3", "limits.cpu": "1"}}}""".formatted(ago(60));
        assertThat(columnNames("", "ResourceQuota", 0)).containsExactly("Name", "Age", "Request", "Limit");
        assertThat(cells("", "ResourceQuota", quota)).containsExactly("q", "60s",
                "pods: 3/10, requests.cpu: 500m/1", "limits.cpu: 1/2, limits.memory: 0/1Gi");
    }

    @Test
    void limitRangesShowCreationTime() {
        assertThat(columnNames("", "LimitRange", 0)).containsExactly("Name", "Created At");
        assertThat(cells("", "LimitRange", """
                {"metadata": {"name": "lr", "creationTimestamp": "2025-05-01T08:30:00Z"}}"""))
                .containsExactly("lr", "2025-05-01T08:30:00Z");
    }

    @Test
    void priorityClassesShowValueDefaultAndPolicy() {
        assertThat(columnNames("scheduling.k8s.io", "PriorityClass", 0))
                .containsExactly("Name", "Value", "Global-Default", "Age", "PreemptionPolicy");
        assertThat(cells("scheduling.k8s.io", "PriorityClass", """
                {"metadata": {"name": "high", "creationTimestamp": "%s"}, "value": 1000,
                 "preemptionPolicy": "Never"}""".formatted(ago(60))))
                .containsExactly("high", 1000L, "false", "60s", "Never");
    }

    @Test
    void disruptionBudgetsShowTheirBoundsAndAllowedDisruptions() {
        assertThat(columnNames("policy", "PodDisruptionBudget", 0))
                .containsExactly("Name", "Min Available", "Max Unavailable", "Allowed Disruptions", "Age");
        assertThat(cells("policy", "PodDisruptionBudget", """
                {"metadata": {"name": "web", "creationTimestamp": "%s"}, "spec": {"maxUnavailable": "25%%"},
                 "status": {"disruptionsAllowed": 2}}""".formatted(ago(60))))
                .containsExactly("web", "N/A", "25%", 2L, "60s");
    }

    @Test
    void rolesShowCreationTimeAndBindingsTheirRoleAndSubjects() {
        assertThat(columnNames("rbac.authorization.k8s.io", "Role", 0)).containsExactly("Name", "Created At");
        assertThat(cells("rbac.authorization.k8s.io", "ClusterRole", """
                {"metadata": {"name": "system:x", "creationTimestamp": "2025-05-01T08:30:00Z"}}"""))
                .containsExactly("system:x", "2025-05-01T08:30:00Z");

        assertThat(columnNames("rbac.authorization.k8s.io", "RoleBinding", 0)).containsExactly("Name", "Role", "Age");
        assertThat(columnNames("rbac.authorization.k8s.io", "ClusterRoleBinding", 1))
                .containsExactly("Users", "Groups", "ServiceAccounts");
        String binding = """
                {"metadata": {"name": "rb", "creationTimestamp": "%s"},
                 "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "view"},
                 "subjects": [{"kind": "User", "name": "alice"}, {"kind": "ServiceAccount", "name": "ci", "namespace": "build"},
                              {"kind": "Group", "name": "devs"}, {"kind": "User", "name": "bob"}]}""".formatted(ago(60));
        assertThat(cells("rbac.authorization.k8s.io", "RoleBinding", binding))
                .containsExactly("rb", "ClusterRole/view", "60s", "alice, bob", "devs", "build/ci");
    }

    @Test
    void hpaShowsNamedResourceTargets() {
        String v2 = """
                {"metadata": {"name": "web", "creationTimestamp": "%s"},
                 "spec": {"scaleTargetRef": {"kind": "Deployment", "name": "web"}, "minReplicas": 1, "maxReplicas": 10,
                   "metrics": [
                     {"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 80}}},
                     {"type": "Resource", "resource": {"name": "memory", "target": {"type": "AverageValue", "averageValue": "500Mi"}}},
                     {"type": "Pods", "pods": {"metric": {"name": "qps"}, "target": {"type": "AverageValue", "averageValue": "10"}}}]},
                 "status": {"currentReplicas": 2, "currentMetrics": [
                     {"type": "Resource", "resource": {"name": "cpu", "current": {"averageUtilization": 45}}}]}}"""
                .formatted(ago(60));
        assertThat(columnNames("autoscaling", "HorizontalPodAutoscaler", 0))
                .containsExactly("Name", "Reference", "Targets", "MinPods", "MaxPods", "Replicas", "Age");
        assertThat(cells("autoscaling", "HorizontalPodAutoscaler", v2)).containsExactly("web", "Deployment/web",
                "cpu: 45%/80%, memory: <unknown>/500Mi + 1 more...", "1", 10L, 2L, "60s");
    }

    @Test
    void autoscalingV1HpaReadsAsItsCpuMetric() {
        String v1 = """
                {"metadata": {"name": "web"},
                 "spec": {"scaleTargetRef": {"kind": "Deployment", "name": "web"}, "maxReplicas": 5,
                   "targetCPUUtilizationPercentage": 50}, "status": {"currentReplicas": 0}}""";
        String defaulted = """
                {"metadata": {"name": "web"}, "spec": {"scaleTargetRef": {"kind": "Deployment", "name": "web"},
                   "maxReplicas": 5}}""";
        assertThat(cells("autoscaling", "HorizontalPodAutoscaler", v1).subList(2, 4))
                .containsExactly("cpu: <unknown>/50%", "<unset>");
        assertThat(cells("autoscaling", "HorizontalPodAutoscaler", defaulted).get(2)).isEqualTo("cpu: <unknown>/80%");
    }

    @Test
    void otherKindsGetNameAndAge() {
        assertThat(columnNames("example.com", "Widget", 0)).containsExactly("Name", "Age");
        assertThat(cells("example.com", "Widget", """
                {"metadata": {"name": "w", "creationTimestamp": "%s"}}""".formatted(ago(3 * 365 * 86400L))))
                .containsExactly("w", "3y");
    }
}
