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

    @Test
    void selectorsOfResourceAttributesAreValidatedAsKubernetes132Validates() throws Exception {
        HttpResponse<String> both = post(ACCESS, "{'spec':{'user':'u','resourceAttributes':{'verb':'list','resource':'pods',"
                + "'fieldSelector':{'rawSelector':'a=b','requirements':[{'key':'a','operator':'In','values':['b']}]},"
                + "'labelSelector':{}}}}");
        assertThat(both.statusCode()).isEqualTo(422);
        assertThat(causes(both)).containsExactly(
                "spec.resourceAttributes.fieldSelector.rawSelector: Invalid value: \"a=b\": may not specified at the "
                        + "same time as requirements",
                "spec.resourceAttributes.labelSelector.requirements: Required value: when "
                        + "spec.resourceAttributes.labelSelector is specified, requirements or rawSelector is required");

        HttpResponse<String> requirements = post(ACCESS, "{'spec':{'user':'u','resourceAttributes':{'verb':'list',"
                + "'fieldSelector':{'requirements':[{'operator':'In'}]},"
                + "'labelSelector':{'requirements':[{'key':'-bad','operator':'Exists','values':['x']}]}}}}");
        assertThat(requirements.statusCode()).isEqualTo(422);
        assertThat(causes(requirements)).contains(
                "spec.resourceAttributes.fieldSelector.requirements[0].key: Required value: must be specified",
                "spec.resourceAttributes.fieldSelector.requirements[0].values: Required value: must be specified when "
                        + "`operator` is 'In' or 'NotIn'",
                "spec.resourceAttributes.labelSelector.requirements[0].values: Forbidden: may not be specified when "
                        + "`operator` is 'Exists' or 'DoesNotExist'")
                .anyMatch(c -> c.startsWith("spec.resourceAttributes.labelSelector.requirements[0].key: Invalid value: "
                        + "\"-bad\""));

        // Operators a newer client knows are allowed (AllowUnknownOperatorInRequirement).
        assertThat(post(ACCESS, "{'spec':{'user':'u','resourceAttributes':{'verb':'list','labelSelector':"
                + "{'requirements':[{'key':'a','operator':'Gt','values':['1']}]}}}}").statusCode()).isEqualTo(201);
    }

    @Test
    void anAccessReviewsMetadataMustBeEmptyAndNamesTheUserField() throws Exception {
        HttpResponse<String> named = post(ACCESS, "{'metadata':{'name':'x'},'spec':{'nonResourceAttributes':{'path':'/x',"
                + "'verb':'get'}}}");
        assertThat(named.statusCode()).isEqualTo(422);
        assertThat(causes(named)).containsExactly(
                "spec.user: Invalid value: \"\": at least one of user or group must be specified",
                "metadata: Invalid value: v1.ObjectMeta{Name:\"x\", GenerateName:\"\", Namespace:\"\", SelfLink:\"\", "
                        + "UID:\"\", ResourceVersion:\"\", Generation:0, CreationTimestamp:time.Date(1, time.January, 1, "
                        + "0, 0, 0, 0, time.UTC), DeletionTimestamp:(*v1.Time)(nil), "
                        + "DeletionGracePeriodSeconds:(*int64)(nil), Labels:map[string]string(nil), "
                        + "Annotations:map[string]string(nil), OwnerReferences:[]v1.OwnerReference(nil), "
                        + "Finalizers:[]string(nil), ManagedFields:[]v1.ManagedFieldsEntry(nil)}: must be empty");
        HttpResponse<String> self = post("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
                "{'metadata':{'labels':{'a':'b'}},'spec':{'nonResourceAttributes':{'path':'/x','verb':'get'}}}");
        assertThat(self.statusCode()).isEqualTo(422);
        assertThat(causes(self)).singleElement().asString().startsWith("metadata: Invalid value: ").endsWith("must be empty");
        HttpResponse<String> local = post(LOCAL_ACCESS, "{'metadata':{'name':'x'},'spec':{'user':'u',"
                + "'resourceAttributes':{'namespace':'default','verb':'get'}}}");
        assertThat(causes(local)).singleElement().asString().endsWith("must be empty except for namespace");

        HttpResponse<String> elsewhere = post(LOCAL_ACCESS, "{'metadata':{'namespace':'other'},'spec':{'user':'u',"
                + "'resourceAttributes':{'namespace':'other','verb':'get'}}}");
        assertThat(elsewhere.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(elsewhere.body()).path("message").asText()).isEqualTo(
                "the namespace of the provided object does not match the namespace sent on the request");

        // A cluster-scoped review's namespace is cleared, not refused; the answer is a new object.
        HttpResponse<String> cleared = post(ACCESS, "{'metadata':{'namespace':'x'},'spec':{'user':'u',"
                + "'nonResourceAttributes':{'path':'/x','verb':'get'}}}");
        assertThat(cleared.statusCode()).isEqualTo(201);
        JsonNode answer = JSON.readTree(cleared.body());
        assertThat(answer.path("metadata").toString()).isEqualTo("{\"creationTimestamp\":null}");
        assertThat(answer.at("/spec/nonResourceAttributes/path").asText()).isEqualTo("/x");
        assertThat(answer.at("/status/allowed").asBoolean()).isTrue();
    }

    @Test
    void selfReviewsAreNewObjectsAndARulesReviewNeedsANamespace() throws Exception {
        HttpResponse<String> noNamespace = post("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews", "{'spec':{}}");
        assertThat(noNamespace.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(noNamespace.body()).path("message").asText()).isEqualTo("no namespace on request");

        JsonNode rules = JSON.readTree(post("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews",
                "{'metadata':{'name':'mine'},'spec':{'namespace':'default'}}").body());
        assertThat(rules.path("metadata").toString()).isEqualTo("{\"creationTimestamp\":null}");
        assertThat(rules.path("spec").toString()).isEqualTo("{}");
        assertThat(rules.at("/status/resourceRules/0/verbs/0").asText()).isEqualTo("*");

        java.time.Instant before = java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        JsonNode whoami = JSON.readTree(post("/apis/authentication.k8s.io/v1/selfsubjectreviews",
                "{'metadata':{'name':'me'}}").body());
        assertThat(whoami.path("metadata").has("name")).isFalse();
        assertThat(java.time.Instant.parse(whoami.at("/metadata/creationTimestamp").asText())).isAfterOrEqualTo(before);
        assertThat(whoami.at("/status/userInfo/username").asText()).isEqualTo("admin");
    }

    @Test
    void aTokenReviewClearsItsNamespaceAndSaysWhyATokenIsNobodys() throws Exception {
        JsonNode review = JSON.readTree(post(TOKEN, "{'metadata':{'namespace':'default'},'spec':{'token':'bogus'}}").body());
        assertThat(review.path("metadata").has("namespace")).isFalse();
        assertThat(review.at("/status/authenticated").asBoolean()).isFalse();
        assertThat(review.at("/status/error").asText()).isEqualTo("invalid bearer token");
    }

    @Test
    void impersonationHeadersAreCheckedOnEveryRequest() throws Exception {
        // WithImpersonation runs before any handler: groups without a user are refused whatever the path.
        HttpResponse<String> groupsAlone = get("/api/v1/namespaces", "Impersonate-Group", "g1");
        assertThat(groupsAlone.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(groupsAlone.body()).path("message").asText())
                .isEqualTo("requested [{Group  g1  }] without impersonating a user");
        assertThat(get("/api/v1/namespaces", "Impersonate-User", "jane").statusCode()).isEqualTo(200);
    }

    private static HttpResponse<String> get(String path, String header, String value) throws Exception {
        return CLUSTER.cluster().httpClient().send(HttpRequest.newBuilder(CLUSTER.cluster().server().url().resolve(path))
                .header("Authorization", "Bearer " + CLUSTER.cluster().token()).header(header, value).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The causes of a 422 Status, as "field: message". */
    private static java.util.List<String> causes(HttpResponse<String> answer) throws Exception {
        java.util.List<String> causes = new java.util.ArrayList<>();
        JSON.readTree(answer.body()).at("/details/causes").forEach(c -> causes.add(c.path("field").asText() + ": "
                + c.path("message").asText()));
        return causes;
    }

    /** A body with ' for ", posted with the admin's token. */
    private static HttpResponse<String> post(String path, String body) throws Exception {
        return CLUSTER.cluster().httpClient().send(HttpRequest.newBuilder(CLUSTER.cluster().server().url().resolve(path))
                .header("Authorization", "Bearer " + CLUSTER.cluster().token()).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.replace('\'', '"'))).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
