package io.drover.store;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/** A watch listener that keeps what it was told, for assertions. */
final class RecordingListener implements WatchListener {
    final List<WatchEvent> events = new CopyOnWriteArrayList<>();
    final AtomicReference<StoreException> closeCause = new AtomicReference<>();
    final CountDownLatch closed = new CountDownLatch(1);
    /** The newest progress the store told. */
    final AtomicLong progress = new AtomicLong();
    private final AtomicBoolean overlapping = new AtomicBoolean();
    private final AtomicBoolean inCall = new AtomicBoolean();
    private volatile boolean callAfterClose;

    @Override
    public void onEvents(List<WatchEvent> batch) {
        enter();
        try {
            if (batch.isEmpty()) {
                throw new AssertionError("empty batch");
            }
            if (closed.getCount() == 0) {
                callAfterClose = true;
            }
            events.addAll(batch);
        } finally {
            inCall.set(false);
        }
    }

    @Override
    public void onProgress(long revision) {
        enter();
        try {
            if (closed.getCount() == 0) {
                callAfterClose = true;
            }
            progress.accumulateAndGet(revision, Math::max);
        } finally {
            inCall.set(false);
        }
    }

    @Override
    public void onClose(StoreException cause) {
        enter();
        try {
            if (closed.getCount() == 0) {
                callAfterClose = true;
            }
            closeCause.set(cause);
            closed.countDown();
        } finally {
            inCall.set(false);
        }
    }

    private void enter() {
        if (!inCall.compareAndSet(false, true)) {
            overlapping.set(true);
        }
    }

    boolean isClosed() {
        return closed.getCount() == 0;
    }

    List<Long> revisions() {
        return events.stream().map(WatchEvent::revision).toList();
    }

    /** Calls overlapped, or came after onClose: both break the listener contract. */
    boolean brokeContract() {
        return overlapping.get() || callAfterClose;
    }
}
