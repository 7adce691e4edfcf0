package io.drover.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class MappersTest {
    @Test
    void buffersAreReusedAcrossVirtualThreads() throws Exception {
        ObjectMapper json = Mappers.json();
        ObjectMapper yaml = Mappers.yaml();
        var pool = json.getFactory()._getRecyclerPool();
        assertThat(yaml.getFactory()._getRecyclerPool()).isSameAs(pool);

        // One task at a time, each on a new virtual thread, as the API server runs requests: the
        // pool ends with the recycler they all used (a per-thread pool counts none; anything else
        // in this JVM using the pool at the same time may have added a few).
        AtomicReference<Throwable> failure = new AtomicReference<>();
        for (int i = 0; i < 50; i++) {
            int n = i;
            Thread t = Thread.ofVirtual().start(() -> {
                try {
                    byte[] bytes = json.writeValueAsBytes(Map.of("n", n));
                    assertThat(json.readTree(bytes).path("n").asInt()).isEqualTo(n);
                    assertThat(yaml.readTree(yaml.writeValueAsString(Map.of("n", n))).path("n").asInt()).isEqualTo(n);
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            });
            t.join();
        }
        assertThat(failure.get()).as("a task's failure").isNull();
        assertThat(pool.pooledCount()).isBetween(1, 10);
    }
}
