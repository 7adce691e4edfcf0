package io.drover.api.table;

import static io.drover.api.table.Tables.ago;
import static io.drover.api.table.Tables.cells;
import static io.drover.api.table.Tables.columnNames;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WorkloadAndServicePrintersTest {

    private static final String TEMPLATE = """
            "template": {"spec": {"containers": [{"name": "web", "image": "nginx:1.27"},
                                                 {"name": "log", "image": "busybox"}]}}""";

    @Test
    void deploymentShowsReadyOverDesired() {
        String deployment = """
                {"metadata": {"name": "myapp", "creationTimestamp": "%s"},
                 "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "myapp", "tier": "web"}}, %s},
                 "status": {"replicas": 3, "readyReplicas": 2, "updatedReplicas": 3, "availableReplicas": 2}}"""
                .formatted(ago(300), TEMPLATE);
        assertThat(columnNames("apps", "Deployment", 0)).containsExactly("Name", "Ready", "Up-to-date", "Available", "Age");
        assertThat(columnNames("apps", "Deployment", 1)).containsExactly("Containers", "Images", "Selector");
        assertThat(cells("apps", "Deployment", deployment))
                .containsExactly("myapp", "2/3", 3L, 2L, "5m", "web,log", "nginx:1.27,busybox", "app=myapp,tier=web");
    }

    @Test
    void deploymentWithoutStatusIsZeroOverDefaultReplicas() {
        String deployment = """
                {"metadata": {"name": "new"}, "spec": {}}""";
        assertThat(cells("apps", "Deployment", deployment))
                .containsExactly("new", "0/1", 0L, 0L, "<unknown>", "", "", "");
    }

    @Test
    void replicaSetShowsCountsAndSetBasedSelector() {
        String replicaSet = """
                {"metadata": {"name": "myapp-5d4f", "creationTimestamp": "%s"},
                 "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "myapp"},
                   "matchExpressions": [{"key": "env", "operator": "In", "values": ["prod", "dev"]},
                                        {"key": "canary", "operator": "DoesNotExist"}]}, %s},
                 "status": {"replicas": 2, "readyReplicas": 1}}""".formatted(ago(7200), TEMPLATE);
        assertThat(columnNames("apps", "ReplicaSet", 0)).containsExactly("Name", "Desired", "Current", "Ready", "Age");
        assertThat(cells("apps", "ReplicaSet", replicaSet)).containsExactly("myapp-5d4f", 2L, 2L, 1L, "120m",
                "web,log", "nginx:1.27,busybox", "app=myapp,!canary,env in (dev,prod)");
    }

    @Test
    void serviceColumns() {
        assertThat(columnNames("", "Service", 0))
                .containsExactly("Name", "Type", "Cluster-IP", "External-IP", "Port(s)", "Age");
        assertThat(columnNames("", "Service", 1)).containsExactly("Selector");
    }

    @Test
    void clusterIPServiceShowsPortsAndNoExternalIP() {
        String service = """
                {"metadata": {"name": "web", "creationTimestamp": "%s"},
                 "spec": {"type": "ClusterIP", "clusterIP": "10.96.0.10", "clusterIPs": ["10.96.0.10"],
                   "ports": [{"port": 80, "protocol": "TCP"}, {"port": 53, "protocol": "UDP"}],
                   "selector": {"app": "web"}}}""".formatted(ago(30));
        assertThat(cells("", "Service", service))
                .containsExactly("web", "ClusterIP", "10.96.0.10", "<none>", "80/TCP,53/UDP", "30s", "app=web");
    }

    @Test
    void nodePortServiceShowsNodePort() {
        String service = """
                {"metadata": {"name": "web"},
                 "spec": {"type": "NodePort", "clusterIP": "10.96.0.11", "externalIPs": ["192.0.2.1"],
                   "ports": [{"port": 80, "nodePort": 30080, "protocol": "TCP"}]}}""";
        assertThat(cells("", "Service", service).subList(1, 5))
                .containsExactly("NodePort", "10.96.0.11", "192.0.2.1", "80:30080/TCP");
    }

    @Test
    void loadBalancerIsPendingUntilItHasAnIngress() {
        String pending = """
                {"metadata": {"name": "lb"}, "spec": {"type": "LoadBalancer", "clusterIP": "10.96.0.12",
                   "ports": [{"port": 443, "nodePort": 31443, "protocol": "TCP"}]}, "status": {"loadBalancer": {}}}""";
        String ready = """
                {"metadata": {"name": "lb"}, "spec": {"type": "LoadBalancer", "externalIPs": ["192.0.2.9"],
                   "ports": [{"port": 443, "protocol": "TCP"}]},
                 "status": {"loadBalancer": {"ingress": [{"ip": "203.0.113.7"}, {"hostname": "lb.example.com"}]}}}""";
        assertThat(cells("", "Service", pending).subList(3, 5)).containsExactly("<pending>", "443:31443/TCP");
        assertThat(cells("", "Service", ready).get(3)).isEqualTo("203.0.113.7,lb.example.com,192.0.2.9");
    }

    @Test
    void externalNameAndHeadlessServices() {
        String external = """
                {"metadata": {"name": "ext"}, "spec": {"type": "ExternalName", "externalName": "db.example.com"}}""";
        String headless = """
                {"metadata": {"name": "h"}, "spec": {"clusterIP": "None", "clusterIPs": ["None"]}}""";
        assertThat(cells("", "Service", external).subList(1, 5))
                .containsExactly("ExternalName", "<none>", "db.example.com", "<none>");
        assertThat(cells("", "Service", headless).subList(1, 5))
                .containsExactly("ClusterIP", "None", "<none>", "<none>");
    }
}
