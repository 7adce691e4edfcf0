package io.drover.api.storage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.drover.store.CompactedException;
import io.drover.store.StoreUnavailableException;
import io.drover.testing.TempSqliteStore;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** How a watch tells its client that the store ended it: the Status of its last, ERROR event. */
class StoreObjectWatchEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    final TempSqliteStore temp = new TempSqliteStore("drover-watch-end");

    private StoreObjectWatch watch() {
        return StoreObjectWatch.start(temp.store(), new ObjectCodec(JSON), "/registry/configmaps/",
                temp.store().currentRevision(), ListOptions.everything(), null, false);
    }

    @Test
    void aStoreThatWentAwayIsServiceUnavailableAsEveryOtherRequestAnswersThen() throws Exception {
        try (StoreObjectWatch watch = watch()) {
            watch.onClose(new StoreUnavailableException("etcd ended the watch on /registry/configmaps/"));

            List<ObjectWatch.Event> events = watch.next(1000);

            assertThat(events).singleElement().satisfies(e -> {
                assertThat(e.type()).isEqualTo(ObjectWatch.Event.ERROR);
                assertThat(e.object().path("code").asInt()).isEqualTo(503);
                assertThat(e.object().path("reason").asText()).isEqualTo("ServiceUnavailable");
                assertThat(e.object().path("message").asText())
                        .isEqualTo("the datastore is unavailable: etcd ended the watch on /registry/configmaps/");
            });
            assertThat(watch.next(1000)).isNull();
        }
    }

    @Test
    void aCompactedRevisionIsGone() throws Exception {
        try (StoreObjectWatch watch = watch()) {
            watch.onClose(new CompactedException(3, 9));

            assertThat(watch.next(1000)).singleElement().satisfies(e -> {
                assertThat(e.object().path("code").asInt()).isEqualTo(410);
                assertThat(e.object().path("message").asText()).isEqualTo("too old resource version: 3 (9)");
            });
        }
    }
}
