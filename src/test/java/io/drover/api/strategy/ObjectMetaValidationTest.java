package io.drover.api.strategy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.ApiException.Cause;
import io.drover.api.resource.ResourceRegistry;
import io.drover.api.resource.ResourceType;
import java.util.List;
import org.junit.jupiter.api.Test;

class ObjectMetaValidationTest {
    private static final ResourceType CONFIG_MAPS =
            ResourceRegistry.builtin().find("", "v1", "configmaps").orElseThrow();
    private final ResourceStrategy strategy = Strategies.forType(CONFIG_MAPS);

    private List<String> create(String metadata) {
        return Json.printed(strategy.validateCreate(Json.parse("{metadata: " + metadata + "}")));
    }

    @Test
    void acceptsValidMetadata() {
        assertThat(create("{name: 'a', labels: {'app.kubernetes.io/name': 'web', empty: ''},"
                + " annotations: {'Example.com/Note': 'anything at all!'}, finalizers: ['example.com/hold'],"
                + " ownerReferences: [{apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'u1'}]}"))
                .isEmpty();
    }

    @Test
    void refusesABadLabelValueWithKubernetesMessage() {
        assertThat(create("{labels: {app: 'bad value!'}}")).containsExactly("metadata.labels: Invalid value: "
                + "\"bad value!\": a valid label must be an empty string or consist of alphanumeric characters, '-', "
                + "'_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or "
                + "'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')");
    }

    @Test
    void refusesBadLabelKeys() {
        assertThat(create("{labels: {'-x': 'a'}}")).containsExactly("metadata.labels: Invalid value: \"-x\": name part "
                + "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
                + "alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is "
                + "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')");
        assertThat(create("{labels: {'/x': 'a'}}")).containsExactly(
                "metadata.labels: Invalid value: \"/x\": prefix part must be non-empty");
        assertThat(create("{labels: {'a/b/c': 'a'}}")).singleElement().asString()
                .startsWith("metadata.labels: Invalid value: \"a/b/c\": a valid label key must consist of");
        assertThat(create("{labels: {'" + "k".repeat(64) + "': 'a'}}")).singleElement().asString()
                .endsWith("name part must be no more than 63 characters");
    }

    @Test
    void annotationKeysIgnoreCaseButTotalSizeIsLimited() {
        assertThat(create("{annotations: {'Example.COM/Key': 'v'}}")).isEmpty();
        assertThat(create("{annotations: {'bad key': 'v'}}")).singleElement().asString()
                .startsWith("metadata.annotations: Invalid value: \"bad key\": name part must consist of");
        List<Cause> causes = strategy.validateCreate(Json.parse("{metadata: {annotations: {big: '"
                + "x".repeat(256 * 1024) + "'}}}"));
        assertThat(causes).containsExactly(new Cause("FieldValueTooLong", "Too long: may not be more than 262144 bytes",
                "metadata.annotations"));
    }

    @Test
    void ownerReferencesNeedApiVersionKindNameAndUid() {
        assertThat(create("{ownerReferences: [{}]}")).containsExactly(
                "metadata.ownerReferences.apiVersion: Invalid value: \"\": version must not be empty",
                "metadata.ownerReferences.kind: Invalid value: \"\": must not be empty",
                "metadata.ownerReferences.name: Invalid value: \"\": must not be empty",
                "metadata.ownerReferences.uid: Invalid value: \"\": must not be empty");
        assertThat(create("{ownerReferences: [{apiVersion: 'v1', kind: 'A', name: 'a', uid: '1', controller: true},"
                + " {apiVersion: 'v1', kind: 'B', name: 'b', uid: '2', controller: true}]}")).singleElement().asString()
                .endsWith("Only one reference can have Controller set to true. Found \"true\" in references for A/a "
                        + "and B/b");
    }

    @Test
    void ownerReferenceApiVersionsParseAsGroupVersions() {
        // schema.ParseGroupVersion refuses more than one "/": no group and no version.
        assertThat(create("{ownerReferences: [{apiVersion: 'a/b/c', kind: 'A', name: 'a', uid: '1'}]}"))
                .containsExactly("metadata.ownerReferences.apiVersion: Invalid value: \"a/b/c\": version must not be "
                        + "empty");
        // "/v1" is the core group's v1, as "v1" is: an Event may own nothing either way.
        for (String apiVersion : List.of("v1", "/v1")) {
            assertThat(create("{ownerReferences: [{apiVersion: '" + apiVersion + "', kind: 'Event', name: 'e', "
                    + "uid: '1'}]}")).singleElement().asString()
                    .endsWith(": /v1, Kind=Event is disallowed from being an owner");
        }
        assertThat(create("{ownerReferences: [{apiVersion: 'events.k8s.io/v1', kind: 'Event', name: 'e', "
                + "uid: '1'}]}")).isEmpty();
    }

    @Test
    void finalizersAreQualifiedNames() {
        assertThat(create("{finalizers: ['example.com/ok', 'not ok']}")).hasSize(2).first().asString()
                .startsWith("metadata.finalizers: Invalid value: \"not ok\": name part must consist of");
        // Without a domain only Kubernetes' own: a finalizer nothing removes would hold the object for ever.
        assertThat(create("{finalizers: ['kubernetes', 'plainname']}")).containsExactly(
                "metadata.finalizers[1]: Invalid value: \"plainname\": name is neither a standard finalizer name nor "
                        + "is it fully qualified");
        assertThat(create("{finalizers: ['orphan', 'foregroundDeletion']}")).containsExactly(
                "metadata.finalizers: Invalid value: []string{\"orphan\", \"foregroundDeletion\"}: finalizer orphan "
                        + "and foregroundDeletion cannot be both set");
    }

    @Test
    void updatesAreCheckedAndMayNotAddFinalizersWhileDeleting() {
        ObjectNode old = Json.parse("{metadata: {deletionTimestamp: '2024-01-01T00:00:00Z', finalizers: ['a/b']}}");
        ObjectNode updated = Json.parse("{metadata: {deletionTimestamp: '2024-01-01T00:00:00Z',"
                + " finalizers: ['a/b', 'c/d'], labels: {x: '!'}}}");
        List<Cause> causes = strategy.validateUpdate(old, updated);
        assertThat(Json.printed(causes)).hasSize(2).contains("metadata.finalizers: Forbidden: no new finalizers can "
                + "be added if the object is being deleted, found new finalizers []string{\"c/d\"}");
        assertThat(causes).extracting(Cause::reason).containsExactly("FieldValueInvalid", "FieldValueForbidden");
    }

    @Test
    void everyRegisteredKindChecksMetadata() {
        for (ResourceType type : ResourceRegistry.builtin().all()) {
            assertThat(Strategies.forType(type).validateCreate(Json.parse("{metadata: {labels: {a: '!'}}}")))
                    .as(type.qualifiedName()).extracting(Cause::field).contains("metadata.labels");
        }
    }
}
