package io.drover.api.storage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.ClusterBootstrap;
import io.drover.api.resource.ResourceRegistry;
import io.drover.api.resource.ResourceType;
import io.drover.testing.TempSqliteStore;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What a create, an update and a delete that only marks the object answer is the object as the
 * store holds it (the same JSON a GET returns next), with the write's resourceVersion; the stored
 * bytes hold none.
 */
class WrittenObjectTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ResourceRegistry REGISTRY = ResourceRegistry.builtin();
    private static final ResourceType CONFIGMAPS = REGISTRY.find("", "v1", "configmaps").orElseThrow();

    @RegisterExtension
    final TempSqliteStore temp = new TempSqliteStore("drover-written");

    private ObjectStorage storage;

    @BeforeEach
    void bootstrap() {
        storage = new ObjectStorage(temp.store(), JSON, Clock.systemUTC());
        ClusterBootstrap.run(storage, REGISTRY, JSON);
    }

    private void assertIsWhatIsStored(ObjectNode answer, String name) {
        ObjectNode read = storage.get(CONFIGMAPS, "default", name);
        assertThat(answer.toString()).isEqualTo(read.toString());
        String stored = new String(temp.store().get(CONFIGMAPS.storageKey("default", name)).orElseThrow().value(),
                StandardCharsets.UTF_8);
        assertThat(stored).doesNotContain("resourceVersion");
    }

    @Test
    void aCreateAnswersTheStoredObject() {
        ObjectNode cm = JSON.createObjectNode();
        cm.putObject("metadata").put("name", "a").put("resourceVersion", "12345");
        cm.putObject("data").put("k", "v");

        ObjectNode created = storage.create(CONFIGMAPS, "default", cm, false);

        assertThat(created.path("metadata").path("resourceVersion").asText()).isNotEqualTo("12345");
        assertIsWhatIsStored(created, "a");
    }

    @Test
    void anUpdateAndAMarkingDeleteAnswerTheStoredObject() {
        ObjectNode cm = JSON.createObjectNode();
        cm.putObject("metadata").put("name", "b").putArray("finalizers").add("example.com/hold");
        String createdVersion = storage.create(CONFIGMAPS, "default", cm, false)
                .path("metadata").path("resourceVersion").asText();

        ObjectNode updated = storage.update(CONFIGMAPS, "default", "b", o -> {
            o.withObject("data").put("k", "changed");
            return o;
        }, false, false);
        assertThat(updated.path("metadata").path("resourceVersion").asText()).isNotEqualTo(createdVersion);
        assertIsWhatIsStored(updated, "b");

        ObjectNode marked = storage.delete(CONFIGMAPS, "default", "b", DeleteOptions.defaults()).object();
        assertThat(marked.path("metadata").has("deletionTimestamp")).isTrue();
        assertIsWhatIsStored(marked, "b");
    }
}
