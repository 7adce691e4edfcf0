package io.drover.api.storage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.ApiException;
import io.drover.api.ClusterBootstrap;
import io.drover.api.resource.ResourceRegistry;
import io.drover.api.resource.ResourceType;
import io.drover.testing.MutableClock;
import io.drover.testing.TempSqliteStore;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Events go an hour after their last write, as kube-apiserver's --event-ttl has them; nothing else goes. */
class EventExpiryTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ResourceRegistry REGISTRY = ResourceRegistry.builtin();
    private static final ResourceType EVENTS = REGISTRY.find("", "v1", "events").orElseThrow();
    private static final ResourceType CONFIGMAPS = REGISTRY.find("", "v1", "configmaps").orElseThrow();
    private static final Instant START = Instant.parse("2026-12-01T10:00:00Z");

    @RegisterExtension
    final TempSqliteStore temp = new TempSqliteStore("drover-event-expiry");

    private final MutableClock clock = new MutableClock(START);
    private ObjectStorage storage;
    private EventExpiry expiry;

    @BeforeEach
    void bootstrap() {
        storage = new ObjectStorage(temp.store(), JSON, clock);
        ClusterBootstrap.run(storage, REGISTRY, JSON);
        expiry = new EventExpiry(temp.store(), JSON, clock, EventExpiry.TTL);
    }

    private void createEvent(String name, Instant lastTimestamp) {
        ObjectNode event = JSON.createObjectNode();
        event.putObject("metadata").put("name", name);
        event.putObject("involvedObject").put("kind", "Pod").put("name", "p").put("namespace", "default");
        event.put("reason", "Started").put("message", "Started container c").put("type", "Normal")
                .put("lastTimestamp", lastTimestamp.toString()).put("firstTimestamp", START.toString())
                .put("count", 1);
        storage.create(EVENTS, "default", event, false);
    }

    private boolean exists(ResourceType type, String name) {
        try {
            storage.get(type, "default", name);
            return true;
        } catch (ApiException e) {
            return false;
        }
    }

    @Test
    void anEventGoesAnHourAfterItsLastWrite() {
        createEvent("once", START);
        createEvent("repeated", START);
        createEvent("future", START.plus(Duration.ofDays(3650)));
        ObjectNode configMap = JSON.createObjectNode();
        configMap.putObject("metadata").put("name", "kept");
        storage.create(CONFIGMAPS, "default", configMap, false);
        clock.advance(Duration.ofMinutes(50));
        // A recorder counting a repeat writes the Event again with a new lastTimestamp.
        storage.update(EVENTS, "default", "repeated", e -> e.put("count", 2).put("lastTimestamp",
                clock.instant().toString()), false, false);

        clock.advance(Duration.ofMinutes(9));
        assertThat(expiry.sweep()).isZero();

        clock.advance(Duration.ofMinutes(2));
        assertThat(expiry.sweep()).isEqualTo(2);
        assertThat(exists(EVENTS, "once")).isFalse();
        // A timestamp in the future is no write: it would keep the Event for good.
        assertThat(exists(EVENTS, "future")).isFalse();
        assertThat(exists(EVENTS, "repeated")).isTrue();
        assertThat(exists(CONFIGMAPS, "kept")).isTrue();

        clock.advance(Duration.ofMinutes(50));
        assertThat(expiry.sweep()).isEqualTo(1);
        assertThat(exists(EVENTS, "repeated")).isFalse();
    }

    @Test
    void manyEventsAreReadPageByPage() {
        for (int i = 0; i < 1_203; i++) {
            createEvent("e" + i, START);
        }
        clock.advance(Duration.ofMinutes(61));

        assertThat(expiry.sweep()).isEqualTo(1_203);
    }
}
