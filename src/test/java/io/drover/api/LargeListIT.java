package io.drover.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.drover.testing.RawHttp;
import io.drover.testing.ServerProcess;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ConfigMapList;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A list larger than the server's heap: 320 ConfigMaps of 300 KB (96 MB) against a 128 MiB heap.
 * Read whole, it ran the server out of memory (a 500, and a server broken afterwards); read and
 * written a page at a time it is served whole, as a Table and in pages, and the server stays well.
 */
class LargeListIT {
    private static final int OBJECTS = 320;
    /** The objects, and the namespace's kube-root-ca.crt ConfigMap. */
    private static final int LISTED = OBJECTS + 1;
    private static final int VALUE_BYTES = 300_000;
    private static final String CONFIGMAPS = "/api/v1/namespaces/default/configmaps";
    private static final String TABLE = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json";

    private static ServerProcess server;
    private static KubernetesClient client;
    private static HttpClient http;
    private static String token;

    @BeforeAll
    static void createMoreThanTheHeapHolds() throws Exception {
        server = ServerProcess.startWithJvmOptions(List.of("-Xmx128m"));
        client = new KubernetesClientBuilder()
                .withConfig(Config.fromKubeconfig(null, Files.readString(server.kubeconfig()), null)).build();
        http = RawHttp.trusting(client.getConfiguration().getCaCertData());
        token = Files.readString(server.dataDir().resolve("pki/admin.token")).trim();
        String value = "x".repeat(VALUE_BYTES);
        List<Future<?>> created = new ArrayList<>();
        try (ExecutorService creates = Executors.newFixedThreadPool(4)) {
            for (int i = 0; i < OBJECTS; i++) {
                String name = "big-%03d".formatted(i);
                created.add(creates.submit(() -> client.configMaps().inNamespace("default").resource(
                        new ConfigMapBuilder().withNewMetadata().withName(name).endMetadata()
                                .withData(Map.of("value", value)).build()).create()));
            }
        }
        for (Future<?> create : created) {
            create.get();
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> client.configMaps().inNamespace("default")
                .withName("kube-root-ca.crt").get() != null);
    }

    @AfterAll
    static void stop() throws Exception {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private static HttpResponse<InputStream> get(String path, String accept) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(server.url() + path))
                .header("Authorization", "Bearer " + token).header("Accept", accept).build(),
                HttpResponse.BodyHandlers.ofInputStream());
    }

    /** The items' (or a Table's rows') names and the bytes of their values, read as a stream. */
    private record Listed(List<String> names, long valueBytes) {}

    private static Listed read(InputStream body) throws IOException {
        List<String> names = new ArrayList<>();
        long valueBytes = 0;
        try (JsonParser parser = new JsonFactory().createParser(body)) {
            for (JsonToken t = parser.nextToken(); t != null; t = parser.nextToken()) {
                if (t != JsonToken.FIELD_NAME) {
                    continue;
                }
                // The field under which the object holding this field sits: metadata.name, data.value.
                String owner = parser.getParsingContext().getParent().getCurrentName();
                if (parser.currentName().equals("name") && "metadata".equals(owner)) {
                    parser.nextToken();
                    names.add(parser.getText());
                } else if (parser.currentName().equals("value") && "data".equals(owner)) {
                    parser.nextToken();
                    valueBytes += parser.getTextLength();
                }
            }
        }
        return new Listed(names, valueBytes);
    }

    @Test
    void theWholeListIsServed() throws Exception {
        HttpResponse<InputStream> response = get(CONFIGMAPS, "application/json");

        assertThat(response.statusCode()).isEqualTo(200);
        Listed listed = read(response.body());
        assertThat(listed.names()).hasSize(LISTED).doesNotHaveDuplicates()
                .allMatch(name -> name.startsWith("big-") || name.equals("kube-root-ca.crt"));
        assertThat(listed.valueBytes()).isEqualTo((long) OBJECTS * VALUE_BYTES);
    }

    @Test
    void theWholeListIsServedAsATable() throws Exception {
        HttpResponse<InputStream> response = get(CONFIGMAPS, TABLE);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(read(response.body()).names()).hasSize(LISTED).doesNotHaveDuplicates();
    }

    @Test
    void pagesChainToTheWholeList() {
        List<String> names = new ArrayList<>();
        String next = null;
        do {
            ConfigMapList page = client.configMaps().inNamespace("default")
                    .list(new ListOptionsBuilder().withLimit(40L).withContinue(next).build());
            page.getItems().forEach(cm -> names.add(cm.getMetadata().getName()));
            next = page.getMetadata().getContinue();
        } while (next != null && !next.isEmpty());

        assertThat(names).hasSize(LISTED).doesNotHaveDuplicates().isSorted();
    }

    @Test
    void theServerStaysWell() throws Exception {
        get(CONFIGMAPS, "application/json").body().transferTo(OutputStream.nullOutputStream());

        assertThat(client.configMaps().inNamespace("default").withName("big-000").get().getData().get("value"))
                .hasSize(VALUE_BYTES);
        assertThat(server.process().isAlive()).isTrue();
        assertThat(server.output()).noneMatch(line -> line.contains("OutOfMemoryError"));
    }
}
