package io.drover.agent.env;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drover.ports.PortAssignment;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ContainerEnvironmentTest {
    private static final NodeEnv NODE = new NodeEnv("10.0.0.5",
            Map.of("cpu", new Quantity("4"), "memory", new Quantity("8Gi")),
            Map.of("KUBERNETES_SERVICE_HOST", "10.0.0.5", "KUBERNETES_SERVICE_PORT", "6443"), "/usr/bin:/bin");
    private static final List<PortAssignment> PORTS = List.of(new PortAssignment(8080, "TCP", "http", 20001),
            new PortAssignment(9090, "TCP", "", 20002), new PortAssignment(9100, "TCP", "side-metrics", 20003));

    private final Map<String, Map<String, String>> configMaps = new java.util.HashMap<>();
    private final Map<String, Map<String, String>> secrets = new java.util.HashMap<>();
    private final EnvVarSources sources = new EnvVarSources() {
        @Override
        public Optional<Map<String, String>> configMap(String namespace, String name) {
            return Optional.ofNullable(configMaps.get(namespace + "/" + name));
        }

        @Override
        public Optional<Map<String, String>> secret(String namespace, String name) {
            return Optional.ofNullable(secrets.get(namespace + "/" + name));
        }
    };

    private static Pod pod(Container app) {
        return new PodBuilder().withNewMetadata().withName("web-1").withNamespace("shop").withUid("u-1")
                .addToLabels("app", "web").addToAnnotations("team", "core").endMetadata()
                .withNewSpec().withNodeName("node-a").withServiceAccountName("default")
                .withContainers(app, new ContainerBuilder().withName("side").addNewPort().withName("side-metrics")
                        .withContainerPort(9100).endPort().build())
                .endSpec().build();
    }

    private static ContainerBuilder app() {
        return new ContainerBuilder().withName("app").withCommand("server").withArgs("--port=$(PORT)")
                .addNewPort().withContainerPort(8080).withName("http").endPort()
                .addNewPort().withContainerPort(9090).endPort();
    }

    private ContainerEnvironment.Resolved resolve(Container c) throws ContainerConfigException {
        return new ContainerEnvironment(NODE, sources, () -> false).resolve(pod(c), c, PORTS);
    }

    private static EnvVar field(String name, String path) {
        return new EnvVarBuilder().withName(name).withNewValueFrom().withNewFieldRef().withFieldPath(path)
                .endFieldRef().endValueFrom().build();
    }

    @Test
    void portsHostnameAndClusterVariablesAreSetAndArgsExpanded() throws Exception {
        ContainerEnvironment.Resolved r = resolve(app().build());
        assertThat(r.env()).containsEntry("PATH", "/usr/bin:/bin").containsEntry("HOSTNAME", "web-1")
                .containsEntry("KUBERNETES_SERVICE_HOST", "10.0.0.5").containsEntry("KUBERNETES_SERVICE_PORT", "6443")
                .containsEntry("PORT", "20001").containsEntry("PORT_HTTP", "20001")
                .containsEntry("PORT_SIDE_METRICS", "20003").doesNotContainKey("PORT_9090");
        assertThat(r.command()).containsExactly("server", "--port=20001");
    }

    @Test
    void envValuesReferenceEarlierOnesAndTheServiceVariablesButNotHostname() throws Exception {
        ContainerEnvironment.Resolved r = resolve(app().withArgs("$(URL)", "$(LATER)", "$$(PORT)", "$(HOSTNAME)")
                .addNewEnv().withName("URL").withValue("http://$(HOST):$(PORT_HTTP)/$(LATER)").endEnv()
                .addNewEnv().withName("LATER").withValue("x").endEnv()
                .addNewEnv().withName("PORT").withValue("override").endEnv()
                .build());
        assertThat(r.env()).containsEntry("URL", "http://$(HOST):20001/$(LATER)").containsEntry("PORT", "override");
        assertThat(r.command()).containsExactly("server", "http://$(HOST):20001/$(LATER)", "x", "$(PORT)",
                "$(HOSTNAME)");
    }

    @Test
    void theDownwardApiGivesThePodsFields() throws Exception {
        ContainerEnvironment.Resolved r = resolve(app().withEnv(field("N", "metadata.name"),
                field("NS", "metadata.namespace"), field("UID", "metadata.uid"), field("L", "metadata.labels['app']"),
                field("A", "metadata.annotations['team']"), field("MISSING", "metadata.labels['nope']"),
                field("NODE", "spec.nodeName"), field("SA", "spec.serviceAccountName"), field("HIP", "status.hostIP"),
                field("HIPS", "status.hostIPs"), field("PIP", "status.podIP"), field("PIPS", "status.podIPs"),
                field("LABELS", "metadata.labels")).build());
        assertThat(r.env()).containsEntry("N", "web-1").containsEntry("NS", "shop").containsEntry("UID", "u-1")
                .containsEntry("L", "web").containsEntry("A", "core").containsEntry("MISSING", "")
                .containsEntry("NODE", "node-a").containsEntry("SA", "default").containsEntry("HIP", "10.0.0.5")
                .containsEntry("HIPS", "10.0.0.5").containsEntry("PIP", "10.0.0.5").containsEntry("PIPS", "10.0.0.5")
                .containsEntry("LABELS", "app=\"web\"");
        assertThatThrownBy(() -> resolve(app().withEnv(field("X", "spec.restartPolicy")).build()))
                .isInstanceOf(ContainerConfigException.class).hasMessage("unsupported fieldPath: spec.restartPolicy");
    }

    private static EnvVar resource(String name, String resource, String divisor, String container) {
        return new EnvVarBuilder().withName(name).withNewValueFrom().withNewResourceFieldRef()
                .withResource(resource).withContainerName(container)
                .withDivisor(divisor == null ? null : new Quantity(divisor)).endResourceFieldRef().endValueFrom().build();
    }

    @Test
    void resourceFieldsRoundUpByTheirDivisorAndLimitsDefaultToAllocatable() throws Exception {
        Container limited = app().withNewResources().addToLimits("cpu", new Quantity("1500m"))
                .addToLimits("memory", new Quantity("100Mi")).addToRequests("cpu", new Quantity("250m"))
                .addToRequests("memory", new Quantity("64Mi")).endResources()
                .withEnv(resource("CPU", "limits.cpu", null, null), resource("CPU_M", "limits.cpu", "1m", null),
                        resource("MEM", "limits.memory", null, null), resource("MEM_MI", "limits.memory", "1Mi", null),
                        resource("REQ_CPU", "requests.cpu", null, null), resource("REQ_MEM_KI", "requests.memory", "1Ki", null),
                        resource("STORAGE", "limits.ephemeral-storage", null, null)).build();
        assertThat(resolve(limited).env()).containsEntry("CPU", "2").containsEntry("CPU_M", "1500")
                .containsEntry("MEM", "104857600").containsEntry("MEM_MI", "100").containsEntry("REQ_CPU", "1")
                .containsEntry("REQ_MEM_KI", "65536").containsEntry("STORAGE", "0");
        Container unlimited = app().withEnv(resource("CPU", "limits.cpu", null, null),
                resource("MEM_GI", "limits.memory", "1Gi", null), resource("REQ", "requests.memory", null, null),
                resource("SIDE", "limits.cpu", "1m", "side")).build();
        assertThat(resolve(unlimited).env()).containsEntry("CPU", "4").containsEntry("MEM_GI", "8")
                .containsEntry("REQ", "0").containsEntry("SIDE", "4000");
        assertThatThrownBy(() -> resolve(app().withEnv(resource("X", "limits.gpu", null, null)).build()))
                .hasMessage("unsupported container resource : limits.gpu");
    }

    @Test
    void configMapsAndSecretsFeedEnvAndEnvFromWithTheKubeletsMessages() throws Exception {
        configMaps.put("shop/settings", Map.of("mode", "fast", "level", "3"));
        secrets.put("shop/creds", Map.of("password", "s3cret"));
        Container c = app()
                .addNewEnvFrom().withNewConfigMapRef().withName("settings").endConfigMapRef().withPrefix("CFG_").endEnvFrom()
                .addNewEnvFrom().withNewSecretRef().withName("creds").endSecretRef().endEnvFrom()
                .addNewEnvFrom().withNewConfigMapRef().withName("absent").withOptional(true).endConfigMapRef().endEnvFrom()
                .addNewEnv().withName("MODE").withNewValueFrom().withNewConfigMapKeyRef().withName("settings")
                .withKey("mode").endConfigMapKeyRef().endValueFrom().endEnv()
                .addNewEnv().withName("PW").withNewValueFrom().withNewSecretKeyRef().withName("creds")
                .withKey("password").endSecretKeyRef().endValueFrom().endEnv()
                .addNewEnv().withName("OPT").withNewValueFrom().withNewConfigMapKeyRef().withName("settings")
                .withKey("nope").withOptional(true).endConfigMapKeyRef().endValueFrom().endEnv()
                .addNewEnv().withName("SUMMARY").withValue("$(MODE)/$(CFG_level)/$(password)").endEnv()
                .build();
        Map<String, String> env = resolve(c).env();
        assertThat(env).containsEntry("CFG_mode", "fast").containsEntry("CFG_level", "3")
                .containsEntry("password", "s3cret").containsEntry("MODE", "fast").containsEntry("PW", "s3cret")
                .containsEntry("SUMMARY", "fast/3/s3cret").doesNotContainKey("OPT");

        assertThatThrownBy(() -> resolve(app().addNewEnv().withName("X").withNewValueFrom().withNewConfigMapKeyRef()
                .withName("settings").withKey("nope").endConfigMapKeyRef().endValueFrom().endEnv().build()))
                .isInstanceOf(ContainerConfigException.class)
                .hasMessage("couldn't find key nope in ConfigMap shop/settings");
        assertThatThrownBy(() -> resolve(app().addNewEnv().withName("X").withNewValueFrom().withNewSecretKeyRef()
                .withName("creds").withKey("user").endSecretKeyRef().endValueFrom().endEnv().build()))
                .hasMessage("couldn't find key user in Secret shop/creds");
        assertThatThrownBy(() -> resolve(app().addNewEnv().withName("X").withNewValueFrom().withNewConfigMapKeyRef()
                .withName("gone").withKey("k").endConfigMapKeyRef().endValueFrom().endEnv().build()))
                .hasMessage("configmap \"gone\" not found");
        assertThatThrownBy(() -> resolve(app().addNewEnvFrom().withNewSecretRef().withName("gone").endSecretRef()
                .endEnvFrom().build()))
                .hasMessage("secret \"gone\" not found");
    }

    @Test
    void aContainerWithoutPortsHasNoPortButSeesNamedPortsOfItsPod() throws Exception {
        Container plain = new ContainerBuilder().withName("plain").withCommand("true").build();
        Pod pod = pod(app().build());
        pod.getSpec().getContainers().add(plain);
        Map<String, String> env = new ContainerEnvironment(NODE, sources, () -> false).resolve(pod, plain, PORTS).env();
        assertThat(env).doesNotContainKey("PORT").containsEntry("PORT_HTTP", "20001")
                .containsEntry("PORT_SIDE_METRICS", "20003");
    }

    @Test
    void podsReachTheApiServerThroughTheKubernetesServiceWhereClusterIpsAreServed() throws Exception {
        Service kubernetes = new ServiceBuilder().withNewMetadata().withName("kubernetes").withNamespace("default")
                .endMetadata().withNewSpec().withClusterIP("10.43.0.1").addNewPort().withName("https").withPort(443)
                .withProtocol("TCP").endPort().endSpec().build();
        EnvVarSources withMaster = new EnvVarSources() {
            @Override
            public Optional<Map<String, String>> configMap(String namespace, String name) {
                return Optional.empty();
            }

            @Override
            public Optional<Map<String, String>> secret(String namespace, String name) {
                return Optional.empty();
            }

            @Override
            public List<Service> services(String namespace) {
                return namespace.equals("default") ? List.of(kubernetes) : List.of();
            }
        };
        Container c = app().build();
        Pod pod = pod(c);
        // The kubelet sets the master Service's variables even when enableServiceLinks is false.
        pod.getSpec().setEnableServiceLinks(false);

        Map<String, String> served = new ContainerEnvironment(NODE, withMaster, () -> true).resolve(pod, c, PORTS).env();
        assertThat(served).containsEntry("KUBERNETES_SERVICE_HOST", "10.43.0.1")
                .containsEntry("KUBERNETES_SERVICE_PORT", "443").containsEntry("KUBERNETES_SERVICE_PORT_HTTPS", "443")
                .containsEntry("KUBERNETES_PORT", "tcp://10.43.0.1:443")
                .containsEntry("KUBERNETES_PORT_443_TCP", "tcp://10.43.0.1:443")
                .containsEntry("KUBERNETES_PORT_443_TCP_PROTO", "tcp").containsEntry("KUBERNETES_PORT_443_TCP_PORT", "443")
                .containsEntry("KUBERNETES_PORT_443_TCP_ADDR", "10.43.0.1");

        Map<String, String> rootless = new ContainerEnvironment(NODE, withMaster, () -> false).resolve(pod, c, PORTS)
                .env();
        assertThat(rootless).containsEntry("KUBERNETES_SERVICE_HOST", "10.0.0.5")
                .containsEntry("KUBERNETES_SERVICE_PORT", "6443").doesNotContainKey("KUBERNETES_PORT");
    }

    @Test
    void theHostNameIsSpecHostnameElseThePodsNameCutAsTheKubeletCutsIt() {
        Pod named = new PodBuilder().withNewMetadata().withName("web-1").endMetadata().withNewSpec()
                .withHostname("db-0").endSpec().build();
        Pod longName = new PodBuilder().withNewMetadata().withName("a".repeat(62) + "-b-c").endMetadata()
                .withNewSpec().endSpec().build();

        assertThat(ContainerEnvironment.hostname(named)).isEqualTo("db-0");
        assertThat(ContainerEnvironment.hostname(longName)).isEqualTo("a".repeat(62));
    }
}
