package io.drover.api.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drover.testing.SharedCluster;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The reviews as kube-apiserver 1.32 answers them, posted as raw JSON the way delegating authenticators and
 * authorizers (an aggregated API server's, kube-rbac-proxy) post them.
 */
class ReviewsIT {
    @RegisterExtension
    static final SharedCluster CLUSTER = new SharedCluster(options -> options.withNodeAgent(false));

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ACCESS = "/apis/authorization.k8s.io/v1/subjectaccessreviews";
    private static final String LOCAL_ACCESS = "/apis/authorization.k8s.io/v1/namespaces/default/localsubjectaccessreviews";
    private static final String TOKEN = "/apis/authentication.k8s.io/v1/tokenreviews";

    @Test
    void aUsersExtraIsAcceptedAsTheArraysGoSends() throws Exception {
        String spec = "'user':'system:serviceaccount:default:sa1','groups':['system:serviceaccounts'],"
                + "'extra':{'authentication.kubernetes.io/credential-id':['JTI=abc']},"
                + "'resourceAttributes':{'verb':'get','resource':'pods','namespace':'default'}";
        for (String path : new String[] {ACCESS, LOCAL_ACCESS}) {
            HttpResponse<String> answer = post(path, "{'spec':{" + spec + "}}");
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(201);
            JsonNode review = JSON.readTree(answer.body());
            assertThat(review.at("/status/allowed").asBoolean()).isTrue();
            assertThat(review.at("/spec/extra/authentication.kubernetes.io~1credential-id").toString())
                    .isEqualTo("[\"JTI=abc\"]");
        }
        HttpResponse<String> token = post(TOKEN, "{'spec':{'token':'x'},'status':{'user':{'extra':{'k':['v']}}}}");
        assertThat(token.statusCode()).as(token.body()).isEqualTo(201);
    }

    @Test
    void theAdminTokenIsReviewedForTheApiServersAudienceAlone() throws Exception {
        String admin = CLUSTER.cluster().token();
        JsonNode foreign = JSON.readTree(post(TOKEN, "{'spec':{'token':'" + admin + "','audiences':['foo']}}").body());
        assertThat(foreign.at("/status/authenticated").asBoolean()).isFalse();
        assertThat(foreign.at("/status/error").asText()).isEqualTo("invalid bearer token");
        assertThat(foreign.at("/status").has("audiences")).isFalse();

        JsonNode both = JSON.readTree(post(TOKEN, "{'spec':{'token':'" + admin + "','audiences':['foo',"
                + "'https://kubernetes.default.svc.cluster.local']}}").body());
        assertThat(both.at("/status/authenticated").asBoolean()).isTrue();
        assertThat(both.at("/status/audiences").toString()).isEqualTo("[\"https://kubernetes.default.svc.cluster.local\"]");
        assertThat(both.at("/status/user/username").asText()).isEqualTo("admin");
    }

    /** A body with ' for ", posted with the admin's token. */
    private static HttpResponse<String> post(String path, String body) throws Exception {
        return CLUSTER.cluster().httpClient().send(HttpRequest.newBuilder(CLUSTER.cluster().server().url().resolve(path))
                .header("Authorization", "Bearer " + CLUSTER.cluster().token()).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.replace('\'', '"'))).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
