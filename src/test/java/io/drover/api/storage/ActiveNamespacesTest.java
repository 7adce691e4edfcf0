package io.drover.api.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.ApiException;
import io.drover.api.ClusterBootstrap;
import io.drover.api.resource.ResourceRegistry;
import io.drover.api.resource.ResourceType;
import io.drover.testing.TempSqliteStore;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Creates check their namespace against the watched namespaces first and the store second: a
 * namespace created a moment ago is usable at once, one being deleted or gone refuses content as
 * Kubernetes does (403, 404) once the watch has seen the change.
 */
class ActiveNamespacesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ResourceRegistry REGISTRY = ResourceRegistry.builtin();
    private static final ResourceType NAMESPACES = REGISTRY.find("", "v1", "namespaces").orElseThrow();
    private static final ResourceType CONFIGMAPS = REGISTRY.find("", "v1", "configmaps").orElseThrow();
    private static final Duration WATCH_LAG = Duration.ofSeconds(10);

    @RegisterExtension
    final TempSqliteStore temp = new TempSqliteStore("drover-active-namespaces");

    private ObjectStorage storage;
    private ActiveNamespaces namespaces;

    @BeforeEach
    void bootstrap() {
        storage = new ObjectStorage(temp.store(), JSON, Clock.systemUTC());
        ClusterBootstrap.run(storage, REGISTRY, JSON);
        namespaces = new ActiveNamespaces(temp.store(), new ObjectCodec(JSON));
    }

    private static ObjectNode named(String name) {
        ObjectNode object = JSON.createObjectNode();
        object.putObject("metadata").put("name", name);
        return object;
    }

    private ObjectNode createConfigMap(String namespace, String name) {
        return storage.create(CONFIGMAPS, namespace, named(name), false);
    }

    private static int status(Runnable call) {
        try {
            call.run();
            return 201;
        } catch (ApiException e) {
            return e.code();
        }
    }

    @Test
    void knowsTheNamespacesThatExistedBeforeItsFirstQuestion() {
        assertThat(namespaces.isActive("default")).isTrue();
        assertThat(namespaces.isActive("kube-system")).isTrue();
        assertThat(namespaces.isActive("nowhere")).isFalse();
    }

    @Test
    void followsANamespaceFromCreationToDeletion() {
        assertThat(namespaces.isActive("team")).isFalse();

        storage.create(NAMESPACES, null, named("team"), false);
        await().atMost(WATCH_LAG).until(() -> namespaces.isActive("team"));

        // The namespace's spec.finalizers hold it: the delete marks it as being deleted.
        storage.delete(NAMESPACES, null, "team", DeleteOptions.defaults());
        await().atMost(WATCH_LAG).until(() -> !namespaces.isActive("team"));
    }

    @Test
    void aNamespaceCreatedAMomentAgoTakesContentAtOnce() {
        assertThat(namespaces.isActive("fresh")).isFalse(); // the watch runs from here on
        storage.create(NAMESPACES, null, named("fresh"), false);

        // Whether or not the watch has delivered the namespace yet, the store has it.
        assertThat(createConfigMap("fresh", "a").path("metadata").path("namespace").asText()).isEqualTo("fresh");
    }

    @Test
    void aNamespaceBeingDeletedRefusesNewContent() throws Exception {
        storage.create(NAMESPACES, null, named("leaving"), false);
        createConfigMap("leaving", "before");
        storage.delete(NAMESPACES, null, "leaving", DeleteOptions.defaults());

        await().atMost(WATCH_LAG).until(() -> status(() -> createConfigMap("leaving", "after")) == 403);
        var expected = new ObjectMapper().readTree("""
                {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                 "message": "configmaps \\"after2\\" is forbidden: unable to create new content in namespace \
                leaving because it is being terminated",
                 "reason": "Forbidden",
                 "details": {"name": "after2", "kind": "configmaps", "causes": [
                   {"reason": "NamespaceTerminating", "message": "namespace leaving is being terminated",
                    "field": "metadata.namespace"}]},
                 "code": 403}""");
        assertThatThrownBy(() -> createConfigMap("leaving", "after2"))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.toStatus()).isEqualTo(expected));
    }

    @Test
    void aMissingNamespaceIsNotFound() {
        assertThatThrownBy(() -> createConfigMap("nowhere", "a"))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.code()).isEqualTo(404);
                    assertThat(e.getMessage()).isEqualTo("namespaces \"nowhere\" not found");
                    assertThat(e.toStatus().path("details").path("name").asText()).isEqualTo("nowhere");
                    assertThat(e.toStatus().path("details").path("kind").asText()).isEqualTo("namespaces");
                });
    }

    @Test
    void aClosedStoreMakesEveryNamespaceUnknownInsteadOfFailing() {
        temp.store().close();

        assertThat(namespaces.isActive("default")).isFalse();
    }
}
