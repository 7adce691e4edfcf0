package io.drover.store.sqlite;

import io.drover.store.WatchEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The most recent committed changes, kept in memory so that watchers near the head read them
 * without touching the database. Revisions are contiguous (every revision is one change), so a
 * change's slot is its revision modulo the capacity. The ring holds at most {@code capacity}
 * changes and about {@code maxBytes} of values; older changes are read from the database.
 *
 * <p>Watchers wait on the ring for a change under their prefix; the writer appends after each
 * commit and wakes only the watchers whose prefix one of the new keys is under. Waking every
 * watcher on every commit cost more server CPU than the write itself once a few dozen watches
 * were open (the garbage collector alone watches every resource): each woke, took the lock, and
 * found nothing of its own. A watcher that was not woken catches up on the changes it skipped at
 * its next wake-up, at the latest after its wait times out.
 */
final class EventRing {

    private final WatchEvent[] slots;
    private final long maxBytes;
    private final ReentrantLock lock = new ReentrantLock();
    /** The watchers waiting now, each with its own condition; guarded by {@link #lock}. */
    private final List<Waiter> waiters = new ArrayList<>();

    /** The oldest revision held, when head >= first. */
    private long first;
    /** The newest committed revision. */
    private long head;
    private long bytes;
    private boolean closed;

    EventRing(int capacity, long maxBytes, long committedRevision) {
        this.slots = new WatchEvent[capacity];
        this.maxBytes = maxBytes;
        this.head = committedRevision;
        this.first = committedRevision + 1;
    }

    /** Appends committed changes; their revisions must follow the head without gap. */
    void append(List<WatchEvent> events) {
        lock.lock();
        try {
            for (WatchEvent e : events) {
                if (e.revision() != head + 1) {
                    throw new IllegalStateException("revision " + e.revision() + " does not follow " + head);
                }
                if (head - first + 1 == slots.length) {
                    evictOldest();
                }
                slots[slot(e.revision())] = e;
                bytes += size(e);
                head = e.revision();
            }
            while (bytes > maxBytes && first < head) {
                evictOldest();
            }
            for (Waiter waiter : waiters) {
                if (!waiter.woken && anyUnder(events, waiter.prefix)) {
                    waiter.wake();
                }
            }
        } finally {
            lock.unlock();
        }
    }

    long head() {
        lock.lock();
        try {
            return head;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The changes after {@code position}, at most {@code max}, or null when some of them already
     * left the ring (read them from the database then). Empty when there is nothing newer.
     */
    List<WatchEvent> after(long position, int max) {
        lock.lock();
        try {
            if (position + 1 < first && position < head) {
                return null;
            }
            List<WatchEvent> out = new ArrayList<>(Math.min(max, (int) Math.max(0, head - position)));
            for (long r = position + 1; r <= head && out.size() < max; r++) {
                out.add(slots[slot(r)]);
            }
            return out;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until a change under {@code prefix} follows {@code position}, the ring closes, the
     * watcher is woken ({@link #wakeAll}), or the timeout ends. Returns at once when the head is
     * already past {@code position}: the caller has changes to read first.
     */
    void awaitBeyond(long position, String prefix, long timeout, TimeUnit unit) throws InterruptedException {
        lock.lock();
        try {
            if (head > position || closed) {
                return;
            }
            Waiter waiter = new Waiter(prefix, lock.newCondition());
            waiters.add(waiter);
            try {
                long nanos = unit.toNanos(timeout);
                while (!waiter.woken && !closed && nanos > 0) {
                    nanos = waiter.condition.awaitNanos(nanos);
                }
            } finally {
                waiters.remove(waiter);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Wakes every waiter, for good. */
    void close() {
        lock.lock();
        try {
            closed = true;
            waiters.forEach(Waiter::wake);
        } finally {
            lock.unlock();
        }
    }

    /** Wakes every waiter once, so they see a change of their own state (a closed watch). */
    void wakeAll() {
        lock.lock();
        try {
            waiters.forEach(Waiter::wake);
        } finally {
            lock.unlock();
        }
    }

    /** How many watchers wait now; for tests. */
    int waiting() {
        lock.lock();
        try {
            return waiters.size();
        } finally {
            lock.unlock();
        }
    }

    private static boolean anyUnder(List<WatchEvent> events, String prefix) {
        for (WatchEvent e : events) {
            if (e.key().startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    /** One waiting watcher: the prefix it watches and the condition it waits on. */
    private static final class Waiter {
        final String prefix;
        final Condition condition;
        boolean woken;

        Waiter(String prefix, Condition condition) {
            this.prefix = prefix;
            this.condition = condition;
        }

        void wake() {
            woken = true;
            condition.signal();
        }
    }

    private void evictOldest() {
        int s = slot(first);
        bytes -= size(slots[s]);
        slots[s] = null;
        first++;
    }

    private int slot(long revision) {
        return (int) (revision % slots.length);
    }

    private static long size(WatchEvent e) {
        long n = e.current().value().length + 2L * e.key().length() + 64;
        if (e.previous() != null) {
            n += e.previous().value().length;
        }
        return n;
    }
}
