package io.drover.api.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drover.testing.Kubectl;
import io.drover.testing.Requirements;
import io.drover.testing.SharedCluster;
import io.drover.testing.TempDirs;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.authentication.SelfSubjectReview;
import io.fabric8.kubernetes.api.model.authentication.TokenRequest;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * serviceaccounts/token and the tokens it issues: a client with one is its service account
 * (kubectl auth whoami), until the account or the object the token is bound to is deleted.
 */
class ServiceAccountTokenIT {
    @RegisterExtension
    static final SharedCluster CLUSTER = new SharedCluster(options -> options.withNodeAgent(false));

    private static KubernetesClient admin() {
        return CLUSTER.client();
    }

    @Test
    void aTokenAuthenticatesItsServiceAccountUntilTheAccountIsDeleted() {
        admin().serviceAccounts().inNamespace("default").resource(new ServiceAccountBuilder().withNewMetadata()
                .withName("ci").endMetadata().build()).create();
        TokenRequest issued = admin().serviceAccounts().inNamespace("default").withName("ci")
                .tokenRequest(new TokenRequestBuilder().withNewSpec().endSpec().build());
        assertThat(issued.getSpec().getExpirationSeconds()).isEqualTo(3600);
        assertThat(issued.getSpec().getAudiences()).containsExactly(ServiceAccountTokens.ISSUER);
        assertThat(issued.getStatus().getExpirationTimestamp()).isNotBlank();

        try (KubernetesClient ci = clientWith(issued.getStatus().getToken())) {
            assertThat(ci.namespaces().withName("default").get()).isNotNull();
            SelfSubjectReview review = ci.resource(new io.fabric8.kubernetes.api.model.authentication
                    .SelfSubjectReviewBuilder().build()).create();
            assertThat(review.getStatus().getUserInfo().getUsername()).isEqualTo("system:serviceaccount:default:ci");
            assertThat(review.getStatus().getUserInfo().getGroups()).containsExactly("system:serviceaccounts",
                    "system:serviceaccounts:default", "system:authenticated");

            admin().serviceAccounts().inNamespace("default").withName("ci").delete();
            assertThatThrownBy(() -> ci.namespaces().withName("default").get())
                    .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(401));
        }
    }

    @Test
    void aTokenOfAnAccountBeingDeletedIsRefused() {
        admin().serviceAccounts().inNamespace("default").resource(new ServiceAccountBuilder().withNewMetadata()
                .withName("leaving").addToFinalizers("example.com/hold").endMetadata().build()).create();
        TokenRequest issued = admin().serviceAccounts().inNamespace("default").withName("leaving")
                .tokenRequest(new TokenRequestBuilder().withNewSpec().endSpec().build());
        try (KubernetesClient leaving = clientWith(issued.getStatus().getToken())) {
            assertThat(leaving.namespaces().withName("default").get()).isNotNull();
            admin().serviceAccounts().inNamespace("default").withName("leaving").delete();
            assertThatThrownBy(() -> leaving.namespaces().withName("default").get())
                    .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(401));
        } finally {
            admin().serviceAccounts().inNamespace("default").withName("leaving").edit(sa -> {
                sa.getMetadata().setFinalizers(java.util.List.of());
                return sa;
            });
        }
    }

    @Test
    void aTokenBoundToAPodLastsAsLongAsThePod() {
        String uid = admin().pods().inNamespace("default").resource(new PodBuilder().withNewMetadata().withName("holder")
                .endMetadata().withNewSpec().addNewContainer().withName("app").withImage("process")
                .withCommand("sleep", "1").endContainer().endSpec().build()).create().getMetadata().getUid();
        TokenRequest issued = admin().serviceAccounts().inNamespace("default").withName("default")
                .tokenRequest(new TokenRequestBuilder().withNewSpec().withNewBoundObjectRef().withKind("Pod")
                        .withApiVersion("v1").withName("holder").withUid(uid).endBoundObjectRef()
                        .withExpirationSeconds(7200L).endSpec().build());
        try (KubernetesClient bound = clientWith(issued.getStatus().getToken())) {
            assertThat(bound.namespaces().withName("default").get()).isNotNull();
            // kubectl auth whoami: the pod it is bound to and its credential id (the token's jti) are the user's extra.
            SelfSubjectReview review = bound.resource(new io.fabric8.kubernetes.api.model.authentication
                    .SelfSubjectReviewBuilder().build()).create();
            java.util.Map<String, java.util.List<String>> extra = review.getStatus().getUserInfo().getExtra();
            assertThat(extra).containsEntry("authentication.kubernetes.io/pod-name", java.util.List.of("holder"))
                    .containsEntry("authentication.kubernetes.io/pod-uid", java.util.List.of(uid));
            assertThat(extra.get("authentication.kubernetes.io/credential-id")).singleElement().asString()
                    .matches("JTI=[0-9a-f-]{36}");
            admin().pods().inNamespace("default").withName("holder").withGracePeriod(0).delete();
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).until(() ->
                    admin().pods().inNamespace("default").withName("holder").get() == null);
            assertThatThrownBy(() -> bound.namespaces().withName("default").get())
                    .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(401));
        }
    }

    @Test
    void refusesShortDurationsAndMissingObjects() {
        assertThatThrownBy(() -> admin().serviceAccounts().inNamespace("default").withName("default")
                .tokenRequest(new TokenRequestBuilder().withNewSpec().withExpirationSeconds(599L).endSpec().build()))
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(422);
                    assertThat(e.getStatus().getMessage()).contains(
                            "spec.expirationSeconds: Invalid value: 599: may not specify a duration less than 10 minutes");
                });
        assertThatThrownBy(() -> admin().serviceAccounts().inNamespace("default").withName("nobody")
                .tokenRequest(new TokenRequestBuilder().withNewSpec().endSpec().build()))
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(404));
        assertThatThrownBy(() -> admin().serviceAccounts().inNamespace("default").withName("default")
                .tokenRequest(new TokenRequestBuilder().withNewSpec().withNewBoundObjectRef().withKind("Pod")
                        .withName("missing").endBoundObjectRef().endSpec().build()))
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(404);
                    assertThat(e.getStatus().getMessage()).contains("pods \"missing\" not found");
                });
    }

    @Test
    void aTokenReviewSaysWhoATokenIsForTheAudiencesAsked() {
        TokenRequest issued = admin().serviceAccounts().inNamespace("default").withName("default")
                .tokenRequest(new TokenRequestBuilder().withNewSpec().withAudiences(ServiceAccountTokens.ISSUER, "vault")
                        .endSpec().build());
        var review = admin().resource(new io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder()
                .withNewSpec().withToken(issued.getStatus().getToken()).withAudiences("vault", "other").endSpec().build())
                .create();
        assertThat(review.getStatus().getAuthenticated()).isTrue();
        assertThat(review.getStatus().getUser().getUsername()).isEqualTo("system:serviceaccount:default:default");
        assertThat(review.getStatus().getAudiences()).containsExactly("vault");

        var forged = admin().resource(new io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder()
                .withNewSpec().withToken(issued.getStatus().getToken() + "x").endSpec().build()).create();
        assertThat(forged.getStatus().getAuthenticated()).isFalse();

        var access = admin().resource(new io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder()
                .withNewSpec().withUser("jane").withNewResourceAttributes().withVerb("get").withResource("pods")
                .withNamespace("default").endResourceAttributes().endSpec().build()).create();
        assertThat(access.getStatus().getAllowed()).isTrue();
        assertThatThrownBy(() -> admin().resource(new io.fabric8.kubernetes.api.model.authorization.v1
                .LocalSubjectAccessReviewBuilder().withNewMetadata().withNamespace("default").endMetadata()
                .withNewSpec().withNewResourceAttributes().withVerb("get").withResource("pods").withNamespace("other")
                .endResourceAttributes().endSpec().build()).inNamespace("default").create())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(422);
                    assertThat(e.getStatus().getMessage()).contains(
                            "spec.resourceAttributes.namespace: Invalid value: \"other\": must match metadata.namespace",
                            "spec.user: Invalid value: \"\": at least one of user or group must be specified");
                });
    }

    @Test
    void aValueOfTheWrongTypeIsADecodingError() throws Exception {
        HttpResponse<String> token = post("/api/v1/namespaces/default/serviceaccounts/default/token",
                "{\"spec\":{\"expirationSeconds\":\"soon\"}}");
        HttpResponse<String> tooLong = post("/api/v1/namespaces/default/serviceaccounts/default/token",
                "{\"spec\":{\"expirationSeconds\":4294967297}}");
        assertThat(tooLong.statusCode()).isEqualTo(422);
        assertThat(tooLong.body()).contains("spec.expirationSeconds: Invalid value: 4294967297: may not specify a "
                + "duration larger than 2^32 seconds");
        assertThat(token.statusCode()).isEqualTo(400);
        assertThat(token.body()).contains("TokenRequest in version \\\"v1\\\" cannot be handled as a TokenRequest: json: "
                + "cannot unmarshal string into Go struct field TokenRequestSpec.spec.expirationSeconds of type int64");
        HttpResponse<String> eviction = post("/api/v1/namespaces/default/pods/any/eviction",
                "{\"metadata\":{\"name\":\"any\"},\"deleteOptions\":{\"gracePeriodSeconds\":\"soon\"}}");
        assertThat(eviction.statusCode()).isEqualTo(400);
        assertThat(eviction.body()).contains("cannot unmarshal string into Go struct field "
                + "DeleteOptions.deleteOptions.gracePeriodSeconds of type int64");
    }

    /** TokenREST.Create's checks, in its order and words, and the create handler's before it. */
    @Test
    void aTokenRequestIsCheckedAsTokenRestChecksIt() throws Exception {
        String s1 = "/api/v1/namespaces/default/serviceaccounts/s1/token";
        admin().serviceAccounts().inNamespace("default").resource(new ServiceAccountBuilder().withNewMetadata()
                .withName("s1").endMetadata().build()).create();
        admin().pods().inNamespace("default").resource(new PodBuilder().withNewMetadata().withName("p1").endMetadata()
                .withNewSpec().addNewContainer().withName("app").withImage("process").withCommand("sleep", "1")
                .endContainer().endSpec().build()).create();
        try {
            // The account is looked up before the request is validated.
            assertStatus(post("/api/v1/namespaces/default/serviceaccounts/nosuch/token",
                    "{\"spec\":{\"expirationSeconds\":1}}"), 404, "serviceaccounts \\\"nosuch\\\" not found");
            assertStatus(post(s1, "{\"metadata\":{\"name\":\"other\"}}"), 422,
                    "TokenRequest.authentication.k8s.io \\\"s1\\\" is invalid: metadata.name: Invalid value: "
                            + "\\\"other\\\": must match the service account name if specified");
            assertStatus(post(s1, "{\"metadata\":{\"namespace\":\"kube-system\"}}"), 400,
                    "the namespace of the provided object does not match the namespace sent on the request");
            assertStatus(post(s1, "{\"kind\":\"Pod\",\"apiVersion\":\"v1\"}"), 400, "the API version in the data (v1)");
            assertStatus(post(s1, "{\"kind\":\"Foo\"}"), 400, "the kind in the data (Foo)");
            assertStatus(post(s1, "{\"kind\":\"TokenRequest\",\"apiVersion\":\"authentication.k8s.io/v1beta1\"}"),
                    400, "the API version in the data (authentication.k8s.io/v1beta1)");
            assertStatus(post(s1, bound("{\"kind\":\"Pod\",\"apiVersion\":\"apps/v1\",\"name\":\"p1\"}")), 400,
                    "cannot bind token to object of type apps/v1, Kind=Pod");
            assertStatus(post(s1, bound("{\"kind\":\"ConfigMap\",\"apiVersion\":\"v1\",\"name\":\"c\"}")), 400,
                    "cannot bind token to object of type /v1, Kind=ConfigMap");
            assertStatus(post(s1, bound("{\"kind\":\"Pod\"}")), 400, "Name parameter required.");
            // p1 runs as the namespace's default account, not as s1.
            assertStatus(post(s1, bound("{\"kind\":\"Pod\",\"name\":\"p1\"}")), 400,
                    "cannot bind token for serviceaccount \\\"s1\\\" to pod running with different serviceaccount name.");
            HttpResponse<String> conflict = post("/api/v1/namespaces/default/serviceaccounts/default/token",
                    bound("{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"name\":\"p1\",\"uid\":\"u\"}"));
            assertStatus(conflict, 409, "Operation cannot be fulfilled on Pod \\\"p1\\\": the UID in the bound object "
                    + "reference (u) does not match the UID in record.");
            assertThat(conflict.body()).contains("\"kind\":\"Pod\"");

            // The answer is the request completed: its labels and annotations too.
            HttpResponse<String> issued = post(s1, "{\"metadata\":{\"labels\":{\"a\":\"b\"},\"annotations\":"
                    + "{\"c\":\"d\"},\"uid\":\"x\"},\"spec\":{}}");
            assertThat(issued.statusCode()).isEqualTo(201);
            var answer = new com.fasterxml.jackson.databind.ObjectMapper().readTree(issued.body());
            assertThat(answer.path("metadata").path("labels").path("a").asText()).isEqualTo("b");
            assertThat(answer.path("metadata").path("annotations").path("c").asText()).isEqualTo("d");
            assertThat(answer.path("metadata").has("uid")).isFalse();
            assertThat(answer.path("metadata").path("name").asText()).isEqualTo("s1");
            assertThat(answer.path("metadata").path("namespace").asText()).isEqualTo("default");
        } finally {
            admin().pods().inNamespace("default").withName("p1").withGracePeriod(0).delete();
            admin().serviceAccounts().inNamespace("default").withName("s1").delete();
        }
    }

    /**
     * A pod-bound token asked for 3607 s for the API server is issued for a year with a warnafter claim at the time
     * asked (the safe transition of projected tokens); status.expirationTimestamp says the time asked.
     */
    @Test
    void aPodBoundTokenOfTheProjectedVolumesExpiryIsExtended() throws Exception {
        admin().pods().inNamespace("default").resource(new PodBuilder().withNewMetadata().withName("projected")
                .endMetadata().withNewSpec().addNewContainer().withName("app").withImage("process")
                .withCommand("sleep", "1").endContainer().endSpec().build()).create();
        try {
            TokenRequest extended = podBoundToken("projected", 3607L, null);
            var claims = payload(extended.getStatus().getToken());
            long iat = claims.path("iat").asLong();
            assertThat(claims.path("exp").asLong() - iat).isEqualTo(365L * 24 * 3600);
            assertThat(claims.path("kubernetes.io").path("warnafter").asLong() - iat).isEqualTo(3607);
            assertThat(java.time.Instant.parse(extended.getStatus().getExpirationTimestamp()).getEpochSecond() - iat)
                    .isEqualTo(3607);

            var asked = payload(podBoundToken("projected", 3608L, null).getStatus().getToken());
            assertThat(asked.path("exp").asLong() - asked.path("iat").asLong()).isEqualTo(3608);
            assertThat(asked.path("kubernetes.io").has("warnafter")).isFalse();
            var otherAudience = payload(podBoundToken("projected", 3607L, "vault").getStatus().getToken());
            assertThat(otherAudience.path("exp").asLong() - otherAudience.path("iat").asLong()).isEqualTo(3607);
        } finally {
            admin().pods().inNamespace("default").withName("projected").withGracePeriod(0).delete();
        }
    }

    private static TokenRequest podBoundToken(String pod, long seconds, String audience) {
        var spec = new TokenRequestBuilder().withNewSpec().withNewBoundObjectRef().withKind("Pod").withApiVersion("v1")
                .withName(pod).endBoundObjectRef().withExpirationSeconds(seconds);
        if (audience != null) {
            spec = spec.withAudiences(audience);
        }
        return admin().serviceAccounts().inNamespace("default").withName("default").tokenRequest(spec.endSpec().build());
    }

    private static com.fasterxml.jackson.databind.JsonNode payload(String token) throws Exception {
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(
                java.util.Base64.getUrlDecoder().decode(token.split("\\.")[1]));
    }

    private static String bound(String ref) {
        return "{\"spec\":{\"boundObjectRef\":" + ref + "}}";
    }

    private static void assertStatus(HttpResponse<String> response, int code, String message) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(code);
        assertThat(response.body()).contains(message);
    }

    private static HttpResponse<String> post(String path, String body) throws Exception {
        return CLUSTER.cluster().httpClient().send(HttpRequest.newBuilder(CLUSTER.cluster().server().url().resolve(path))
                .header("Authorization", "Bearer " + CLUSTER.cluster().token()).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void kubectlCreateTokenGivesAWorkingToken() throws Exception {
        Path binary = Requirements.kubectl();
        Path cache = TempDirs.create("kubectl-cache");
        try {
            Kubectl kubectl = new Kubectl(binary, CLUSTER.cluster().server().kubeconfig(), cache);
            String token = kubectl.run("create", "token", "default").requireSuccess().stdout().trim();
            assertThat(kubectl.run("--token", token, "auth", "whoami").requireSuccess().stdout())
                    .contains("system:serviceaccount:default:default");
            assertThat(kubectl.run("--token", token + "x", "get", "namespaces").stderr())
                    .contains("You must be logged in to the server");
        } finally {
            TempDirs.delete(cache);
        }
    }

    /**
     * The documented long-lived token: a kubernetes.io/service-account-token Secret naming an account is filled by the
     * tokens controller (token, ca.crt, namespace, the account's uid), and its token authenticates the account until
     * the Secret is deleted; a token Secret of an account that does not exist, or of a deleted one, is deleted.
     */
    @Test
    void aServiceAccountTokenSecretHoldsALongLivedTokenWhileItExists() {
        String uid = admin().serviceAccounts().inNamespace("default").resource(new ServiceAccountBuilder().withNewMetadata()
                .withName("robot").endMetadata().build()).create().getMetadata().getUid();
        admin().secrets().inNamespace("default").resource(new io.fabric8.kubernetes.api.model.SecretBuilder()
                .withNewMetadata().withName("robot-token").addToAnnotations("kubernetes.io/service-account.name", "robot")
                .endMetadata().withType("kubernetes.io/service-account-token").build()).create();
        io.fabric8.kubernetes.api.model.Secret filled = org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(20)).until(
                        () -> admin().secrets().inNamespace("default").withName("robot-token").get(),
                        s -> s.getData() != null && s.getData().containsKey("token"));
        assertThat(filled.getData()).containsOnlyKeys("token", "ca.crt", "namespace");
        assertThat(decode(filled.getData().get("namespace"))).isEqualTo("default");
        assertThat(decode(filled.getData().get("ca.crt"))).startsWith("-----BEGIN CERTIFICATE-----");
        assertThat(filled.getMetadata().getAnnotations()).containsEntry("kubernetes.io/service-account.uid", uid);

        try (KubernetesClient robot = clientWith(decode(filled.getData().get("token")))) {
            SelfSubjectReview review = robot.resource(new io.fabric8.kubernetes.api.model.authentication
                    .SelfSubjectReviewBuilder().build()).create();
            assertThat(review.getStatus().getUserInfo().getUsername()).isEqualTo("system:serviceaccount:default:robot");

            admin().secrets().inNamespace("default").withName("robot-token").delete();
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).untilAsserted(() ->
                    assertThatThrownBy(() -> robot.namespaces().withName("default").get())
                            .isInstanceOfSatisfying(KubernetesClientException.class,
                                    e -> assertThat(e.getCode()).isEqualTo(401)));
        }

        admin().secrets().inNamespace("default").resource(new io.fabric8.kubernetes.api.model.SecretBuilder()
                .withNewMetadata().withName("ghost-token").addToAnnotations("kubernetes.io/service-account.name", "ghost")
                .endMetadata().withType("kubernetes.io/service-account-token").build()).create();
        admin().secrets().inNamespace("default").resource(new io.fabric8.kubernetes.api.model.SecretBuilder()
                .withNewMetadata().withName("robot-token-2").addToAnnotations("kubernetes.io/service-account.name", "robot")
                .endMetadata().withType("kubernetes.io/service-account-token").build()).create();
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).until(() ->
                admin().secrets().inNamespace("default").withName("ghost-token").get() == null
                        && admin().secrets().inNamespace("default").withName("robot-token-2").get().getData() != null);
        admin().serviceAccounts().inNamespace("default").withName("robot").delete();
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).until(() ->
                admin().secrets().inNamespace("default").withName("robot-token-2").get() == null);
    }

    /** A request with the token of a Secret its account lists (an auto-generated one) is warned, as legacy.go warns. */
    @Test
    void theTokenOfAnAutoGeneratedSecretIsWarnedAbout() throws Exception {
        admin().serviceAccounts().inNamespace("default").resource(new ServiceAccountBuilder().withNewMetadata()
                .withName("old").endMetadata().addNewSecret().withName("old-token").endSecret().build()).create();
        admin().secrets().inNamespace("default").resource(new io.fabric8.kubernetes.api.model.SecretBuilder()
                .withNewMetadata().withName("old-token").addToAnnotations("kubernetes.io/service-account.name", "old")
                .endMetadata().withType("kubernetes.io/service-account-token").build()).create();
        try {
            String token = decode(org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).until(
                    () -> admin().secrets().inNamespace("default").withName("old-token").get(),
                    s -> s.getData() != null && s.getData().containsKey("token")).getData().get("token"));
            HttpResponse<String> listed = CLUSTER.cluster().httpClient().send(HttpRequest.newBuilder(
                    CLUSTER.cluster().server().url().resolve("/api/v1/namespaces/default"))
                    .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(listed.statusCode()).isEqualTo(200);
            assertThat(listed.headers().allValues("warning")).containsExactly("299 - \"Use tokens from the TokenRequest "
                    + "API or manually created secret-based tokens instead of auto-generated secret-based tokens.\"");

            admin().serviceAccounts().inNamespace("default").withName("old").edit(sa -> {
                sa.setSecrets(java.util.List.of());
                return sa;
            });
            HttpResponse<String> manual = CLUSTER.cluster().httpClient().send(HttpRequest.newBuilder(
                    CLUSTER.cluster().server().url().resolve("/api/v1/namespaces/default"))
                    .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(manual.statusCode()).isEqualTo(200);
            assertThat(manual.headers().allValues("warning")).isEmpty();
        } finally {
            admin().serviceAccounts().inNamespace("default").withName("old").delete();
        }
    }

    /**
     * The clean-up of long-lived tokens as kube documents it: a use labels the Secret with the day it was last used,
     * and the invalid-since label disables the token (a 401, and the reason in a TokenReview).
     */
    @Test
    void aSecretsTokenIsLabelledWhenUsedAndRefusedOnceMarkedInvalid() {
        admin().serviceAccounts().inNamespace("default").resource(new ServiceAccountBuilder().withNewMetadata()
                .withName("sa3").endMetadata().build()).create();
        admin().secrets().inNamespace("default").resource(new io.fabric8.kubernetes.api.model.SecretBuilder()
                .withNewMetadata().withName("sa3-token").addToAnnotations("kubernetes.io/service-account.name", "sa3")
                .endMetadata().withType("kubernetes.io/service-account-token").build()).create();
        String token = decode(org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).until(
                () -> admin().secrets().inNamespace("default").withName("sa3-token").get(),
                s -> s.getData() != null && s.getData().containsKey("token")).getData().get("token"));
        try (KubernetesClient sa3 = clientWith(token)) {
            assertThat(sa3.namespaces().withName("default").get()).isNotNull();
            String today = java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString();
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).untilAsserted(() ->
                    assertThat(admin().secrets().inNamespace("default").withLabel(
                            "kubernetes.io/legacy-token-last-used").list().getItems())
                            .anySatisfy(s -> {
                                assertThat(s.getMetadata().getName()).isEqualTo("sa3-token");
                                assertThat(s.getMetadata().getLabels())
                                        .containsEntry("kubernetes.io/legacy-token-last-used", today);
                            }));

            admin().secrets().inNamespace("default").withName("sa3-token").edit(s -> new io.fabric8.kubernetes.api.model
                    .SecretBuilder(s).editMetadata().addToLabels("kubernetes.io/legacy-token-invalid-since", "2024-01-01")
                    .endMetadata().build());
            assertThatThrownBy(() -> sa3.namespaces().withName("default").get())
                    .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(401));
            var review = admin().resource(new io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder()
                    .withNewSpec().withToken(token).endSpec().build()).create();
            assertThat(review.getStatus().getAuthenticated()).isFalse();
            assertThat(review.getStatus().getError()).isEqualTo("[invalid bearer token, the token in secret "
                    + "default/sa3-token for service account default/sa3 has been marked invalid. Use tokens from the "
                    + "TokenRequest API or manually created secret-based tokens, or remove the "
                    + "'kubernetes.io/legacy-token-invalid-since' label from the secret to temporarily allow use of "
                    + "this token]");
        } finally {
            admin().serviceAccounts().inNamespace("default").withName("sa3").delete();
        }
    }

    /**
     * Issuer discovery: the OpenID configuration names this cluster's issuer and its key set, and a token the API
     * issued verifies with that published key alone, as an outside party would check it.
     */
    @Test
    void theIssuersKeysArePublishedAndVerifyItsTokens() throws Exception {
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        HttpResponse<String> configuration = get("/.well-known/openid-configuration");
        assertThat(configuration.statusCode()).isEqualTo(200);
        var config = json.readTree(configuration.body());
        assertThat(config.path("issuer").asText()).isEqualTo(ServiceAccountTokens.ISSUER);
        assertThat(config.path("jwks_uri").asText()).endsWith("/openid/v1/jwks");
        assertThat(config.path("id_token_signing_alg_values_supported").toString()).isEqualTo("[\"ES256\"]");
        HttpResponse<String> keys = get("/openid/v1/jwks");
        assertThat(keys.headers().firstValue("content-type")).hasValue("application/jwk-set+json");
        var jwk = json.readTree(keys.body()).path("keys").path(0);
        assertThat(jwk.path("kty").asText()).isEqualTo("EC");

        java.security.AlgorithmParameters parameters = java.security.AlgorithmParameters.getInstance("EC");
        parameters.init(new java.security.spec.ECGenParameterSpec("secp256r1"));
        java.util.Base64.Decoder b64 = java.util.Base64.getUrlDecoder();
        java.security.PublicKey published = java.security.KeyFactory.getInstance("EC").generatePublic(
                new java.security.spec.ECPublicKeySpec(new java.security.spec.ECPoint(
                        new java.math.BigInteger(1, b64.decode(jwk.path("x").asText())),
                        new java.math.BigInteger(1, b64.decode(jwk.path("y").asText()))),
                        parameters.getParameterSpec(java.security.spec.ECParameterSpec.class)));
        String token = admin().serviceAccounts().inNamespace("default").withName("default")
                .tokenRequest(new TokenRequestBuilder().withNewSpec().endSpec().build()).getStatus().getToken();
        String[] parts = token.split("\\.");
        assertThat(json.readTree(b64.decode(parts[0])).path("kid").asText()).isEqualTo(jwk.path("kid").asText());
        java.security.Signature signature = java.security.Signature.getInstance("SHA256withECDSAinP1363Format");
        signature.initVerify(published);
        signature.update((parts[0] + "." + parts[1]).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        assertThat(signature.verify(b64.decode(parts[2]))).isTrue();
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return CLUSTER.cluster().httpClient().send(HttpRequest.newBuilder(CLUSTER.cluster().server().url().resolve(path))
                .header("Authorization", "Bearer " + CLUSTER.cluster().token()).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String decode(String base64) {
        return new String(java.util.Base64.getDecoder().decode(base64), java.nio.charset.StandardCharsets.UTF_8);
    }

    private static KubernetesClient clientWith(String token) {
        Config config = new ConfigBuilder(admin().getConfiguration()).withOauthToken(token).withRequestRetryBackoffLimit(0)
                .build();
        return new KubernetesClientBuilder().withConfig(config).build();
    }
}
