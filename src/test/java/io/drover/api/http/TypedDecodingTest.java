package io.drover.api.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drover.api.ClusterBootstrap;
import io.drover.api.kubelet.KubeletClient;
import io.drover.api.resource.ResourceRegistry;
import io.drover.api.security.Authenticator;
import io.drover.api.security.ClusterCredentials;
import io.drover.api.security.ServiceAccountTokens;
import io.drover.api.storage.ObjectStorage;
import io.drover.controller.ApiClients;
import io.drover.json.Mappers;
import io.drover.testing.DefaultServiceAccounts;
import io.drover.testing.TempDirs;
import io.drover.testing.TempSqliteStore;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpResponse;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Bodies read as Kubernetes' typed decoding reads them, through the router and a real store: a null in a list or a
 * map is its element's zero value, which the kind's rules then judge; a []byte must be base64 and a time RFC 3339,
 * on every kind of write.
 */
class TypedDecodingTest {
    private static final URI NO_SERVER = URI.create("https://127.0.0.1:1");
    private static final ObjectMapper JSON = Mappers.json();

    @RegisterExtension
    final TempSqliteStore temp = new TempSqliteStore("drover-decoding");

    private Path credentialsDir;
    private ApiRouter router;
    private KubernetesClient client;

    private record Answer(int code, JsonNode body) {
        String message() {
            return body.path("message").asText();
        }
    }

    @BeforeEach
    void startRouter() throws Exception {
        ResourceRegistry registry = ResourceRegistry.builtin();
        ObjectStorage storage = new ObjectStorage(temp.store(), JSON, Clock.systemUTC());
        ClusterBootstrap.run(storage, registry, JSON);
        DefaultServiceAccounts.create(storage, registry, "default");
        credentialsDir = TempDirs.create("drover-decoding-credentials");
        ClusterCredentials credentials = ClusterCredentials.loadOrCreate(credentialsDir);
        router = new ApiRouter(JSON, registry, storage, new DiscoveryRoutes(JSON, registry, () -> "127.0.0.1:1"),
                Authenticator.adminOnly(credentials), ServiceAccountTokens.loadOrCreate(credentialsDir),
                KubeletClient.create(credentials.caCertificatePem(), credentials.adminToken()));
        router.markReady();
        client = ApiClients.inProcess(router, NO_SERVER, credentials.adminToken(),
                ApiClients.Component.CONTROLLER_MANAGER);
    }

    @AfterEach
    void stop() {
        client.close();
        router.shutdown();
        TempDirs.delete(credentialsDir);
    }

    private Answer send(String method, String path, String contentType, String body) throws Exception {
        HttpClient http = client.getHttpClient();
        HttpResponse<String> response = http.sendAsync(http.newHttpRequestBuilder()
                .uri(NO_SERVER + path).method(method, contentType, body.replace('\'', '"')).build(), String.class)
                .get(10, TimeUnit.SECONDS);
        return new Answer(response.code(), JSON.readTree(response.body()));
    }

    private Answer create(String path, String body) throws Exception {
        return send("POST", path, "application/json", body);
    }

    private static String pod(String container, String spec) {
        return "{'metadata':{'name':'p'},'spec':{'containers':[{'name':'c','image':'i'" + container + "}]" + spec
                + "}}";
    }

    @Test
    void aNullTolerationIsTheEmptyTolerationKubernetesRefuses() throws Exception {
        Answer answer = create("/api/v1/namespaces/default/pods", pod("", ",'tolerations':[null]"));
        assertThat(answer.code()).isEqualTo(422);
        assertThat(answer.message()).contains("spec.tolerations[0].operator: Invalid value: \"\": operator must be "
                + "Exists when `key` is empty, which means \"match all values and all keys\"");
    }

    @Test
    void aNullTaintIsTheEmptyTaintKubernetesRefuses() throws Exception {
        Answer answer = create("/api/v1/nodes", "{'metadata':{'name':'n'},'spec':{'taints':[null]}}");
        assertThat(answer.code()).isEqualTo(422);
        assertThat(answer.message()).contains(
                "metadata.taints[0].key: Invalid value: \"\": name part must be non-empty",
                "metadata.taints[0].effect: Required value");
    }

    @Test
    void aNamespaceStatusWriteKeepsItsPhaseTrue() throws Exception {
        Answer bogus = send("PATCH", "/api/v1/namespaces/default/status", "application/merge-patch+json",
                "{'status':{'phase':'Bogus'}}");
        assertThat(bogus.code()).isEqualTo(422);
        assertThat(bogus.message()).isEqualTo("Namespace \"default\" is invalid: status.Phase: Invalid value: "
                + "\"Bogus\": may only be 'Active' if `deletionTimestamp` is empty");
        assertThat(send("PATCH", "/api/v1/namespaces/default/status", "application/merge-patch+json",
                "{'status':{'phase':'Active','conditions':[]}}").code()).isEqualTo(200);
    }

    @Test
    void aNullEnvironmentVariableHasNoName() throws Exception {
        Answer answer = create("/api/v1/namespaces/default/pods", pod(",'env':[null]", ""));
        assertThat(answer.code()).isEqualTo(422);
        assertThat(answer.message()).contains("spec.containers[0].env[0].name: Required value");
    }

    @Test
    void nullsInEndpointSliceListsAreEmptyEndpointsAndPorts() throws Exception {
        String slices = "/apis/discovery.k8s.io/v1/namespaces/default/endpointslices";
        Answer endpoints = create(slices, "{'metadata':{'name':'a'},'addressType':'IPv4','endpoints':[null]}");
        assertThat(endpoints.code()).isEqualTo(422);
        assertThat(endpoints.message()).contains("endpoints[0].addresses: Required value: must contain at least 1 "
                + "address");
        // An empty port is valid in Kubernetes too: defaulted to the unnamed TCP port.
        Answer ports = create(slices, "{'metadata':{'name':'b'},'addressType':'IPv4','ports':[null]}");
        assertThat(ports.code()).isEqualTo(201);
        assertThat(ports.body().path("ports").toString()).isEqualTo("[{\"name\":\"\",\"protocol\":\"TCP\"}]");
    }

    @Test
    void nullRulesSubjectsAndMetricsAreRefusedAsTheirEmptyStructs() throws Exception {
        Answer role = create("/apis/rbac.authorization.k8s.io/v1/namespaces/default/roles",
                "{'metadata':{'name':'r'},'rules':[null]}");
        assertThat(role.code()).isEqualTo(422);
        assertThat(role.message()).contains("rules[0].verbs: Required value");
        Answer binding = create("/apis/rbac.authorization.k8s.io/v1/namespaces/default/rolebindings",
                "{'metadata':{'name':'b'},'roleRef':{'apiGroup':'rbac.authorization.k8s.io','kind':'Role',"
                        + "'name':'r'},'subjects':[null]}");
        assertThat(binding.code()).isEqualTo(422);
        assertThat(binding.message()).contains("subjects[0].name: Required value");
        Answer hpa = create("/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers",
                "{'metadata':{'name':'h'},'spec':{'scaleTargetRef':{'kind':'Deployment','name':'d'},"
                        + "'maxReplicas':2,'metrics':[null]}}");
        assertThat(hpa.code()).isEqualTo(422);
        assertThat(hpa.message()).contains("spec.metrics[0].type: Required value");
    }

    @Test
    void nullStringsInMapsAreStoredAsEmptyStrings() throws Exception {
        Answer configMap = create("/api/v1/namespaces/default/configmaps",
                "{'metadata':{'name':'c','labels':{'a':null},'annotations':{'n':null}},'data':{'k':null}}");
        assertThat(configMap.code()).isEqualTo(201);
        assertThat(configMap.body().at("/metadata/labels/a").textValue()).isEmpty();
        assertThat(configMap.body().at("/metadata/annotations/n").textValue()).isEmpty();
        assertThat(configMap.body().at("/data/k").textValue()).isEmpty();
        Answer secret = create("/api/v1/namespaces/default/secrets",
                "{'metadata':{'name':'s'},'stringData':{'k':null}}");
        assertThat(secret.code()).isEqualTo(201);
        assertThat(secret.body().at("/data/k").textValue()).isEmpty();
    }

    @Test
    void bytesMustBeBase64AsGoDecodesThem() throws Exception {
        Answer configMap = create("/api/v1/namespaces/default/configmaps",
                "{'metadata':{'name':'c'},'binaryData':{'b':'!!!'}}");
        assertThat(configMap.code()).isEqualTo(400);
        assertThat(configMap.message()).isEqualTo("ConfigMap in version \"v1\" cannot be handled as a ConfigMap: "
                + "illegal base64 data at input byte 0");
        Answer secret = create("/api/v1/namespaces/default/secrets", "{'metadata':{'name':'s'},'data':{'k':'YQ='}}");
        assertThat(secret.code()).isEqualTo(400);
        // Go reports missing padding at the end of the input.
        assertThat(secret.message()).isEqualTo("Secret in version \"v1\" cannot be handled as a Secret: "
                + "illegal base64 data at input byte 3");
        assertThat(create("/api/v1/namespaces/default/configmaps",
                "{'metadata':{'name':'ok'},'binaryData':{'b':'AAEC'}}").code()).isEqualTo(201);
    }

    @Test
    void timesMustBeRfc3339AndMicroTimesHaveSixFractionalDigits() throws Exception {
        Answer event = create("/api/v1/namespaces/default/events", "{'metadata':{'name':'e'},'involvedObject':"
                + "{'kind':'Pod','name':'p','namespace':'default'},'firstTimestamp':'garbage'}");
        assertThat(event.code()).isEqualTo(400);
        assertThat(event.message()).isEqualTo("Event in version \"v1\" cannot be handled as a Event: parsing time "
                + "\"garbage\" as \"2006-01-02T15:04:05Z07:00\": cannot parse \"garbage\" as \"2006\"");
        Answer newEvent = create("/apis/events.k8s.io/v1/namespaces/default/events", "{'metadata':{'name':'e'},"
                + "'eventTime':'2026-01-01T00:00:00Z','regarding':{'kind':'Pod','name':'p','namespace':'default'},"
                + "'reportingController':'x.io/c','reportingInstance':'i','action':'A','reason':'R','type':'Normal'}");
        assertThat(newEvent.code()).isEqualTo(400);
        assertThat(newEvent.message()).endsWith("parsing time \"2026-01-01T00:00:00Z\" as "
                + "\"2006-01-02T15:04:05.000000Z07:00\": cannot parse \"Z\" as \".000000\"");
        Answer lease = create("/apis/coordination.k8s.io/v1/namespaces/default/leases",
                "{'metadata':{'name':'l'},'spec':{'renewTime':'garbage'}}");
        assertThat(lease.code()).isEqualTo(400);
        assertThat(lease.message()).endsWith("cannot parse \"garbage\" as \"2006\"");
        assertThat(create("/apis/coordination.k8s.io/v1/namespaces/default/leases",
                "{'metadata':{'name':'ok'},'spec':{'renewTime':'2026-01-01T00:00:00.000000Z'}}").code())
                .isEqualTo(201);
    }

    @Test
    void aStatusPatchIsCheckedToo() throws Exception {
        assertThat(create("/api/v1/namespaces/default/pods", pod("", "")).code()).isEqualTo(201);
        Answer startTime = send("PATCH", "/api/v1/namespaces/default/pods/p/status", "application/merge-patch+json",
                "{'status':{'startTime':'garbage'}}");
        // A patched object that does not decode: kube's 422 on field "patch", with the bare decoding error.
        assertThat(startTime.code()).isEqualTo(422);
        assertThat(startTime.message()).startsWith(" \"\" is invalid: patch: Invalid value: \"{").endsWith(
                "\": parsing time \"garbage\" as \"2006-01-02T15:04:05Z07:00\": cannot parse \"garbage\" as \"2006\"");
        Answer condition = send("PATCH", "/api/v1/namespaces/default/pods/p/status", "application/merge-patch+json",
                "{'status':{'conditions':[{'type':'Ready','status':'True',"
                        + "'lastTransitionTime':'2026-13-01T00:00:00Z'}]}}");
        assertThat(condition.code()).isEqualTo(422);
        assertThat(condition.message()).endsWith("parsing time \"2026-13-01T00:00:00Z\": month out of range");
        Answer good = send("PATCH", "/api/v1/namespaces/default/pods/p/status", "application/merge-patch+json",
                "{'status':{'startTime':'2026-01-01T00:00:00+02:00'}}");
        assertThat(good.code()).isEqualTo(200);
    }
}
