package io.drover.api.loopback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.http.AsyncBody;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The hand-over between the router's writer and fabric8's consumer: demand, order, end, cancel and back-pressure. */
class LoopbackBodyTest {
    private final List<String> consumed = new CopyOnWriteArrayList<>();
    private final AtomicInteger cancels = new AtomicInteger();

    private LoopbackBody body(AsyncBody.Consumer<List<ByteBuffer>> consumer) {
        return new LoopbackBody(consumer, cancels::incrementAndGet);
    }

    private void record(List<ByteBuffer> chunks) {
        chunks.forEach(c -> consumed.add(StandardCharsets.UTF_8.decode(c).toString()));
    }

    private static ByteBuffer chunk(String text) {
        return ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void deliversOneChunkPerDemandInOrderAndEndsAfterTheLast() throws Exception {
        LoopbackBody body = body((chunks, b) -> record(chunks));
        body.offer(chunk("a"));
        body.offer(chunk("b"));
        body.end();
        assertThat(consumed).isEmpty();

        body.consume();
        assertThat(consumed).containsExactly("a");
        assertThat(body.done()).isNotDone();

        body.consume();
        assertThat(consumed).containsExactly("a", "b");
        assertThat(body.done()).isCompleted();
    }

    @Test
    void aConsumerThatAsksForMoreFromInsideItsCallGetsItAfterReturning() throws Exception {
        AtomicInteger depth = new AtomicInteger();
        AtomicInteger deepest = new AtomicInteger();
        LoopbackBody body = body((chunks, b) -> {
            deepest.accumulateAndGet(depth.incrementAndGet(), Math::max);
            record(chunks);
            b.consume();
            depth.decrementAndGet();
        });
        for (String s : List.of("1", "2", "3")) {
            body.offer(chunk(s));
        }
        body.end();

        body.consume();

        assertThat(consumed).containsExactly("1", "2", "3");
        assertThat(deepest).hasValue(1);
        assertThat(body.done()).isCompleted();
    }

    @Test
    void aFailureReachesTheConsumerAfterTheChunksBeforeIt() throws Exception {
        LoopbackBody body = body((chunks, b) -> {
            record(chunks);
            b.consume();
        });
        body.offer(chunk("partial"));
        body.fail(new IOException("broken off"));

        body.consume();

        assertThat(consumed).containsExactly("partial");
        assertThat(body.done()).isCompletedExceptionally();
    }

    @Test
    void cancellingRefusesFurtherWritesAndTellsTheWriterSide() throws Exception {
        LoopbackBody body = body((chunks, b) -> record(chunks));
        body.offer(chunk("unread"));

        body.cancel();

        assertThat(cancels).hasValue(1);
        assertThat(body.done()).isCancelled();
        assertThatThrownBy(() -> body.offer(chunk("late"))).isInstanceOf(IOException.class);
        body.consume();
        assertThat(consumed).isEmpty();
    }

    @Test
    void aConsumerThatThrowsFailsTheBodyAndStopsTheWriter() throws Exception {
        LoopbackBody body = body((chunks, b) -> {
            throw new IllegalStateException("cannot decode");
        });
        body.offer(chunk("bad"));

        body.consume();

        assertThat(body.done()).isCompletedExceptionally();
        assertThat(cancels).hasValue(1);
        assertThatThrownBy(() -> body.offer(chunk("next"))).isInstanceOf(IOException.class);
    }

    @Test
    void theWriterWaitsWhileTheQueueIsFullUntilTheConsumerReads() throws Exception {
        LoopbackBody body = body((chunks, b) -> record(chunks));
        for (int i = 0; i < LoopbackBody.MAX_QUEUED; i++) {
            body.offer(chunk("q" + i));
        }
        Thread writer = Thread.ofVirtual().start(() -> {
            try {
                body.offer(chunk("over"));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2)).until(writer::isAlive);

        body.consume();

        writer.join(Duration.ofSeconds(10));
        assertThat(writer.isAlive()).isFalse();
        assertThat(consumed).containsExactly("q0");
    }
}
