package io.drover.api.storage;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.ApiException;
import io.drover.store.CompactedException;
import io.drover.store.Store;
import io.drover.store.StoreException;
import io.drover.store.StoreUnavailableException;
import io.drover.store.Watch;
import io.drover.store.WatchEvent;
import io.drover.store.WatchListener;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * An {@link ObjectWatch} fed by a store watch: turns key changes into ADDED, MODIFIED and DELETED
 * events of the selected objects. With a selector, an object that starts matching is ADDED and one
 * that stops matching is DELETED, as the Kubernetes watch cache reports them.
 *
 * <p>The queue between the store and the connection is bounded: a client that does not keep up is
 * ended (it re-watches from its last resourceVersion) instead of growing the server's memory. A
 * watch from "" or "0" first sends the objects that exist as ADDED events, read from a
 * {@link ListCursor} as the client takes them, so they need the memory of one page and do not
 * count against that bound.
 */
final class StoreObjectWatch implements ObjectWatch, WatchListener {

    /** Events a slow client may have pending before its watch is ended. */
    private static final int MAX_PENDING = 10_000;
    /** Events handed over per {@link #next} call. */
    private static final int BATCH = 256;
    private static final Object END = new Object();

    /** In the queue behind the events it covers: once taken, every event up to {@code revision} is handed out. */
    private record Progress(long revision) {}

    private final ObjectCodec codec;
    private final ListOptions options;
    private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private volatile Watch watch;
    /** Whether a bookmark is due: the store's next progress report goes into the queue. */
    private volatile boolean progressWanted;
    /** The revision up to which the events handed out by {@link #next} are complete. */
    private volatile long lastRevision;
    private boolean ended;
    /** The objects that existed when the watch started, not yet sent; null once they all are. */
    private ListCursor existing;
    /** Whether to mark the end of {@link #existing} with {@link Event#INITIAL_EVENTS_END}. */
    private boolean markInitialEnd;

    private StoreObjectWatch(ObjectCodec codec, ListOptions options, long after) {
        this.codec = codec;
        this.options = options;
        this.lastRevision = after;
    }

    /**
     * Watches the changes after revision {@code after}, sending first, as ADDED events, the objects
     * of {@code existing} (read at that revision), when not null, and then, with {@code
     * markInitialEnd}, an {@link Event#INITIAL_EVENTS_END}.
     */
    static StoreObjectWatch start(Store store, ObjectCodec codec, String prefix, long after, ListOptions options,
            ListCursor existing, boolean markInitialEnd) {
        StoreObjectWatch w = new StoreObjectWatch(codec, options, after);
        w.existing = existing;
        w.markInitialEnd = existing != null && markInitialEnd;
        w.watch = store.watch(prefix, after, w);
        return w;
    }

    @Override
    public void onEvents(List<WatchEvent> events) {
        for (WatchEvent e : events) {
            Event converted = convert(e);
            if (converted != null) {
                queue.add(converted);
            }
        }
        queue.add(new Progress(events.get(events.size() - 1).revision()));
        if (queue.size() > MAX_PENDING) {
            queue.add(END);
            watch.close();
        }
    }

    /**
     * Taken only when a bookmark is due ({@link #requestProgress}): the store reports progress on every change it
     * passes, which would otherwise wake the connection for nothing. It goes into the queue behind the events it
     * covers, so {@link #lastRevision} never runs ahead of the events handed out.
     */
    @Override
    public void onProgress(long revision) {
        if (progressWanted) {
            progressWanted = false;
            queue.add(new Progress(revision));
        }
    }

    private Event convert(WatchEvent e) {
        // Without a selector every object is selected: the previous value need not be decoded
        // (most watches have none, and decoding is most of a watch event's cost).
        boolean everything = options.selectsEverything();
        boolean wasSelected = e.previous() != null && (everything || options.selects(codec.decode(e.previous())));
        if (e.type() == WatchEvent.Type.DELETE) {
            return wasSelected ? new Event(Event.DELETED, codec.decode(e.current().value(), e.revision())) : null;
        }
        ObjectNode current = codec.decode(e.current());
        boolean selected = everything || options.selects(current);
        if (selected) {
            return new Event(wasSelected ? Event.MODIFIED : Event.ADDED, current);
        }
        // Out of the selection: the object as the watcher last saw it (which still matches its
        // selector), at this event's revision, as the watch cache's convertToWatchEvent sends it.
        return wasSelected ? new Event(Event.DELETED, codec.decode(e.previous().value(), e.revision())) : null;
    }

    @Override
    public void onClose(StoreException cause) {
        if (cause instanceof CompactedException c) {
            ApiException gone = ApiException.gone("too old resource version: " + c.requestedRevision() + " ("
                    + c.compactedRevision() + ")");
            queue.add(new Event(Event.ERROR, gone.toStatus()));
        } else if (cause instanceof StoreUnavailableException) {
            // As every other request answers while the store is down: 503, which clients retry.
            queue.add(new Event(Event.ERROR,
                    ApiException.unavailable("the datastore is unavailable: " + cause.getMessage()).toStatus()));
        } else if (cause != null) {
            queue.add(new Event(Event.ERROR, ApiException.internal(cause.getMessage()).toStatus()));
        }
        queue.add(END);
    }

    @Override
    public List<Event> next(long timeoutMillis) throws InterruptedException {
        if (ended) {
            return null;
        }
        if (existing != null) {
            List<Event> added = nextExisting();
            if (!added.isEmpty()) {
                return added;
            }
        }
        Object first = queue.poll(timeoutMillis, TimeUnit.MILLISECONDS);
        if (first == null) {
            return List.of();
        }
        List<Object> taken = new ArrayList<>();
        taken.add(first);
        queue.drainTo(taken, BATCH);
        List<Event> events = new ArrayList<>(taken.size());
        for (Object o : taken) {
            if (o == END) {
                ended = true;
                break;
            }
            if (o instanceof Progress progress) {
                lastRevision = Math.max(lastRevision, progress.revision());
                continue;
            }
            events.add((Event) o);
        }
        return events.isEmpty() && ended ? null : events;
    }

    /**
     * Up to a batch of the existing objects as ADDED events. The list's revision compacted away
     * before they were all read (a client slower than a compaction interval) ends the watch with
     * the 410 Gone a client answers by listing again.
     */
    private List<Event> nextExisting() {
        List<Event> added = new ArrayList<>();
        try {
            for (ObjectNode object = existing.next(); object != null; object = existing.next()) {
                added.add(new Event(Event.ADDED, object));
                if (added.size() == BATCH) {
                    return added;
                }
            }
            if (markInitialEnd) {
                ObjectNode end = JsonNodeFactory.instance.objectNode();
                end.putObject("metadata").put("resourceVersion", Long.toString(existing.revision()));
                added.add(new Event(Event.INITIAL_EVENTS_END, end));
            }
            existing = null;
        } catch (ApiException e) {
            existing = null;
            added.add(new Event(Event.ERROR, e.toStatus()));
            ended = true;
            close();
        }
        return added;
    }

    @Override
    public long lastRevision() {
        return lastRevision;
    }

    @Override
    public void requestProgress() {
        progressWanted = true;
        Watch w = watch;
        if (w != null) {
            w.requestProgress();
        }
    }

    @Override
    public void close() {
        Watch w = watch;
        if (w != null) {
            w.close();
        }
    }
}
