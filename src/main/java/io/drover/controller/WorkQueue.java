package io.drover.controller;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * client-go's work queue: a key waits at most once (the dirty set), is never handed to two
 * workers at once (the processing set), and a key added while it is processed is handed out again
 * when that processing ends. Failed keys come back after a per-key exponential back-off.
 */
final class WorkQueue implements AutoCloseable {
    private static final Duration BASE_DELAY = Duration.ofMillis(10);
    private static final Duration MAX_DELAY = Duration.ofSeconds(60);

    private final LinkedHashSet<String> queue = new LinkedHashSet<>();
    private final Set<String> processing = new java.util.HashSet<>();
    private final Set<String> dirtyWhileProcessing = new java.util.HashSet<>();
    private final Map<String, Integer> failures = new HashMap<>();
    private final ScheduledExecutorService timer;
    private boolean closed;

    WorkQueue(String name) {
        this.timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon()
                .name(name + "-requeue").factory());
    }

    synchronized void add(String key) {
        if (closed) {
            return;
        }
        if (processing.contains(key)) {
            dirtyWhileProcessing.add(key);
            return;
        }
        if (queue.add(key)) {
            notifyAll();
        }
    }

    void addAfter(String key, Duration delay) {
        if (delay.isZero() || delay.isNegative()) {
            add(key);
            return;
        }
        synchronized (this) {
            if (closed) {
                return;
            }
        }
        timer.schedule(() -> add(key), delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Requeues a key that failed, later each time it fails again. */
    void addRateLimited(String key) {
        int n;
        synchronized (this) {
            n = failures.merge(key, 1, Integer::sum);
        }
        long millis = Math.min(MAX_DELAY.toMillis(), BASE_DELAY.toMillis() << Math.min(n - 1, 20));
        addAfter(key, Duration.ofMillis(millis));
    }

    /** The key succeeded: its back-off starts over. */
    synchronized void forget(String key) {
        failures.remove(key);
    }

    /** The next key, waiting for one; null once the queue is closed. */
    synchronized String take() throws InterruptedException {
        while (queue.isEmpty() && !closed) {
            wait();
        }
        if (closed) {
            return null;
        }
        String key = queue.iterator().next();
        queue.remove(key);
        processing.add(key);
        return key;
    }

    /** Processing of {@code key} ended; if it changed meanwhile it is queued again. */
    synchronized void done(String key) {
        processing.remove(key);
        if (dirtyWhileProcessing.remove(key) && queue.add(key)) {
            notifyAll();
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        timer.shutdownNow();
        notifyAll();
    }
}
