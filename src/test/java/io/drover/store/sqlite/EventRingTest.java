package io.drover.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.drover.store.KeyValue;
import io.drover.store.WatchEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class EventRingTest {

    private static WatchEvent put(long revision, String key) {
        KeyValue kv = new KeyValue(key, "v".getBytes(StandardCharsets.UTF_8), revision, revision, 1);
        return new WatchEvent(WatchEvent.Type.PUT, revision, kv, null);
    }

    /** Starts a watcher waiting (up to 10 s) for a change under the prefix after revision 0; completes with the wait's length. */
    private static CompletableFuture<Long> waiting(EventRing ring, String prefix) {
        return CompletableFuture.supplyAsync(() -> {
            long start = System.nanoTime();
            try {
                ring.awaitBeyond(0, prefix, 10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        }, task -> Thread.ofPlatform().daemon().start(task));
    }

    @Test
    void aChangeWakesOnlyTheWatchersItIsUnder() throws Exception {
        EventRing ring = new EventRing(16, 1 << 20, 0);
        CompletableFuture<Long> pods = waiting(ring, "/registry/pods/");
        CompletableFuture<Long> configMaps = waiting(ring, "/registry/configmaps/");
        awaitWaiters(ring, 2);

        ring.append(List.of(put(1, "/registry/configmaps/default/a")));

        assertThat(configMaps.get(5, TimeUnit.SECONDS)).isLessThan(5_000);
        // The pods watcher keeps waiting: nothing under its prefix happened.
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> !pods.isDone());
        assertThat(ring.after(0, 10)).extracting(WatchEvent::key).containsExactly("/registry/configmaps/default/a");

        ring.append(List.of(put(2, "/registry/configmaps/default/b"), put(3, "/registry/pods/default/p")));
        assertThat(pods.get(5, TimeUnit.SECONDS)).isLessThan(5_000);
    }

    @Test
    void aWatcherBehindTheHeadDoesNotWait() throws Exception {
        EventRing ring = new EventRing(16, 1 << 20, 0);
        ring.append(List.of(put(1, "/registry/configmaps/default/a")));

        // Behind the head even though the change is not its own: it reads (and skips) it first.
        assertThat(waiting(ring, "/registry/pods/").get(5, TimeUnit.SECONDS)).isLessThan(5_000);
    }

    @Test
    void wakeAllAndCloseWakeEveryWatcher() throws Exception {
        EventRing ring = new EventRing(16, 1 << 20, 0);
        CompletableFuture<Long> first = waiting(ring, "/registry/pods/");
        awaitWaiters(ring, 1);
        ring.wakeAll();
        assertThat(first.get(5, TimeUnit.SECONDS)).isLessThan(5_000);

        CompletableFuture<Long> second = waiting(ring, "/registry/pods/");
        awaitWaiters(ring, 1);
        ring.close();
        assertThat(second.get(5, TimeUnit.SECONDS)).isLessThan(5_000);
        // Closed: no more waiting at all.
        assertThat(waiting(ring, "/registry/pods/").get(5, TimeUnit.SECONDS)).isLessThan(5_000);
    }

    private static void awaitWaiters(EventRing ring, int count) {
        await().atMost(Duration.ofSeconds(5)).until(() -> ring.waiting() == count);
    }
}
