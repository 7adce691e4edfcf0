package io.drover.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.drover.ports.PodPorts;
import io.drover.testing.HealthServer;
import io.drover.testing.TempDirs;
import io.drover.testing.SharedCluster;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Services against a real server: allocation in the API, endpoints of real pods with readiness probes. */
class ServicesIT {
    @RegisterExtension
    static final SharedCluster CLUSTER = new SharedCluster();
    private Path dir;

    @BeforeEach
    void createDir() {
        dir = TempDirs.create("drover-services");
    }

    @AfterEach
    void cleanUp() {
        CLUSTER.client().services().inNamespace("default").withLabel("test", "services-it").delete();
        CLUSTER.deletePods("default");
        await().atMost(Duration.ofSeconds(30)).until(() -> ProcessHandle.allProcesses().noneMatch(p -> p.info()
                .commandLine().map(c -> c.contains(dir.toString())).orElse(false)));
        TempDirs.delete(dir);
    }

    @Test
    void slicesListTheReadyPodsAtTheirHostPortsAndFollowReadiness() throws Exception {
        for (String name : List.of("web-0", "web-1", "web-2")) {
            Files.createFile(dir.resolve(name));
            CLUSTER.client().pods().inNamespace("default").resource(pod(name)).create();
        }
        CLUSTER.client().services().inNamespace("default").resource(service("web", false)).create();

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(endpoints("web"))
                .hasSize(3).allMatch(e -> e.getConditions().getReady()));
        List<EndpointSlice> slices = slices("web");
        Map<String, Integer> hostPorts = CLUSTER.client().pods().inNamespace("default").list().getItems().stream()
                .collect(Collectors.toMap(p -> p.getMetadata().getName(),
                        p -> PodPorts.of(p).forTarget(new IntOrString("http"), "TCP").getAsInt()));
        for (EndpointSlice slice : slices) {
            assertThat(slice.getAddressType()).isEqualTo("IPv4");
            assertThat(slice.getMetadata().getName()).startsWith("web-");
            assertThat(slice.getMetadata().getLabels()).containsEntry("kubernetes.io/service-name", "web")
                    .containsEntry("endpointslice.kubernetes.io/managed-by", "endpointslice-controller.k8s.io");
            assertThat(slice.getMetadata().getOwnerReferences().get(0).getKind()).isEqualTo("Service");
            Endpoint e = slice.getEndpoints().get(0);
            assertThat(slice.getPorts().get(0).getName()).isEqualTo("http");
            assertThat(slice.getPorts().get(0).getPort()).isEqualTo(hostPorts.get(e.getTargetRef().getName()));
            assertThat(e.getNodeName()).isNotEmpty();
        }
        Endpoints ep = CLUSTER.client().endpoints().inNamespace("default").withName("web").get();
        assertThat(ep.getSubsets()).hasSize(3);
        assertThat(ep.getMetadata().getAnnotations()).containsKey("endpoints.kubernetes.io/last-change-trigger-time");

        Files.delete(dir.resolve("web-1"));
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(5)).until(() -> !ready(
                CLUSTER.client().pods().inNamespace("default").withName("web-1").get()));
        long notReadyAt = System.nanoTime();
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(5)).until(() -> endpoints("web")
                .stream().anyMatch(e -> e.getTargetRef().getName().equals("web-1") && !e.getConditions().getReady()));
        long millis = (System.nanoTime() - notReadyAt) / 1_000_000;
        // The 100 ms target is the benchmark's; a loaded test machine gets a generous bound.
        assertThat(millis).as("slice update after the pod turned not ready").isLessThan(2_000);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(CLUSTER.client().endpoints()
                .inNamespace("default").withName("web").get().getSubsets())
                .anyMatch(s -> s.getNotReadyAddresses().size() == 1
                        && s.getNotReadyAddresses().get(0).getTargetRef().getName().equals("web-1")));

        CLUSTER.client().services().inNamespace("default").resource(service("web-all", true)).create();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(endpoints("web-all"))
                .hasSize(3).allMatch(e -> e.getConditions().getReady()));
    }

    @Test
    void deletingAServiceFreesItsClusterIpAndNodePort() {
        Service first = CLUSTER.client().services().inNamespace("default").resource(new ServiceBuilder(service("first", false))
                .editSpec().withType("NodePort").endSpec().build()).create();
        String ip = first.getSpec().getClusterIP();
        int nodePort = first.getSpec().getPorts().get(0).getNodePort();
        assertThat(ip).startsWith("10.43.");
        assertThat(first.getSpec().getClusterIPs()).containsExactly(ip);
        assertThat(nodePort).isBetween(30000, 32767);

        Service taken = new ServiceBuilder(service("second", false)).editSpec().withType("NodePort").withClusterIP(ip)
                .endSpec().build();
        assertThatThrownBy(() -> CLUSTER.client().services().inNamespace("default").resource(taken).create())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(422);
                    assertThat(e.getStatus().getMessage()).contains("spec.clusterIPs: Invalid value: []string{\""
                            + ip + "\"}: failed to allocate IP " + ip + ": provided IP is already allocated");
                });

        CLUSTER.client().services().inNamespace("default").withName("first").delete();
        await().atMost(Duration.ofSeconds(10)).until(() -> CLUSTER.client().services().inNamespace("default")
                .withName("first").get() == null);
        Service second = CLUSTER.client().services().inNamespace("default").resource(new ServiceBuilder(taken).editSpec()
                .editFirstPort().withNodePort(nodePort).endPort().endSpec().build()).create();
        assertThat(second.getSpec().getClusterIP()).isEqualTo(ip);
        assertThat(second.getSpec().getPorts().get(0).getNodePort()).isEqualTo(nodePort);
    }

    @Test
    void dryRunsOfServiceWritesAllocateNothingAndStoreNothing() {
        Service dryCreated = CLUSTER.client().services().inNamespace("default").resource(service("dry", false)).dryRun()
                .create();
        assertThat(dryCreated.getSpec().getClusterIP()).startsWith("10.43.");
        assertThat(CLUSTER.client().services().inNamespace("default").withName("dry").get()).isNull();

        Service stored = CLUSTER.client().services().inNamespace("default").resource(service("dry", false)).create();
        // What kubectl diff and apply --dry-run=server send for a Service that exists: a dry-run
        // update, and with --server-side a dry-run apply patch.
        Service dryUpdated = CLUSTER.client().services().inNamespace("default").withName("dry").dryRun()
                .edit(s -> new ServiceBuilder(s).editMetadata().addToLabels("dry", "run").endMetadata().build());
        assertThat(dryUpdated.getMetadata().getLabels()).containsEntry("dry", "run");
        Service applied = CLUSTER.client().services().inNamespace("default").resource(new ServiceBuilder(service("dry", false))
                .editMetadata().addToLabels("dry", "apply").endMetadata().build()).dryRun()
                .fieldManager("dry-test").forceConflicts().serverSideApply();
        assertThat(applied.getMetadata().getLabels()).containsEntry("dry", "apply");
        assertThat(applied.getSpec().getClusterIP()).isEqualTo(stored.getSpec().getClusterIP());

        Service after = CLUSTER.client().services().inNamespace("default").withName("dry").get();
        assertThat(after.getMetadata().getLabels()).doesNotContainKey("dry");
        assertThat(after.getMetadata().getResourceVersion()).isEqualTo(stored.getMetadata().getResourceVersion());
    }

    @Test
    void theKubernetesServiceHasTheFirstAddressAndPointsAtTheApiServer() {
        Service kubernetes = CLUSTER.client().services().inNamespace("default").withName("kubernetes").get();
        assertThat(kubernetes.getSpec().getClusterIP()).isEqualTo("10.43.0.1");
        assertThat(kubernetes.getSpec().getPorts().get(0).getPort()).isEqualTo(443);
        int apiPort = CLUSTER.client().getMasterUrl().getPort();
        assertThat(kubernetes.getSpec().getPorts().get(0).getTargetPort().getIntVal()).isEqualTo(apiPort);
        Endpoints ep = CLUSTER.client().endpoints().inNamespace("default").withName("kubernetes").get();
        assertThat(ep.getSubsets().get(0).getPorts().get(0).getPort()).isEqualTo(apiPort);
        assertThat(slices("kubernetes")).singleElement().satisfies(s -> assertThat(s.getPorts().get(0).getPort())
                .isEqualTo(apiPort));
    }

    @Test
    void podsStartedAfterAServiceGetItsVariables() {
        Service db = CLUSTER.client().services().inNamespace("default").resource(new ServiceBuilder(service("my-db", false))
                .editSpec().editFirstPort().withName("sql").withPort(5432).endPort().endSpec().build()).create();
        Path out = dir.resolve("env");
        CLUSTER.client().pods().inNamespace("default").resource(new PodBuilder().withNewMetadata().withName("env").endMetadata()
                .withNewSpec().withRuntimeClassName("process").withTerminationGracePeriodSeconds(5L)
                .addNewContainer().withName("main").withCommand("sh", "-c",
                        "echo \"$MY_DB_SERVICE_HOST $MY_DB_SERVICE_PORT_SQL $MY_DB_PORT\" > " + out + "; sleep 1000")
                .endContainer().endSpec().build()).create();
        String ip = db.getSpec().getClusterIP();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(out).exists().content()
                .isEqualTo(ip + " 5432 tcp://" + ip + ":5432\n"));
    }

    @Test
    void aLoadBalancerIsAnsweredWithTheNodesAddress() {
        CLUSTER.client().services().inNamespace("default").resource(new ServiceBuilder(service("lb", false)).editSpec()
                .withType("LoadBalancer").endSpec().build()).create();
        String nodeIp = CLUSTER.client().nodes().list().getItems().get(0).getStatus().getAddresses().stream()
                .filter(a -> a.getType().equals("InternalIP")).findFirst().orElseThrow().getAddress();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            Service lb = CLUSTER.client().services().inNamespace("default").withName("lb").get();
            assertThat(lb.getSpec().getPorts().get(0).getNodePort()).isBetween(30000, 32767);
            assertThat(lb.getStatus().getLoadBalancer().getIngress()).singleElement()
                    .satisfies(i -> assertThat(i.getIp()).isEqualTo(nodeIp));
        });
    }

    @Test
    void loadBalancerPortsAndClassesAreAllocatedAndLeftAsKubernetesDoes() {
        var services = CLUSTER.client().services().inNamespace("default");
        // externalTrafficPolicy Local: a healthCheckNodePort from the NodePort range, one Service's alone.
        Service local = services.resource(new ServiceBuilder(service("lb-local", false)).editSpec()
                .withType("LoadBalancer").withExternalTrafficPolicy("Local").endSpec().build()).create();
        int healthCheck = local.getSpec().getHealthCheckNodePort();
        assertThat(healthCheck).isBetween(30000, 32767).isNotEqualTo(local.getSpec().getPorts().get(0).getNodePort());
        assertThatThrownBy(() -> services.resource(new ServiceBuilder(service("lb-local-2", false)).editSpec()
                .withType("LoadBalancer").withExternalTrafficPolicy("Local").withHealthCheckNodePort(healthCheck)
                .endSpec().build()).create()).isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(
                        e.getStatus().getMessage()).contains("spec.healthCheckNodePort: Invalid value: " + healthCheck
                        + ": failed to allocate requested HealthCheck NodePort " + healthCheck
                        + ": provided port is already allocated"));
        // Cluster again: the port goes with the policy and may be taken by another Service.
        services.withName("lb-local").edit(svc -> new ServiceBuilder(svc).editSpec().withExternalTrafficPolicy("Cluster")
                .endSpec().build());
        assertThat(services.withName("lb-local").get().getSpec().getHealthCheckNodePort()).isNull();
        services.resource(new ServiceBuilder(service("np-reuse", false)).editSpec().withType("NodePort")
                .editFirstPort().withNodePort(healthCheck).endPort().endSpec().build()).create();

        // allocateLoadBalancerNodePorts false: no nodePort unless asked for; a class: no status from drover.
        Service classed = services.resource(new ServiceBuilder(service("lb-classed", false)).editSpec()
                .withType("LoadBalancer").withAllocateLoadBalancerNodePorts(false)
                .withLoadBalancerClass("example.com/other-lb").endSpec().build()).create();
        assertThat(classed.getSpec().getPorts().get(0).getNodePort()).isNull();
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> {
            Service now = services.withName("lb-classed").get();
            return now.getStatus() == null || now.getStatus().getLoadBalancer() == null
                    || now.getStatus().getLoadBalancer().getIngress() == null
                    || now.getStatus().getLoadBalancer().getIngress().isEmpty();
        });
        // The class may not change; a type change drops it, and allocateLoadBalancerNodePorts, with the LoadBalancer.
        assertThatThrownBy(() -> services.withName("lb-classed").edit(svc -> new ServiceBuilder(svc).editSpec()
                .withLoadBalancerClass("example.com/another").endSpec().build()))
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getStatus().getMessage())
                        .contains("spec.loadBalancerClass: Invalid value: \"example.com/another\": may not change once set"));
        Service nodePort = services.withName("lb-classed").edit(svc -> new ServiceBuilder(svc).editSpec()
                .withType("NodePort").endSpec().build());
        assertThat(nodePort.getSpec().getLoadBalancerClass()).isNull();
        assertThat(nodePort.getSpec().getAllocateLoadBalancerNodePorts()).isNull();
    }

    @Test
    void aServiceBecomesExternalNameWithItsAddressesCleared() {
        var services = CLUSTER.client().services().inNamespace("default");
        services.resource(service("to-external", false)).create();
        Service external = services.withName("to-external").patch(io.fabric8.kubernetes.client.dsl.base.PatchContext.of(
                io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE), "{\"spec\":{\"type\":\"ExternalName\","
                + "\"externalName\":\"db.example.com\",\"clusterIP\":\"\",\"ports\":null,\"selector\":null}}");
        assertThat(external.getSpec().getClusterIPs()).isNullOrEmpty();
        assertThat(external.getSpec().getIpFamilies()).isNullOrEmpty();
        assertThat(external.getSpec().getIpFamilyPolicy()).isNull();
    }

    @Test
    void portsOfOneNumberShareANodePort() {
        var services = CLUSTER.client().services().inNamespace("default");
        Service dns = services.resource(new ServiceBuilder().withNewMetadata().withName("dns").addToLabels("test",
                "services-it").endMetadata().withNewSpec().withType("NodePort").addToSelector("app", "dns")
                .addNewPort().withName("udp").withPort(53).withProtocol("UDP").endPort()
                .addNewPort().withName("tcp").withPort(53).withProtocol("TCP").endPort().endSpec().build()).create();
        int nodePort = dns.getSpec().getPorts().get(0).getNodePort();
        assertThat(dns.getSpec().getPorts().get(1).getNodePort()).isEqualTo(nodePort);
        // An update keeps it: the Service collides with itself only.
        Service labelled = services.withName("dns").edit(svc -> new ServiceBuilder(svc).editMetadata()
                .addToLabels("edited", "yes").endMetadata().build());
        assertThat(labelled.getSpec().getPorts()).extracting(p -> p.getNodePort()).containsOnly(nodePort);
    }

    @Test
    void endpointsWrittenForAServiceWithoutSelectorAreMirroredIntoSlices() {
        var services = CLUSTER.client().services().inNamespace("default");
        services.resource(new ServiceBuilder().withNewMetadata().withName("outside").addToLabels("test", "services-it")
                .endMetadata().withNewSpec().addNewPort().withName("db").withPort(5432).endPort().endSpec().build())
                .create();
        var endpointsApi = CLUSTER.client().endpoints().inNamespace("default");
        endpointsApi.resource(new io.fabric8.kubernetes.api.model.EndpointsBuilder().withNewMetadata().withName("outside")
                .addToLabels("team", "data").addToAnnotations("owner", "dba")
                .addToAnnotations("endpoints.kubernetes.io/last-change-trigger-time", "2025-01-01T00:00:00Z")
                .addToAnnotations("kubectl.kubernetes.io/last-applied-configuration", "{}").endMetadata().addNewSubset().addNewAddress().withIp("192.0.2.50").endAddress()
                .addNewNotReadyAddress().withIp("192.0.2.51").endNotReadyAddress().addNewPort().withName("db")
                .withPort(5432).withProtocol("TCP").endPort().endSubset().build()).create();

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(slices("outside")).singleElement()
                .satisfies(slice -> {
                    assertThat(slice.getMetadata().getLabels()).containsEntry("team", "data")
                            .containsEntry("endpointslice.kubernetes.io/managed-by",
                                    "endpointslicemirroring-controller.k8s.io");
                    // Every annotation but the Endpoints' own change time and last applied configuration.
                    assertThat(slice.getMetadata().getAnnotations()).containsExactly(Map.entry("owner", "dba"));
                    assertThat(slice.getMetadata().getOwnerReferences()).singleElement()
                            .satisfies(o -> assertThat(o.getKind()).isEqualTo("Endpoints"));
                    assertThat(slice.getPorts()).singleElement().satisfies(p -> assertThat(p.getPort()).isEqualTo(5432));
                    assertThat(slice.getEndpoints()).extracting(e -> e.getAddresses().get(0) + "=" + e.getConditions()
                            .getReady()).containsExactly("192.0.2.50=true", "192.0.2.51=false");
                }));

        // An annotation's change alone updates the slice.
        endpointsApi.withName("outside").edit(e -> new io.fabric8.kubernetes.api.model.EndpointsBuilder(e)
                .editMetadata().addToAnnotations("owner", "platform").endMetadata().build());
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(slices("outside")).singleElement()
                .satisfies(slice -> assertThat(slice.getMetadata().getAnnotations())
                        .containsExactly(Map.entry("owner", "platform"))));
        // Endpoints a leader election keeps its record in are no Service's addresses: their slices go.
        endpointsApi.withName("outside").edit(e -> new io.fabric8.kubernetes.api.model.EndpointsBuilder(e)
                .editMetadata().addToAnnotations("control-plane.alpha.kubernetes.io/leader", "{\"holderIdentity\":\"a\"}")
                .endMetadata().build());
        await().atMost(Duration.ofSeconds(30)).until(() -> slices("outside").isEmpty());
        endpointsApi.withName("outside").edit(e -> new io.fabric8.kubernetes.api.model.EndpointsBuilder(e)
                .editMetadata().removeFromAnnotations("control-plane.alpha.kubernetes.io/leader").endMetadata().build());
        await().atMost(Duration.ofSeconds(30)).until(() -> slices("outside").size() == 1);

        endpointsApi.withName("outside").delete();
        await().atMost(Duration.ofSeconds(30)).until(() -> slices("outside").isEmpty());
        // The endpoints controller's own Endpoints are not mirrored.
        services.resource(service("selecting", false)).create();
        await().atMost(Duration.ofSeconds(30)).until(() -> endpointsApi.withName("selecting").get() != null);
        assertThat(endpointsApi.withName("selecting").get().getMetadata().getLabels())
                .containsEntry("endpointslice.kubernetes.io/skip-mirror", "true");
    }

    @Test
    void addressFieldsThisClusterCannotServeAreRefused() {
        var services = CLUSTER.client().services().inNamespace("default");
        assertRefused(new ServiceBuilder(service("ext", false)).editSpec().withType("ExternalName")
                .withExternalName("example.com").withPorts().withClusterIP("10.43.0.60").endSpec().build(),
                "spec.clusterIPs: Forbidden: may not be set for ExternalName services");
        assertRefused(new ServiceBuilder(service("v6", false)).editSpec().withIpFamilies("IPv6").endSpec().build(),
                "spec.ipFamilies[0]: Invalid value: \"IPv6\": not configured on this cluster");
        assertRefused(new ServiceBuilder(service("dual", false)).editSpec().withIpFamilyPolicy("RequireDualStack")
                .endSpec().build(), "spec.ipFamilyPolicy: Invalid value: \"RequireDualStack\": this cluster is not "
                + "configured for dual-stack services");
        assertRefused(new ServiceBuilder(service("1abc", false)).build(), "metadata.name: Invalid value: \"1abc\": a "
                + "DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic "
                + "character");
        assertThat(services.withLabel("test", "services-it").list().getItems()).isEmpty();
    }

    private static void assertRefused(Service service, String message) {
        assertThatThrownBy(() -> CLUSTER.client().services().inNamespace("default").resource(service).create())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(422);
                    assertThat(e.getStatus().getMessage()).contains(message);
                });
    }

    private List<Endpoint> endpoints(String service) {
        return slices(service).stream().filter(s -> s.getEndpoints() != null)
                .flatMap(s -> s.getEndpoints().stream()).toList();
    }

    private static List<EndpointSlice> slices(String service) {
        return CLUSTER.client().discovery().v1().endpointSlices().inNamespace("default")
                .withLabel("kubernetes.io/service-name", service).list().getItems();
    }

    private static boolean ready(Pod p) {
        return p.getStatus().getConditions() != null && p.getStatus().getConditions().stream()
                .anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("True"));
    }

    private static Service service(String name, boolean publishNotReady) {
        return new ServiceBuilder().withNewMetadata().withName(name).addToLabels("test", "services-it").endMetadata()
                .withNewSpec().addToSelector("app", "web").withPublishNotReadyAddresses(publishNotReady)
                .addNewPort().withName("http").withPort(80).withTargetPort(new IntOrString("http")).endPort()
                .endSpec().build();
    }

    private Pod pod(String name) {
        return new PodBuilder().withNewMetadata().withName(name).addToLabels("app", "web").endMetadata()
                .withNewSpec().withRuntimeClassName("process").withTerminationGracePeriodSeconds(5L)
                .addNewContainer().withName("main").withCommand(HealthServer.command("$(PORT)", dir.resolve(name)))
                .addNewPort().withName("http").withContainerPort(8080).endPort()
                .withNewReadinessProbe().withNewHttpGet().withPath("/healthz").withPort(new IntOrString("http"))
                .endHttpGet().withPeriodSeconds(1).withTimeoutSeconds(5).withFailureThreshold(1).endReadinessProbe()
                .endContainer().endSpec().build();
    }
}
