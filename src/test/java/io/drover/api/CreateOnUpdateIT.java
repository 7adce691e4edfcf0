package io.drover.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drover.testing.SharedCluster;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * PUT as kube-apiserver's generic store.Update takes it, per kind: it creates a missing object of the kinds whose
 * strategy allows create on update (through the create path: defaults, validation, admission, a 201), and refuses an
 * update without a resourceVersion of the kinds whose strategy allows no unconditional update (Leases,
 * RuntimeClasses).
 */
class CreateOnUpdateIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String LEASES = "/apis/coordination.k8s.io/v1/namespaces/default/leases/";

    @RegisterExtension
    static final SharedCluster CLUSTER = new SharedCluster(options -> options.withNodeAgent(false));

    @AfterEach
    void clean() throws Exception {
        for (String name : List.of("lx", "l1", "dry")) {
            raw("DELETE", LEASES + name, null);
        }
        raw("DELETE", "/apis/node.k8s.io/v1/runtimeclasses/rcx", null);
    }

    private static HttpResponse<String> raw(String method, String path, String body) throws Exception {
        return raw(method, path, "application/json", body);
    }

    private static HttpResponse<String> raw(String method, String path, String contentType, String body)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(CLUSTER.cluster().server().url() + path))
                .header("Authorization", "Bearer " + CLUSTER.cluster().token())
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", contentType);
        }
        return CLUSTER.cluster().httpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A PUT that should create: 201, and the object is there with what its create path gave it. */
    private static JsonNode created(String path, String body) throws Exception {
        HttpResponse<String> put = raw("PUT", path + "?fieldManager=upserter", body);
        assertThat(put.statusCode()).as(path + ": " + put.body()).isEqualTo(201);
        HttpResponse<String> get = raw("GET", path, null);
        assertThat(get.statusCode()).as(path).isEqualTo(200);
        JsonNode object = JSON.readTree(get.body());
        assertThat(object.at("/metadata/uid").asText()).isNotEmpty();
        assertThat(object.at("/metadata/managedFields/0/manager").asText()).isEqualTo("upserter");
        assertThat(object.at("/metadata/managedFields/0/operation").asText()).isEqualTo("Update");
        return object;
    }

    @Test
    void aPutCreatesAMissingObjectOfTheKindsKubernetesLetsAPutCreate() throws Exception {
        created(LEASES + "lx", "{\"apiVersion\":\"coordination.k8s.io/v1\",\"kind\":\"Lease\","
                + "\"metadata\":{\"name\":\"lx\"},\"spec\":{\"holderIdentity\":\"a\"}}");
        created("/apis/node.k8s.io/v1/runtimeclasses/rcx", "{\"apiVersion\":\"node.k8s.io/v1\","
                + "\"kind\":\"RuntimeClass\",\"metadata\":{\"name\":\"rcx\"},\"handler\":\"runc\"}");
        String rbac = "/apis/rbac.authorization.k8s.io/v1/";
        created(rbac + "namespaces/default/roles/rx", "{\"metadata\":{\"name\":\"rx\"},\"rules\":[]}");
        JsonNode binding = created(rbac + "namespaces/default/rolebindings/rbx", "{\"metadata\":{\"name\":\"rbx\"},"
                + "\"roleRef\":{\"kind\":\"Role\",\"name\":\"rx\"},\"subjects\":[{\"kind\":\"User\",\"name\":\"u\"}]}");
        assertThat(binding.at("/roleRef/apiGroup").asText()).isEqualTo("rbac.authorization.k8s.io");
        created(rbac + "clusterroles/crx", "{\"metadata\":{\"name\":\"crx\",\"labels\":{\"a\":\"b\"}}}");
        created(rbac + "clusterrolebindings/crbx", "{\"metadata\":{\"name\":\"crbx\"},"
                + "\"roleRef\":{\"kind\":\"ClusterRole\",\"name\":\"crx\"}}");
        created("/api/v1/namespaces/default/events/evx", "{\"metadata\":{\"name\":\"evx\"},"
                + "\"involvedObject\":{\"kind\":\"Pod\",\"name\":\"p\",\"namespace\":\"default\"},\"reason\":\"R\"}");
        JsonNode endpoints = created("/api/v1/namespaces/default/endpoints/epx", "{\"metadata\":{\"name\":\"epx\"},"
                + "\"subsets\":[{\"addresses\":[{\"ip\":\"10.0.0.1\"}],\"ports\":[{\"port\":80}]}]}");
        assertThat(endpoints.at("/subsets/0/ports/0/protocol").asText()).isEqualTo("TCP");
        created("/api/v1/namespaces/default/limitranges/lrx", "{\"metadata\":{\"name\":\"lrx\"},"
                + "\"spec\":{\"limits\":[{\"type\":\"Container\",\"max\":{\"cpu\":\"1\"}}]}}");
        JsonNode service = created("/api/v1/namespaces/default/services/svcx", "{\"metadata\":{\"name\":\"svcx\"},"
                + "\"spec\":{\"ports\":[{\"port\":80}]}}");
        assertThat(service.at("/spec/clusterIP").asText()).isNotEmpty();

        // A second PUT updates (200).
        HttpResponse<String> again = raw("PUT", "/apis/rbac.authorization.k8s.io/v1/namespaces/default/roles/rx",
                "{\"metadata\":{\"name\":\"rx\"},\"rules\":[{\"apiGroups\":[\"\"],\"resources\":[\"pods\"],"
                        + "\"verbs\":[\"get\"]}]}");
        assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
        for (String path : new String[] {rbac + "namespaces/default/roles/rx", rbac + "namespaces/default/rolebindings/rbx",
                rbac + "clusterroles/crx", rbac + "clusterrolebindings/crbx", "/api/v1/namespaces/default/events/evx",
                "/api/v1/namespaces/default/endpoints/epx", "/api/v1/namespaces/default/limitranges/lrx",
                "/api/v1/namespaces/default/services/svcx"}) {
            raw("DELETE", path, null);
        }
    }

    @Test
    void aPutOfAMissingObjectOfAnyOtherKindIsNotFound() throws Exception {
        HttpResponse<String> put = raw("PUT", "/api/v1/namespaces/default/configmaps/cmx",
                "{\"metadata\":{\"name\":\"cmx\"},\"data\":{\"a\":\"b\"}}");
        assertThat(put.statusCode()).isEqualTo(404);
        assertThat(put.body()).contains("configmaps \\\"cmx\\\" not found");
        HttpResponse<String> slice = raw("PUT", "/apis/discovery.k8s.io/v1/namespaces/default/endpointslices/esx",
                "{\"metadata\":{\"name\":\"esx\"},\"addressType\":\"IPv4\"}");
        assertThat(slice.statusCode()).isEqualTo(404);
        // Nor through a subresource.
        HttpResponse<String> status = raw("PUT", "/api/v1/namespaces/default/services/nosvc/status",
                "{\"metadata\":{\"name\":\"nosvc\"},\"spec\":{\"ports\":[{\"port\":80}]}}");
        assertThat(status.statusCode()).isEqualTo(404);
    }

    @Test
    void aPutThatCreatesGoesThroughTheCreatePath() throws Exception {
        String lease = "{\"metadata\":{\"name\":\"%s\"%s},\"spec\":{\"leaseDurationSeconds\":%d}}";
        // The kind's validation.
        HttpResponse<String> invalid = raw("PUT", LEASES + "lx", lease.formatted("lx", "", 0));
        assertThat(invalid.statusCode()).isEqualTo(422);
        assertThat(invalid.body()).contains("spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0");
        // The name is the URL's.
        HttpResponse<String> renamed = raw("PUT", LEASES + "lx", lease.formatted("other", "", 10));
        assertThat(renamed.statusCode()).isEqualTo(400);
        assertThat(renamed.body()).contains("the name of the object (other) does not match the name on the URL (lx)");
        // A uid is a precondition no missing object meets.
        HttpResponse<String> withUid = raw("PUT", LEASES + "lx", lease.formatted("lx", ",\"uid\":\"abc\"", 10));
        assertThat(withUid.statusCode()).isEqualTo(409);
        assertThat(JSON.readTree(withUid.body()).get("message").asText()).isEqualTo("Operation cannot be fulfilled on "
                + "leases.coordination.k8s.io \"lx\": Precondition failed: UID in precondition: abc, UID in object meta: ");
        // The namespace must exist.
        HttpResponse<String> nowhere = raw("PUT", "/apis/coordination.k8s.io/v1/namespaces/nowhere/leases/lx",
                lease.formatted("lx", "", 10));
        assertThat(nowhere.statusCode()).isEqualTo(404);
        assertThat(nowhere.body()).contains("namespaces \\\"nowhere\\\" not found");
        // A dry run creates nothing.
        assertThat(raw("PUT", LEASES + "dry?dryRun=All", lease.formatted("dry", "", 10)).statusCode()).isEqualTo(201);
        assertThat(raw("GET", LEASES + "dry", null).statusCode()).isEqualTo(404);
        // The body's resourceVersion is the update's precondition only: a create ignores it.
        HttpResponse<String> versioned = raw("PUT", LEASES + "lx", lease.formatted("lx", ",\"resourceVersion\":\"12345\"",
                10));
        assertThat(versioned.statusCode()).as(versioned.body()).isEqualTo(201);
        // events.k8s.io/v1's own checks of a create apply to a PUT that creates.
        HttpResponse<String> event = raw("PUT", "/apis/events.k8s.io/v1/namespaces/default/events/e1",
                "{\"metadata\":{\"name\":\"e1\"},\"regarding\":{\"kind\":\"Pod\",\"name\":\"p\",\"namespace\":\"default\"},"
                        + "\"reason\":\"R\",\"type\":\"Normal\"}");
        assertThat(event.statusCode()).isEqualTo(422);
        assertThat(event.body()).contains("eventTime: Required value");
    }

    @Test
    void anUpdateOfALeaseOrARuntimeClassMustNameTheVersionItRead() throws Exception {
        var leases = CLUSTER.client().resources(Lease.class).inNamespace("default");
        Lease lease = leases.resource(new LeaseBuilder().withNewMetadata().withName("l1").endMetadata().withNewSpec()
                .withHolderIdentity("me").endSpec().build()).create();

        HttpResponse<String> unconditional = raw("PUT", LEASES + "l1",
                "{\"metadata\":{\"name\":\"l1\"},\"spec\":{\"holderIdentity\":\"you\"}}");
        assertThat(unconditional.statusCode()).isEqualTo(422);
        JsonNode status = JSON.readTree(unconditional.body());
        assertThat(status.get("message").asText()).isEqualTo("leases.coordination.k8s.io \"l1\" is invalid: "
                + "metadata.resourceVersion: Invalid value: 0: must be specified for an update");
        assertThat(status.at("/details/kind").asText()).isEqualTo("leases");
        assertThat(status.at("/details/group").asText()).isEqualTo("coordination.k8s.io");
        // A patch that removes the resourceVersion is one too.
        HttpResponse<String> removing = raw("PATCH", LEASES + "l1", "application/json-patch+json",
                "[{\"op\":\"remove\",\"path\":\"/metadata/resourceVersion\"}]");
        assertThat(removing.statusCode()).as(removing.body()).isEqualTo(422);
        assertThat(leases.withName("l1").get().getSpec().getHolderIdentity()).isEqualTo("me");

        HttpResponse<String> conditional = raw("PUT", LEASES + "l1", "{\"metadata\":{\"name\":\"l1\",\"resourceVersion\":\""
                + lease.getMetadata().getResourceVersion() + "\"},\"spec\":{\"holderIdentity\":\"you\"}}");
        assertThat(conditional.statusCode()).as(conditional.body()).isEqualTo(200);
        // A patch is applied to the version read.
        assertThat(raw("PATCH", LEASES + "l1", "application/merge-patch+json",
                "{\"spec\":{\"holderIdentity\":\"them\"}}").statusCode()).isEqualTo(200);

        raw("POST", "/apis/node.k8s.io/v1/runtimeclasses", "{\"metadata\":{\"name\":\"rcx\"},\"handler\":\"runc\","
                + "\"overhead\":{\"podFixed\":{\"cpu\":\"10m\"}}}");
        HttpResponse<String> runtimeClass = raw("PUT", "/apis/node.k8s.io/v1/runtimeclasses/rcx",
                "{\"metadata\":{\"name\":\"rcx\"},\"handler\":\"runc\"}");
        assertThat(runtimeClass.statusCode()).isEqualTo(422);
        assertThat(runtimeClass.body()).contains("runtimeclasses.node.k8s.io \\\"rcx\\\" is invalid: "
                + "metadata.resourceVersion: Invalid value: 0: must be specified for an update");
        assertThat(JSON.readTree(raw("GET", "/apis/node.k8s.io/v1/runtimeclasses/rcx", null).body())
                .at("/overhead/podFixed/cpu").asText()).isEqualTo("10m");

        // Other kinds take an update without one on their newest version.
        raw("POST", "/api/v1/namespaces/default/configmaps", "{\"metadata\":{\"name\":\"cm1\"}}");
        assertThat(raw("PUT", "/api/v1/namespaces/default/configmaps/cm1",
                "{\"metadata\":{\"name\":\"cm1\"},\"data\":{\"a\":\"b\"}}").statusCode()).isEqualTo(200);
        raw("DELETE", "/api/v1/namespaces/default/configmaps/cm1", null);
    }
}
