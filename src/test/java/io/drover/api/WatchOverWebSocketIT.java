package io.drover.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drover.testing.SharedCluster;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.client.ClientUpgradeRequest;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Watches over WebSocket, as kube-apiserver's WatchServer.HandleWS serves them: fabric8 with its
 * default configuration (which opens every watch as a WebSocket and retried drover's old 503 for
 * ~20 s before it fell back to a streaming GET), and a raw Jetty client for the framing.
 */
class WatchOverWebSocketIT {

    @RegisterExtension
    static final SharedCluster CLUSTER = new SharedCluster();

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Well under the ~20 s that fabric8's retries of a refused WebSocket took. */
    private static final Duration PROMPTLY = Duration.ofSeconds(5);

    /** A client as a fabric8 user builds one: the kubeconfig and fabric8's defaults (retries, WebSocket watches). */
    private static KubernetesClient defaultClient;

    @BeforeAll
    static void defaultClient() throws Exception {
        Config config = Config.fromKubeconfig(Files.readString(CLUSTER.cluster().server().kubeconfig()));
        assertThat(config.isOnlyHttpWatches()).isFalse();
        defaultClient = new KubernetesClientBuilder().withConfig(config).build();
    }

    @AfterAll
    static void closeDefaultClient() {
        if (defaultClient != null) {
            defaultClient.close();
        }
    }

    private static String newNamespace(String prefix) {
        return CLUSTER.client().namespaces().resource(new NamespaceBuilder().withNewMetadata()
                .withGenerateName(prefix + "-").endMetadata().build()).create().getMetadata().getName();
    }

    private static ConfigMap configMap(String name, Map<String, String> labels) {
        return new ConfigMapBuilder().withNewMetadata().withName(name).withLabels(labels).endMetadata()
                .addToData("k", "v").build();
    }

    @Test
    void aDefaultClientsWatchSeesAnEventPromptly() {
        String ns = newNamespace("ws-watch");
        List<String> added = new CopyOnWriteArrayList<>();
        long started = System.nanoTime();
        try (Watch watch = defaultClient.configMaps().inNamespace(ns).watch(new Watcher<>() {
            @Override
            public void eventReceived(Action action, ConfigMap cm) {
                if (action == Action.ADDED) {
                    added.add(cm.getMetadata().getName());
                }
            }

            @Override
            public void onClose(WatcherException cause) {
            }
        })) {
            defaultClient.configMaps().inNamespace(ns).resource(configMap("first", Map.of())).create();
            await().atMost(PROMPTLY).until(() -> added.contains("first"));
        }
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(PROMPTLY);
    }

    @Test
    void aDefaultClientsInformerStartsAndSeesAnEventPromptly() throws Exception {
        String ns = newNamespace("ws-informer");
        List<String> added = new CopyOnWriteArrayList<>();
        long started = System.nanoTime();
        // inform() returns once the informer listed and started its watch; bounded, so a slow start fails here.
        SharedIndexInformer<ConfigMap> informer = CompletableFuture.supplyAsync(() -> defaultClient.configMaps()
                .inNamespace(ns).inform(new ResourceEventHandler<>() {
                    @Override
                    public void onAdd(ConfigMap cm) {
                        added.add(cm.getMetadata().getName());
                    }

                    @Override
                    public void onUpdate(ConfigMap old, ConfigMap cm) {
                    }

                    @Override
                    public void onDelete(ConfigMap cm, boolean finalStateUnknown) {
                    }
                })).get(PROMPTLY.toMillis(), TimeUnit.MILLISECONDS);
        try {
            defaultClient.configMaps().inNamespace(ns).resource(configMap("later", Map.of())).create();
            await().atMost(PROMPTLY).until(() -> added.contains("later"));
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(PROMPTLY);
        } finally {
            informer.stop();
        }
    }

    @Test
    void waitUntilConditionSeesAChangeMadeASecondLater() {
        String ns = newNamespace("ws-wait");
        defaultClient.configMaps().inNamespace(ns).resource(configMap("late", Map.of())).create();
        ScheduledExecutorService later = Executors.newSingleThreadScheduledExecutor();
        try {
            later.schedule(() -> defaultClient.configMaps().inNamespace(ns).withName("late")
                    .edit(cm -> new ConfigMapBuilder(cm).addToData("ready", "yes").build()), 1, TimeUnit.SECONDS);

            ConfigMap ready = defaultClient.configMaps().inNamespace(ns).withName("late")
                    .waitUntilCondition(cm -> cm != null && "yes".equals(cm.getData().get("ready")), 10, TimeUnit.SECONDS);

            assertThat(ready.getData()).containsEntry("ready", "yes");
        } finally {
            later.shutdownNow();
        }
    }

    @Test
    void aWatchFromACompactedResourceVersionIsGone() {
        String ns = newNamespace("ws-gone");
        ConfigMap first = defaultClient.configMaps().inNamespace(ns).resource(configMap("old", Map.of())).create();
        defaultClient.configMaps().inNamespace(ns).withName("old")
                .edit(cm -> new ConfigMapBuilder(cm).addToData("a", "b").build());
        CLUSTER.cluster().server().compactStore();
        CompletableFuture<WatcherException> closed = new CompletableFuture<>();

        String old = Long.toString(Long.parseLong(first.getMetadata().getResourceVersion()) - 1);
        try (Watch watch = defaultClient.configMaps().inNamespace(ns).watch(new ListOptionsBuilder()
                .withResourceVersion(old).build(), new Watcher<>() {
                    @Override
                    public void eventReceived(Action action, ConfigMap cm) {
                    }

                    @Override
                    public void onClose(WatcherException cause) {
                        closed.complete(cause);
                    }
                })) {
            await().atMost(PROMPTLY).until(closed::isDone);
        }
        assertThat(closed.join().isHttpGone()).isTrue();
    }

    @Test
    void eachEventIsOneTextMessageAndTheServerClosesAtTimeoutSeconds() throws Exception {
        String ns = newNamespace("ws-raw");
        CLUSTER.client().configMaps().inNamespace(ns).resource(configMap("a", Map.of("app", "ws"))).create();
        CLUSTER.client().configMaps().inNamespace(ns).resource(configMap("b", Map.of("app", "ws"))).create();
        CLUSTER.client().configMaps().inNamespace(ns).resource(configMap("other", Map.of("app", "no"))).create();

        try (RawWatch watch = RawWatch.open(watchUri(ns, "labelSelector=app%3Dws&timeoutSeconds=2"),
                Map.of("Authorization", "Bearer " + CLUSTER.cluster().token()))) {
            await().atMost(PROMPTLY).until(() -> watch.closeCode != null);

            assertThat(watch.texts).hasSize(2);
            for (String text : watch.texts) {
                JsonNode event = JSON.readTree(text);
                assertThat(event.path("type").asText()).isEqualTo("ADDED");
                assertThat(event.at("/object/kind").asText()).isEqualTo("ConfigMap");
            }
            assertThat(watch.texts).extracting(t -> JSON.readTree(t).at("/object/metadata/name").asText())
                    .containsExactlyInAnyOrder("a", "b");
            assertThat(watch.binaries).isZero();
            assertThat(watch.closeCode).isEqualTo(1000);
            // Opened after the two events were read; closed at the 2 s timeout, not before.
            assertThat(Duration.ofNanos(watch.closedAt - watch.openedAt)).isGreaterThan(Duration.ofMillis(1500));
        }
    }

    @Test
    void aTokenSubprotocolAuthenticatesAndIsNeverEchoed() throws Exception {
        String ns = newNamespace("ws-token");
        CLUSTER.client().configMaps().inNamespace(ns).resource(configMap("a", Map.of("app", "ws"))).create();
        String encoded = Base64.getUrlEncoder().withoutPadding()
                .encodeToString(CLUSTER.cluster().token().getBytes(StandardCharsets.UTF_8));

        try (RawWatch watch = RawWatch.open(watchUri(ns, "labelSelector=app%3Dws&timeoutSeconds=1"), Map.of(),
                "base64url.bearer.authorization.k8s.io." + encoded, "watch.example")) {
            assertThat(watch.session.getUpgradeResponse().getAcceptedSubProtocol()).isEqualTo("watch.example");
            await().atMost(PROMPTLY).until(() -> watch.closeCode != null);
            assertThat(watch.texts).hasSize(1);
        }
        // Alone, the token protocol does not authenticate (kube-apiserver: "missing additional subprotocol").
        assertThat(RawWatch.refusal(watchUri(ns, "timeoutSeconds=1"), Map.of(),
                "base64url.bearer.authorization.k8s.io." + encoded)).isEqualTo(401);
    }

    private static URI watchUri(String ns, String query) {
        return URI.create(CLUSTER.cluster().server().url().toString().replaceFirst("^https", "wss") + "/api/v1/namespaces/" + ns
                + "/configmaps?watch=true&" + query);
    }

    /** A raw Jetty WebSocket watch: what arrives as text and binary messages, and how it closes. */
    public static final class RawWatch implements Session.Listener.AutoDemanding, AutoCloseable {
        private final WebSocketClient client;
        final List<String> texts = new CopyOnWriteArrayList<>();
        volatile int binaries;
        volatile Integer closeCode;
        volatile long openedAt;
        volatile long closedAt;
        volatile Session session;

        private RawWatch(WebSocketClient client) {
            this.client = client;
        }

        static RawWatch open(URI uri, Map<String, String> headers, String... protocols) throws Exception {
            WebSocketClient client = startedClient();
            RawWatch watch = new RawWatch(client);
            try {
                watch.session = client.connect(watch, uri, request(headers, protocols)).get(10, TimeUnit.SECONDS);
                return watch;
            } catch (Exception e) {
                client.stop();
                throw e;
            }
        }

        /** The status code a refused upgrade answered. */
        static int refusal(URI uri, Map<String, String> headers, String... protocols) throws Exception {
            WebSocketClient client = startedClient();
            try {
                client.connect(new RawWatch(client), uri, request(headers, protocols)).get(10, TimeUnit.SECONDS);
                return 101;
            } catch (java.util.concurrent.ExecutionException e) {
                return ((org.eclipse.jetty.websocket.api.exceptions.UpgradeException) e.getCause())
                        .getResponseStatusCode();
            } finally {
                client.stop();
            }
        }

        private static WebSocketClient startedClient() throws Exception {
            ClientConnector connector = new ClientConnector();
            connector.setSslContextFactory(new SslContextFactory.Client(true));
            WebSocketClient client = new WebSocketClient(new HttpClient(new HttpClientTransportOverHTTP(connector)));
            client.start();
            return client;
        }

        private static ClientUpgradeRequest request(Map<String, String> headers, String... protocols) {
            ClientUpgradeRequest request = new ClientUpgradeRequest();
            if (protocols.length > 0) {
                request.setSubProtocols(protocols);
            }
            headers.forEach(request::setHeader);
            return request;
        }

        @Override
        public void onWebSocketOpen(Session session) {
            openedAt = System.nanoTime();
        }

        @Override
        public void onWebSocketText(String message) {
            texts.add(message);
        }

        @Override
        public void onWebSocketBinary(java.nio.ByteBuffer payload, org.eclipse.jetty.websocket.api.Callback callback) {
            binaries++;
            callback.succeed();
        }

        @Override
        public void onWebSocketClose(int statusCode, String reason) {
            closedAt = System.nanoTime();
            closeCode = statusCode;
        }

        @Override
        public void close() throws Exception {
            client.stop();
        }
    }
}
