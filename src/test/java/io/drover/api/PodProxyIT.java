package io.drover.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drover.testing.SharedCluster;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * pods/proxy to a pod nothing listens for, or at a port no address has: kube-apiserver's 503
 * "error trying to reach service: ..." with Go's dial error, never a 500 or a Java class name.
 */
class PodProxyIT {
    @RegisterExtension
    static final SharedCluster CLUSTER = new SharedCluster();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static String namespace;

    /** A pod on a node no agent serves, with a loopback address nothing listens on. */
    @BeforeAll
    static void createPod() {
        Namespace ns = CLUSTER.client().namespaces().resource(new NamespaceBuilder()
                .withNewMetadata().withGenerateName("proxy-").endMetadata().build()).create();
        namespace = ns.getMetadata().getName();
        CLUSTER.client().pods().inNamespace(namespace).resource(new PodBuilder().withNewMetadata().withName("quiet")
                .endMetadata().withNewSpec().withNodeName("elsewhere").addNewContainer().withName("app")
                .withImage("nginx").endContainer().endSpec().build()).create();
        CLUSTER.client().pods().inNamespace(namespace).withName("quiet").editStatus(p -> new PodBuilder(p)
                .editOrNewStatus().withPodIP("127.0.0.1").addNewPodIP("127.0.0.1").endStatus().build());
    }

    private static HttpResponse<String> get(String podAndPort) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(CLUSTER.cluster().server().url() + "/api/v1/namespaces/"
                        + namespace + "/pods/" + podAndPort + "/proxy/"))
                .header("Authorization", "Bearer " + CLUSTER.cluster().token()).build();
        return CLUSTER.cluster().httpClient().send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Test
    void aPortNoAddressHasIsUnavailableWithGosDialError() throws Exception {
        for (String port : List.of("99999", "-1", "4294967296")) {
            HttpResponse<String> response = get("quiet:" + port);

            assertThat(response.statusCode()).as(port).isEqualTo(503);
            JsonNode status = JSON.readTree(response.body());
            assertThat(status.path("reason").asText()).isEqualTo("ServiceUnavailable");
            assertThat(status.path("message").asText()).as(port)
                    .isEqualTo("error trying to reach service: dial tcp: address " + port + ": invalid port");
        }
    }

    @Test
    void aPortNothingListensOnIsUnavailableWithGosConnectionRefused() throws Exception {
        int port = freePort();

        HttpResponse<String> response = get("quiet:" + port);

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(JSON.readTree(response.body()).path("message").asText())
                .isEqualTo("error trying to reach service: dial tcp 127.0.0.1:" + port + ": connect: connection refused");
    }
}
