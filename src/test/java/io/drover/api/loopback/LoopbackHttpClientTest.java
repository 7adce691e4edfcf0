package io.drover.api.loopback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.drover.api.ClusterBootstrap;
import io.drover.api.http.ApiRouter;
import io.drover.api.http.DiscoveryRoutes;
import io.drover.api.kubelet.KubeletClient;
import io.drover.api.resource.ResourceRegistry;
import io.drover.api.security.Authenticator;
import io.drover.api.security.ClusterCredentials;
import io.drover.api.security.ServiceAccountTokens;
import io.drover.api.storage.ObjectStorage;
import io.drover.controller.ApiClients;
import io.drover.json.Mappers;
import io.drover.testing.TempDirs;
import io.drover.testing.TempSqliteStore;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The fabric8 client over the in-process transport against a real router and SQLite store: the
 * answers, errors, authentication and watches a client gets over HTTPS, with no socket (the
 * client's URL names a port nothing listens on).
 */
class LoopbackHttpClientTest {
    private static final URI NO_SERVER = URI.create("https://127.0.0.1:1");
    private static final Duration WAIT = Duration.ofSeconds(10);

    @RegisterExtension
    final TempSqliteStore temp = new TempSqliteStore("drover-loopback");

    private Path credentialsDir;
    private ClusterCredentials credentials;
    private ApiRouter router;
    private KubernetesClient client;

    @BeforeEach
    void startRouter() throws Exception {
        ObjectMapper json = Mappers.json();
        ResourceRegistry registry = ResourceRegistry.builtin();
        ObjectStorage storage = new ObjectStorage(temp.store(), json, Clock.systemUTC());
        ClusterBootstrap.run(storage, registry, json);
        credentialsDir = TempDirs.create("drover-loopback-credentials");
        credentials = ClusterCredentials.loadOrCreate(credentialsDir);
        router = new ApiRouter(json, registry, storage, new DiscoveryRoutes(json, registry, () -> "127.0.0.1:1"),
                Authenticator.adminOnly(credentials), ServiceAccountTokens.loadOrCreate(credentialsDir),
                KubeletClient.create(credentials.caCertificatePem(), credentials.adminToken()));
        router.markReady();
        client = ApiClients.inProcess(router, NO_SERVER, credentials.adminToken(), ApiClients.Component.CONTROLLER_MANAGER);
    }

    @AfterEach
    void stop() {
        client.close();
        router.shutdown();
        TempDirs.delete(credentialsDir);
    }

    private static ConfigMap configMap(String name, Map<String, String> labels) {
        return new ConfigMapBuilder().withNewMetadata().withName(name).withLabels(labels).endMetadata()
                .addToData("key", "value").build();
    }

    private LoopbackHttpClient transport() {
        return (LoopbackHttpClient) client.getHttpClient();
    }

    @Test
    void createsReadsListsPatchesAndDeletesThroughTheRouter() {
        ConfigMap created = client.configMaps().inNamespace("default")
                .resource(configMap("one", Map.of("app", "a"))).create();
        client.configMaps().inNamespace("default").resource(configMap("two", Map.of("app", "b"))).create();

        assertThat(created.getMetadata().getUid()).isNotBlank();
        assertThat(client.configMaps().inNamespace("default").withName("one").get().getData())
                .containsEntry("key", "value");
        assertThat(client.configMaps().inNamespace("default").withLabel("app", "a").list().getItems())
                .extracting(c -> c.getMetadata().getName()).containsExactly("one");

        client.configMaps().inNamespace("default").withName("one")
                .edit(c -> new ConfigMapBuilder(c).addToData("more", "data").build());
        assertThat(client.configMaps().inNamespace("default").withName("one").get().getData())
                .containsEntry("more", "data");

        client.configMaps().inNamespace("default").withName("one").delete();
        assertThat(client.configMaps().inNamespace("default").withName("one").get()).isNull();
    }

    @Test
    void answersRefusalsAsTheirStatus() {
        client.configMaps().inNamespace("default").resource(configMap("taken", Map.of())).create();

        assertThatThrownBy(() -> client.configMaps().inNamespace("default")
                .resource(configMap("taken", Map.of())).create())
                .isInstanceOf(KubernetesClientException.class)
                .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(409));
        assertThatThrownBy(() -> client.configMaps().inNamespace("default")
                .resource(configMap("Not_A_Name", Map.of())).create())
                .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(422));
        // A body over the HTTP limit is refused here too.
        ConfigMap huge = new ConfigMapBuilder().withNewMetadata().withName("huge").endMetadata()
                .addToData("key", "x".repeat(4 * 1024 * 1024)).build();
        assertThatThrownBy(() -> client.configMaps().inNamespace("default").resource(huge).create())
                .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(413));
    }

    @Test
    void authenticatesLikeAnyClient() {
        try (KubernetesClient stranger = ApiClients.inProcess(router, NO_SERVER, "not-the-token",
                ApiClients.Component.CONTROLLER_MANAGER)) {
            assertThatThrownBy(() -> stranger.configMaps().inNamespace("default").list())
                    .isInstanceOf(KubernetesClientException.class)
                    .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(401));
        }
    }

    @Test
    void watchesFromAResourceVersionAndClosingOneEndsItInTheRouter() throws Exception {
        String from = client.configMaps().inNamespace("default").list().getMetadata().getResourceVersion();
        client.configMaps().inNamespace("default").resource(configMap("before", Map.of())).create();
        List<String> seen = new CopyOnWriteArrayList<>();
        CountDownLatch closed = new CountDownLatch(1);
        Watch watch = client.configMaps().inNamespace("default").withResourceVersion(from)
                .watch(new Watcher<>() {
                    @Override
                    public void eventReceived(Action action, ConfigMap resource) {
                        seen.add(action + " " + resource.getMetadata().getName());
                    }

                    @Override
                    public void onClose() {
                        closed.countDown();
                    }

                    @Override
                    public void onClose(WatcherException cause) {
                        closed.countDown();
                    }
                });
        client.configMaps().inNamespace("default").resource(configMap("after", Map.of())).create();
        client.configMaps().inNamespace("default").withName("before").delete();

        await().atMost(WAIT).until(() -> seen.size() == 3);
        assertThat(seen).containsExactly("ADDED before", "ADDED after", "DELETED before");
        assertThat(transport().openExchanges()).hasSize(1);

        watch.close();
        // The router's watch loop ends too, not only the client's side.
        await().atMost(WAIT).until(() -> transport().openExchanges().isEmpty());
    }

    @Test
    void closingTheClientEndsItsWatchesAndInformers() {
        SharedIndexInformer<ConfigMap> informer = client.configMaps().inNamespace("default").inform();
        client.configMaps().inNamespace("default").resource(configMap("cached", Map.of())).create();
        await().atMost(WAIT).until(() -> informer.getStore().getByKey("default/cached") != null);
        LoopbackHttpClient transport = transport();
        assertThat(transport.openExchanges()).isNotEmpty();

        client.close();

        await().atMost(WAIT).until(() -> transport.openExchanges().isEmpty());
        assertThat(informer.isRunning()).isFalse();
    }
}
