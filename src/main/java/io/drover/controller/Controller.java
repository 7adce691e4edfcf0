package io.drover.controller;

import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A named reconcile loop: a work queue fed by informer events and workers that run the reconciler
 * on each key. The style of kubernetes/sample-controller, with virtual threads as workers.
 */
public final class Controller implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Controller.class);

    private final String name;
    private final Reconciler reconciler;
    private final WorkQueue queue;
    private final List<Thread> workers = new ArrayList<>();
    private final int maxWorkers;

    public Controller(String name, Reconciler reconciler) {
        this(name, reconciler, Integer.MAX_VALUE);
    }

    /** @param maxWorkers at most this many workers, whatever {@link #start} asks for: 1 keeps the queue's order */
    public Controller(String name, Reconciler reconciler, int maxWorkers) {
        this.name = name;
        this.reconciler = reconciler;
        this.queue = new WorkQueue(name);
        this.maxWorkers = maxWorkers;
    }

    /** Asks for the key to be reconciled. */
    public void enqueue(String key) {
        queue.add(key);
    }

    /** Asks for the key to be reconciled once {@code delay} has passed (client-go's AddAfter). */
    public void enqueueAfter(String key, java.time.Duration delay) {
        queue.addAfter(key, delay);
    }

    /** Asks for the key again after a failure done outside a reconcile, with the queue's back-off. */
    public void enqueueRateLimited(String key) {
        queue.addRateLimited(key);
    }

    public void start(int workerCount) {
        for (int i = 0; i < Math.min(workerCount, maxWorkers); i++) {
            workers.add(Thread.ofVirtual().name(name + "-worker-" + i).start(this::work));
        }
    }

    private void work() {
        while (true) {
            String key;
            try {
                key = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            if (key == null) {
                return;
            }
            try {
                Result result = reconciler.reconcile(key);
                queue.forget(key);
                if (result instanceof Result.RequeueAfter r) {
                    queue.addAfter(key, r.delay());
                }
            } catch (Exception e) {
                log.debug("{}: reconcile of {} failed, will retry: {}", name, key, e.toString());
                queue.addRateLimited(key);
            } finally {
                queue.done(key);
            }
        }
    }

    @Override
    public void close() {
        queue.close();
        workers.forEach(Thread::interrupt);
    }
}
