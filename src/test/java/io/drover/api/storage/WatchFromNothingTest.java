package io.drover.api.storage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.ClusterBootstrap;
import io.drover.api.resource.ResourceRegistry;
import io.drover.api.resource.ResourceType;
import io.drover.testing.TempSqliteStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A watch from resourceVersion "" sends the objects that exist as ADDED events, read page by page
 * as the client takes them, then the changes made since it started.
 */
class WatchFromNothingTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ResourceRegistry REGISTRY = ResourceRegistry.builtin();
    private static final ResourceType CONFIGMAPS = REGISTRY.find("", "v1", "configmaps").orElseThrow();
    /** More than the first two pages of the list behind the watch, and several batches of events. */
    private static final int EXISTING = 700;

    @RegisterExtension
    final TempSqliteStore temp = new TempSqliteStore("drover-watch-from-nothing");

    private ObjectStorage storage;

    @BeforeEach
    void createExisting() {
        storage = new ObjectStorage(temp.store(), JSON, Clock.systemUTC());
        ClusterBootstrap.run(storage, REGISTRY, JSON);
        for (int i = 0; i < EXISTING; i++) {
            create("cm-%04d".formatted(i));
        }
    }

    private void create(String name) {
        ObjectNode cm = JSON.createObjectNode();
        cm.putObject("metadata").put("name", name);
        storage.create(CONFIGMAPS, "default", cm, false);
    }

    /** Takes events until {@code count} arrived or the watch ended (bounded by the store watch's pace). */
    private static List<ObjectWatch.Event> take(ObjectWatch watch, int count) throws InterruptedException {
        List<ObjectWatch.Event> events = new ArrayList<>();
        for (int polls = 0; events.size() < count && polls < 100; polls++) {
            List<ObjectWatch.Event> batch = watch.next(100);
            if (batch == null) {
                break;
            }
            events.addAll(batch);
        }
        return events;
    }

    private static String name(ObjectWatch.Event event) {
        return event.object().at("/metadata/name").asText();
    }

    @Test
    void existingObjectsComeFirstThenTheChangesSinceTheWatchStarted() throws Exception {
        try (ObjectWatch watch = storage.watch(CONFIGMAPS, "default", ListOptions.everything(), null)) {
            create("zz-after-the-start");

            List<ObjectWatch.Event> events = take(watch, EXISTING + 1);

            assertThat(events).hasSize(EXISTING + 1).allMatch(e -> e.type().equals(ObjectWatch.Event.ADDED));
            assertThat(events.subList(0, EXISTING)).extracting(WatchFromNothingTest::name).isSorted()
                    .doesNotHaveDuplicates().doesNotContain("zz-after-the-start");
            assertThat(name(events.get(EXISTING))).isEqualTo("zz-after-the-start");
        }
    }

    @Test
    void existingObjectsCompactedAwayBeforeTheyAreSentEndTheWatchWithGone() throws Exception {
        try (ObjectWatch watch = storage.watch(CONFIGMAPS, "default", ListOptions.everything(), null)) {
            List<ObjectWatch.Event> first = watch.next(100);
            create("zz-after-the-start");
            temp.store().compact(temp.store().currentRevision());

            List<ObjectWatch.Event> rest = take(watch, EXISTING + 1);

            assertThat(first).isNotEmpty().allMatch(e -> e.type().equals(ObjectWatch.Event.ADDED));
            ObjectWatch.Event last = rest.get(rest.size() - 1);
            assertThat(last.type()).isEqualTo(ObjectWatch.Event.ERROR);
            assertThat(last.object().path("code").asInt()).isEqualTo(410);
            assertThat(watch.next(100)).isNull();
        }
    }
}
