package io.drover.api.loopback;

import io.fabric8.kubernetes.client.http.AsyncBody;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A response body between the router's thread, which offers chunks, and the client's consumer,
 * which asks for them one at a time ({@link #consume()}), as fabric8's other transports deliver
 * what the socket read. The consumer runs on whichever thread finds a chunk and demand together,
 * one call at a time; a consumer that asks for more from inside its call gets it after returning.
 * The router's thread waits while {@link #MAX_QUEUED} chunks are undelivered, as a socket's writer
 * waits for a slow reader.
 */
final class LoopbackBody implements AsyncBody {
    static final int MAX_QUEUED = 64;

    private final AsyncBody.Consumer<List<ByteBuffer>> consumer;
    private final Runnable onCancel;
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition drained = lock.newCondition();
    private final ArrayDeque<ByteBuffer> chunks = new ArrayDeque<>();
    private long demand;
    private boolean delivering;
    private boolean ended;
    private Throwable failure;

    /** {@code onCancel} runs once when the client cancels, so the router's side can stop writing. */
    LoopbackBody(AsyncBody.Consumer<List<ByteBuffer>> consumer, Runnable onCancel) {
        this.consumer = consumer;
        this.onCancel = onCancel;
    }

    /**
     * Queues a chunk for the consumer, waiting while the queue is full.
     *
     * @throws IOException once the client has cancelled, as a write to a closed connection fails
     */
    void offer(ByteBuffer chunk) throws IOException {
        lock.lock();
        try {
            while (chunks.size() >= MAX_QUEUED && !done.isDone()) {
                drained.await();
            }
            if (done.isDone() || ended) {
                throw new IOException("the API client closed the response");
            }
            chunks.add(chunk);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while the API client was not reading");
        } finally {
            lock.unlock();
        }
        deliver();
    }

    /** No more chunks: the consumer's done() completes once it has them all. */
    void end() {
        finish(null);
    }

    /** The response broke off: done() fails once the chunks before it are delivered. */
    void fail(Throwable error) {
        finish(error);
    }

    private void finish(Throwable error) {
        lock.lock();
        try {
            if (ended) {
                return;
            }
            ended = true;
            failure = error;
        } finally {
            lock.unlock();
        }
        deliver();
    }

    @Override
    public void consume() {
        lock.lock();
        try {
            demand++;
        } finally {
            lock.unlock();
        }
        deliver();
    }

    @Override
    public CompletableFuture<Void> done() {
        return done;
    }

    @Override
    public void cancel() {
        lock.lock();
        try {
            if (done.isDone()) {
                return;
            }
            done.cancel(false);
            chunks.clear();
            drained.signalAll();
        } finally {
            lock.unlock();
        }
        onCancel.run();
    }

    /** Hands chunks to the consumer while there are chunks and demand, unless another thread already is. */
    private void deliver() {
        while (true) {
            ByteBuffer next;
            lock.lock();
            try {
                if (delivering || done.isDone()) {
                    return;
                }
                if (chunks.isEmpty()) {
                    if (!ended) {
                        return;
                    }
                    next = null;
                } else if (demand == 0) {
                    return;
                } else {
                    demand--;
                    next = chunks.poll();
                    delivering = true;
                    drained.signalAll();
                }
            } finally {
                lock.unlock();
            }
            if (next == null) {
                // Ended and all delivered; completed outside the lock, since it runs the client's callbacks.
                if (failure == null) {
                    done.complete(null);
                } else {
                    done.completeExceptionally(failure);
                }
                return;
            }
            if (!consumeOne(next)) {
                return;
            }
        }
    }

    /** One call of the consumer; a consumer that throws fails the body and ends the router's side. */
    private boolean consumeOne(ByteBuffer chunk) {
        boolean consumed = false;
        try {
            consumer.consume(List.of(chunk), this);
            consumed = true;
        } catch (Exception e) {
            done.completeExceptionally(e);
        } finally {
            lock.lock();
            try {
                delivering = false;
                if (!consumed) {
                    chunks.clear();
                    drained.signalAll();
                }
            } finally {
                lock.unlock();
            }
        }
        if (!consumed) {
            onCancel.run();
        }
        return consumed;
    }
}
