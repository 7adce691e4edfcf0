package io.drover.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.drover.testing.Kubectl;
import io.drover.testing.Requirements;
import io.drover.testing.ServerProcess;
import io.drover.testing.TempDirs;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** kubectl expose, get svc/endpoints/endpointslices and describe svc against a `drover server` process. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServicesKubectlIT {
    private ServerProcess server;
    private Kubectl kubectl;
    private Path cache;
    private Path marker;

    @BeforeAll
    void start() throws Exception {
        Path binary = Requirements.kubectl();
        // Non-default ranges, so the flags are seen to reach the allocators.
        server = ServerProcess.start("--service-cidr", "10.44.0.0/24", "--service-node-port-range", "31000-31010");
        cache = TempDirs.create("kubectl-cache");
        marker = TempDirs.create("drover-svc-kubectl");
        kubectl = new Kubectl(binary, server.kubeconfig(), cache);
    }

    @AfterAll
    void stop() throws Exception {
        if (kubectl != null) {
            kubectl.run("delete", "deployment", "web", "--ignore-not-found");
            await().atMost(Duration.ofSeconds(60)).until(() -> ProcessHandle.allProcesses().noneMatch(p -> p.info()
                    .commandLine().map(c -> c.contains(marker.toString())).orElse(false)));
        }
        if (server != null) {
            server.close();
        }
        TempDirs.delete(cache);
        TempDirs.delete(marker);
    }

    @Test
    void exposeGetAndDescribe() throws Exception {
        String deployment = """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web}
                spec:
                  replicas: 2
                  selector: {matchLabels: {app: web}}
                  template:
                    metadata: {labels: {app: web}}
                    spec:
                      runtimeClassName: process
                      terminationGracePeriodSeconds: 2
                      containers:
                      - name: main
                        command: [sh, -c, "sleep 1000; : %s"]
                        ports: [{name: http, containerPort: 8080}]
                """.formatted(marker);
        kubectl.runWithInput(deployment, "apply", "-f", "-").requireSuccess();
        kubectl.run("expose", "deployment", "web", "--port=80", "--target-port=http").requireSuccess();

        String svc = kubectl.run("get", "svc", "web").requireSuccess().stdout();
        assertThat(svc.lines().findFirst().orElseThrow().split("\\s+"))
                .containsExactly("NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE");
        assertThat(svc).containsPattern("web\\s+ClusterIP\\s+10\\.44\\.0\\.\\d+\\s+<none>\\s+80/TCP");

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(kubectl.run("get", "endpoints", "web")
                .requireSuccess().stdout()).containsPattern("web\\s+\\d+\\.\\d+\\.\\d+\\.\\d+:\\d+,\\d+\\.\\d+\\.\\d+\\.\\d+:\\d+\\s"));
        String ep = kubectl.run("get", "endpoints", "web").requireSuccess().stdout();
        assertThat(ep.lines().findFirst().orElseThrow().split("\\s+")).containsExactly("NAME", "ENDPOINTS", "AGE");

        String slices = kubectl.run("get", "endpointslices", "-l", "kubernetes.io/service-name=web").requireSuccess()
                .stdout();
        assertThat(slices.lines().findFirst().orElseThrow().split("\\s+"))
                .containsExactly("NAME", "ADDRESSTYPE", "PORTS", "ENDPOINTS", "AGE");
        assertThat(slices.lines().skip(1)).hasSize(2).allMatch(l -> l.matches("web-\\S+\\s+IPv4\\s+\\d+\\s+\\S+\\s+.*"));

        assertThat(kubectl.run("get", "svc", "kubernetes", "-o", "jsonpath={.spec.clusterIP}").requireSuccess()
                .stdout()).isEqualTo("10.44.0.1");
        kubectl.run("create", "service", "nodeport", "np", "--tcp=80:8080").requireSuccess();
        assertThat(kubectl.run("get", "svc", "np", "-o", "jsonpath={.spec.ports[0].nodePort}").requireSuccess()
                .stdout()).matches("310(0\\d|10)");
        Kubectl.Run refused = kubectl.run("create", "service", "nodeport", "np2", "--tcp=80:8080",
                "--node-port=30080");
        assertThat(refused.exitCode()).isNotZero();
        assertThat(refused.stderr()).contains("spec.ports[0].nodePort: Invalid value: 30080: provided port is not in "
                + "the valid range. The range of valid ports is 31000-31010");

        String described = kubectl.run("describe", "svc", "web").requireSuccess().stdout();
        assertThat(described).containsPattern("Type:\\s+ClusterIP").containsPattern("IP:\\s+10\\.44\\.0\\.")
                .containsPattern("Port:\\s+<unset>\\s+80/TCP").containsPattern("TargetPort:\\s+http/TCP")
                .containsPattern("Endpoints:\\s+\\d+\\.\\d+\\.\\d+\\.\\d+:\\d+");
    }

    @Test
    void aPortAddedInFrontOfANodePortByJsonOrStrategicPatchKeepsTheExistingNodePort() throws Exception {
        kubectl.run("create", "service", "nodeport", "np3", "--tcp=80:8080").requireSuccess();
        String existing = kubectl.run("get", "svc", "np3", "-o", "jsonpath={.spec.ports[0].nodePort}").requireSuccess()
                .stdout();

        // JSON patch: the new port goes first, so the existing one moves to index 1
        kubectl.run("patch", "svc", "np3", "--type=json",
                "-p", "[{\"op\":\"add\",\"path\":\"/spec/ports/0\",\"value\":{\"name\":\"z\",\"port\":70,\"targetPort\":70}}]")
                .requireSuccess();
        // strategic merge patch (kubectl apply and edit, fabric8's STRATEGIC_MERGE): the patch's items come first
        kubectl.run("patch", "svc", "np3", "--type=strategic", "-p", "{\"spec\":{\"ports\":[{\"name\":\"c\",\"port\":91}]}}")
                .requireSuccess();

        String ports = kubectl.run("get", "svc", "np3", "-o",
                "jsonpath={range .spec.ports[*]}{.port}={.nodePort} {end}").requireSuccess().stdout().trim();
        assertThat(ports).matches("91=310\\d\\d 70=310\\d\\d 80=" + existing);
        assertThat(ports.split(" ")).extracting(p -> p.substring(p.indexOf('=') + 1)).doesNotHaveDuplicates();
    }
}
