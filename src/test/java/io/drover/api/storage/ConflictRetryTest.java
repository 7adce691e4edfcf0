package io.drover.api.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.ApiException;
import io.drover.api.ClusterBootstrap;
import io.drover.api.resource.ResourceRegistry;
import io.drover.api.resource.ResourceType;
import io.drover.testing.TempSqliteStore;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A write that names no resourceVersion is tried again on the newest object however often another
 * writer gets in first, as GuaranteedUpdate does; one that names a resourceVersion is a 409 at once.
 */
class ConflictRetryTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ResourceRegistry REGISTRY = ResourceRegistry.builtin();
    private static final ResourceType CONFIGMAPS = REGISTRY.find("", "v1", "configmaps").orElseThrow();
    private static final int RACES_LOST = 20;

    @RegisterExtension
    final TempSqliteStore temp = new TempSqliteStore("drover-conflict-retry");

    private ObjectStorage storage;

    @BeforeEach
    void bootstrap() {
        storage = new ObjectStorage(temp.store(), JSON, Clock.systemUTC());
        ClusterBootstrap.run(storage, REGISTRY, JSON);
        ObjectNode cm = JSON.createObjectNode();
        cm.putObject("metadata").put("name", "contended");
        storage.create(CONFIGMAPS, "default", cm, false);
    }

    @Test
    void anUnconditionalWriteOutlastsEveryRaceItLoses() {
        AtomicInteger attempts = new AtomicInteger();

        ObjectNode written = storage.update(CONFIGMAPS, "default", "contended", o -> {
            int attempt = attempts.incrementAndGet();
            if (attempt <= RACES_LOST) {
                writeBehindItsBack("other-" + attempt);
            }
            o.withObject("metadata").remove("resourceVersion"); // as a patch that names none
            o.withObject("data").put("mine", "1");
            return o;
        }, false, false);

        assertThat(attempts).hasValue(RACES_LOST + 1);
        assertThat(written.path("data").size()).isEqualTo(RACES_LOST + 1);
        assertThat(storage.get(CONFIGMAPS, "default", "contended").path("data").path("mine").asText()).isEqualTo("1");
    }

    @Test
    void aWriteThatNamesAResourceVersionIsAConflictAtOnce() {
        String version = storage.get(CONFIGMAPS, "default", "contended").path("metadata").path("resourceVersion").asText();
        AtomicInteger attempts = new AtomicInteger();

        assertThatThrownBy(() -> storage.update(CONFIGMAPS, "default", "contended", o -> {
            attempts.incrementAndGet();
            writeBehindItsBack("other");
            o.withObject("metadata").put("resourceVersion", version);
            o.withObject("data").put("mine", "1");
            return o;
        }, false, false)).isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(409));
        assertThat(attempts).hasValue(1);
    }

    private void writeBehindItsBack(String key) {
        storage.update(CONFIGMAPS, "default", "contended", o -> {
            o.withObject("metadata").remove("resourceVersion");
            o.withObject("data").put(key, "x");
            return o;
        }, false, false);
    }
}
