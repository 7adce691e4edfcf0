package io.drover.controller;

import io.drover.api.KubernetesVersion;
import io.drover.api.http.ApiRouter;
import io.drover.api.loopback.LoopbackHttpClient;
import io.drover.api.loopback.LoopbackHttpClientFactory;
import io.drover.api.resource.ResourceType;
import io.drover.json.Mappers;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The API clients of the server's own components (controllers, node agent, proxy, DNS): the API
 * server's requests and answers like any other client's, over HTTPS to another machine's server and
 * without a socket to this process's ({@link #inProcess}). Each component gets a client of its own, so it can close
 * it alone; what costs memory without serving isolation is shared between them: one Jackson
 * serialization ({@link ClientSerialization}; its bean caches cover the whole Kubernetes model) and
 * the HTTP clients' executor.
 */
public final class ApiClients {
    /**
     * fabric8's default of 10 s failed a server's start on a busy machine: at start every informer
     * lists at once from a JVM that is still compiling, and a list that times out stops its informer.
     * The API server is in this process, so a slow answer means a busy CPU, not a lost peer.
     */
    private static final int REQUEST_TIMEOUT_MILLIS = 60_000;

    /** Both forms kube-apiserver knows (one object or watch, list), and plain JSON as the fallback. */
    private static final String PARTIAL_OBJECT_METADATA =
            "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,"
                    + "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json";

    private static final KubernetesSerialization SERIALIZATION = new ClientSerialization(Mappers.json());

    /**
     * fabric8 gives each client two cached pools (the JDK HTTP client's and the one that runs watch
     * and informer callbacks, in order per informer) whose idle threads live a minute: about thirty
     * platform threads across the server's clients. Their tasks are short, so virtual threads serve
     * them with no idle thread at all. Never shut down: it holds no thread.
     */
    private static final ExecutorService CALLBACKS =
            Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("api-client-", 0).factory());

    private static final JdkHttpClientFactory HTTP = new JdkHttpClientFactory() {
        @Override
        protected void additionalConfig(java.net.http.HttpClient.Builder builder) {
            builder.executor(CALLBACKS);
        }
    };

    private ApiClients() {}

    /** The serialization the clients share; copies of cached objects go through it too. */
    public static KubernetesSerialization serialization() {
        return SERIALIZATION;
    }

    /**
     * The components' names, as the Kubernetes components doing their jobs call themselves: each
     * client's User-Agent starts with one, so the API server records the component as the field
     * manager of what it writes (managedFields), as kube-apiserver does for kube-controller-manager
     * and the kubelet, and a conflict names it.
     */
    public enum Component {
        /** The API server's own writes (a legacy token Secret's last-used label). */
        API_SERVER("kube-apiserver"),
        CONTROLLER_MANAGER("kube-controller-manager"),
        SCHEDULER("kube-scheduler"),
        NODE_AGENT("kubelet"),
        SERVICE_PROXY("kube-proxy"),
        CLUSTER_DNS("coredns");

        private final String name;

        Component(String name) {
            this.name = name;
        }

        /** The User-Agent: the name, the Kubernetes version the API server serves, and drover's mark. */
        String userAgent() {
            return name + "/" + KubernetesVersion.GIT_VERSION + " (linux/amd64) drover";
        }
    }

    public static KubernetesClient connect(URI server, String caPem, String token, Component component) {
        return build(new ConfigBuilder(Config.empty())
                .withUserAgent(component.userAgent())
                .withMasterUrl(server.toString())
                .withCaCertData(Base64.getEncoder().encodeToString(caPem.getBytes(StandardCharsets.UTF_8)))
                .withOauthToken(token)
                .withRequestRetryBackoffLimit(3)
                .withRequestTimeout(REQUEST_TIMEOUT_MILLIS)
                .build(), HTTP);
    }

    /**
     * A client of the API server in this process ({@link LoopbackHttpClientFactory}): the same
     * requests, token and answers as over HTTPS, without the socket. {@code server} is the API
     * server's URL, which the client's request URLs are built on.
     */
    public static KubernetesClient inProcess(ApiRouter router, URI server, String token, Component component) {
        return build(new ConfigBuilder(Config.empty())
                .withUserAgent(component.userAgent())
                .withMasterUrl(server.toString())
                .withOauthToken(token)
                .withRequestRetryBackoffLimit(3)
                .withRequestTimeout(REQUEST_TIMEOUT_MILLIS)
                .build(), new LoopbackHttpClientFactory(router));
    }

    /**
     * A second client to the same server, with the same transport and token, for another component
     * (the scheduler, which runs beside the controllers): its writes carry that component's name.
     */
    public static KubernetesClient as(KubernetesClient client, Component component) {
        return build(new ConfigBuilder(client.getConfiguration()).withUserAgent(component.userAgent()).build(),
                transportOf(client));
    }

    /**
     * A second client to the same server whose requests give up after {@code timeout}, without retries: for a
     * loop that must notice in time that it cannot reach the server (leader election renews within a deadline).
     */
    public static KubernetesClient withRequestTimeout(KubernetesClient client, Duration timeout) {
        return build(new ConfigBuilder(client.getConfiguration()).withRequestTimeout((int) timeout.toMillis())
                .withRequestRetryBackoffLimit(0).build(), transportOf(client));
    }

    private static HttpClient.Factory transportOf(KubernetesClient client) {
        return client.getHttpClient() instanceof LoopbackHttpClient loopback ? loopback.factory() : HTTP;
    }

    /**
     * A second client to the same server whose every answer is meta.k8s.io/v1 PartialObjectMetadata
     * (lists PartialObjectMetadataList, watch events too): what client-go's metadata client asks
     * for, for informers that read metadata alone. The objects arrive as GenericKubernetesResources
     * of that kind with the whole metadata; the server encodes, and the client decodes, none of
     * their data or spec.
     */
    public static KubernetesClient metadataOnly(KubernetesClient client) {
        return build(new ConfigBuilder(client.getConfiguration())
                .withCustomHeaders(Map.of("Accept", PARTIAL_OBJECT_METADATA))
                .build(), transportOf(client));
    }

    private static KubernetesClient build(Config config, HttpClient.Factory transport) {
        return new KubernetesClientBuilder()
                .withConfig(config)
                .withHttpClientFactory(transport)
                .withTaskExecutor(CALLBACKS)
                .withKubernetesSerialization(SERIALIZATION)
                .build();
    }

    /** How the generic fabric8 client addresses a drover resource, without a discovery call. */
    public static ResourceDefinitionContext context(ResourceType type) {
        return new ResourceDefinitionContext.Builder()
                .withGroup(type.group())
                .withVersion(type.version())
                .withKind(type.kind())
                .withPlural(type.plural())
                .withNamespaced(type.namespaced())
                .build();
    }
}
