package io.drover.store.etcd;

import io.drover.store.CompactedException;
import io.drover.store.KeyValue;
import io.drover.store.StoreException;
import io.drover.store.StoreUnavailableException;
import io.drover.store.Watch;
import io.drover.store.WatchEvent;
import io.drover.store.WatchListener;
import io.etcd.jetcd.watch.WatchResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One store watch on top of one jetcd watcher.
 *
 * <p>jetcd calls back on its gRPC event loop. The listener is not called there: a listener that
 * reads the store from its callback would block the very thread that must deliver the answer. So
 * callbacks only queue signals, and a virtual thread owned by this watch hands them to the listener
 * one at a time, which also keeps the calls from overlapping. The end signal is always the last
 * thing the thread delivers; once the watch is ending, queued batches are dropped.
 *
 * <p>The etcd watch starts at {@code afterRevision} itself, not the revision after it, and the
 * events of that revision are dropped. This makes etcd's own compaction check (it refuses a start
 * revision below the compacted revision) match the store contract exactly: a watch fails when
 * {@code afterRevision} is older than the compacted revision.
 *
 * <p>Any error jetcd reports ends the watch, even one jetcd would retry: the owner re-watches from
 * the last revision it saw, which is the same recovery it needs for compaction.
 */
final class EtcdWatch implements Watch, io.etcd.jetcd.Watch.Listener {
    private static final Logger log = LoggerFactory.getLogger(EtcdWatch.class);

    private sealed interface Signal {}

    private record Batch(List<WatchEvent> events) implements Signal {}

    private record End(StoreException cause) implements Signal {}

    /** An etcd progress notification: every change up to {@code revision} has been sent. */
    private record Progress(long revision) implements Signal {}

    private final String prefix;
    private final long afterRevision;
    private final WatchListener listener;
    private final Consumer<EtcdWatch> onEnded;
    private final BlockingQueue<Signal> signals = new LinkedBlockingQueue<>();
    private final AtomicBoolean ending = new AtomicBoolean();
    private volatile io.etcd.jetcd.Watch.Watcher watcher;
    private Thread dispatcher;

    EtcdWatch(String prefix, long afterRevision, WatchListener listener, Consumer<EtcdWatch> onEnded) {
        this.prefix = prefix;
        this.afterRevision = afterRevision;
        this.listener = listener;
        this.onEnded = onEnded;
    }

    /** The revision to hand etcd as the watch's start revision. */
    long startRevision() {
        // etcd reads start revision 0 as "from now", so a watch after revision 0 starts at 1.
        return Math.max(afterRevision, 1);
    }

    /** Starts delivery; {@code watch} opens the jetcd watcher with this object as its listener. */
    void start(java.util.function.Function<EtcdWatch, io.etcd.jetcd.Watch.Watcher> watch) {
        dispatcher = Thread.ofVirtual().name("etcd-watch " + prefix).start(this::dispatch);
        try {
            watcher = watch.apply(this);
        } catch (RuntimeException e) {
            end(new StoreUnavailableException("could not start etcd watch on " + prefix + ": " + e.getMessage(), e));
            return;
        }
        if (ending.get()) {
            // Ended before the watcher existed: make sure it does not outlive the watch.
            watcher.close();
        }
    }

    /** etcd answers with a progress notification once every event before it has been sent (RequestProgress). */
    @Override
    public void requestProgress() {
        io.etcd.jetcd.Watch.Watcher w = watcher;
        if (w != null && !ending.get()) {
            w.requestProgress();
        }
    }

    @Override
    public void close() {
        end(null);
    }

    /** Waits, boundedly, until the listener has been told the watch ended. */
    void awaitEnded(long millis) throws InterruptedException {
        Thread t = dispatcher;
        if (t != null) {
            t.join(millis);
        }
    }

    // --- jetcd callbacks, on its event loop ------------------------------------------------------

    @Override
    public void onNext(WatchResponse response) {
        if (ending.get()) {
            return;
        }
        if (response.isProgressNotify()) {
            signals.add(new Progress(response.getHeader().getRevision()));
            return;
        }
        List<WatchEvent> batch = new ArrayList<>(response.getEvents().size());
        for (io.etcd.jetcd.watch.WatchEvent e : response.getEvents()) {
            WatchEvent event = toEvent(e);
            if (event != null && event.revision() > afterRevision) {
                batch.add(event);
            }
        }
        if (!batch.isEmpty()) {
            signals.add(new Batch(List.copyOf(batch)));
        }
    }

    @Override
    public void onError(Throwable error) {
        Throwable cause = EtcdErrors.unwrap(error);
        if (cause instanceof io.etcd.jetcd.common.exception.CompactedException compacted) {
            end(new CompactedException(afterRevision, compacted.getCompactedRevision()));
        } else {
            end(new StoreUnavailableException("etcd watch on " + prefix + " failed: " + cause.getMessage(), cause));
        }
    }

    @Override
    public void onCompleted() {
        // Also called by jetcd when this watch closes its watcher; then the watch is already ending.
        end(new StoreUnavailableException("etcd ended the watch on " + prefix));
    }

    // ---------------------------------------------------------------------------------------------

    private void end(StoreException cause) {
        if (!ending.compareAndSet(false, true)) {
            return;
        }
        signals.add(new End(cause));
        io.etcd.jetcd.Watch.Watcher w = watcher;
        if (w != null) {
            w.close();
        }
    }

    private void dispatch() {
        try {
            while (true) {
                Signal signal = signals.take();
                if (signal instanceof Batch batch) {
                    if (!ending.get()) {
                        deliver(batch.events());
                    }
                } else if (signal instanceof Progress progress) {
                    if (!ending.get() && progress.revision() > afterRevision) {
                        listener.onProgress(progress.revision());
                    }
                } else if (signal instanceof End end) {
                    listener.onClose(end.cause());
                    return;
                }
            }
        } catch (InterruptedException e) {
            // Only the store interrupts, when it closes; the listener still hears the end.
            listener.onClose(null);
        } catch (RuntimeException e) {
            log.warn("watch listener on {} failed in onClose", prefix, e);
        } finally {
            onEnded.accept(this);
        }
    }

    private void deliver(List<WatchEvent> events) {
        try {
            listener.onEvents(events);
        } catch (RuntimeException e) {
            log.warn("watch listener on {} failed; events up to revision {} may be lost to it", prefix,
                    events.get(events.size() - 1).revision(), e);
        }
    }

    private static WatchEvent toEvent(io.etcd.jetcd.watch.WatchEvent e) {
        KeyValue previous = e.getPrevKV() == null || e.getPrevKV().getModRevision() == 0
                ? null
                : EtcdCodec.keyValue(e.getPrevKV());
        KeyValue kv = EtcdCodec.keyValue(e.getKeyValue());
        return switch (e.getEventType()) {
            case PUT -> new WatchEvent(WatchEvent.Type.PUT, kv.modRevision(), kv, previous);
            case DELETE -> {
                // etcd's delete event carries only the key; the contract wants the deleted value.
                KeyValue deleted = previous == null
                        ? kv
                        : new KeyValue(kv.key(), previous.value(), previous.createRevision(), kv.modRevision(),
                                previous.version());
                yield new WatchEvent(WatchEvent.Type.DELETE, kv.modRevision(), deleted, previous);
            }
            case UNRECOGNIZED -> null;
        };
    }
}
