package io.drover.api.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.resource.ResourceType;
import io.drover.api.storage.ObjectWatch;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;

/**
 * One watch request's events as the watch API sends them, whatever carries them: pulled from the
 * store's {@link ObjectWatch}, put in the request's view (Table, PartialObjectMetadata), with
 * bookmarks when the client allows them, each encoded as one JSON document ({@link WatchEvents})
 * and handed to a {@link WatchSink}. The streamed GET and the WebSocket serve the same stream, as
 * kube-apiserver's WatchServer serves one encoder through HandleHTTP and HandleWS.
 *
 * <p>It ends at its deadline (timeoutSeconds), when the store watch ends (after an ERROR event such
 * as 410 Gone), when the server stops, or when the sink fails or the running thread is interrupted
 * (the client left). Closing it stops the store watch.
 */
public final class WatchStream implements AutoCloseable {
    /** What the events are, on a streamed response and on a WebSocket's upgrade answer. */
    static final String CONTENT_TYPE = "application/json";
    /** How often a watch that allows bookmarks gets one: the watch cache's bookmarkFrequency. */
    private static final long BOOKMARK_EVERY_MILLIS = 60_000;
    /** The watch cache's last bookmark goes out this long before the deadline, so the client resumes from it. */
    private static final long BOOKMARK_BEFORE_DEADLINE_MILLIS = 2_000;
    /**
     * How long before a bookmark the store is asked for the watch's progress: this loop looks every second and a
     * SQLite watch answers within a second, so the answer is in before the bookmark. A late answer only makes the
     * bookmark older, never ahead of the events.
     */
    private static final long PROGRESS_LEAD_MILLIS = 3_000;
    /** How long one wait for events may last, so that a stopping server ends the watch within it. */
    private static final long POLL_MILLIS = 1_000;

    private final ObjectWatch watch;
    private final ResourceType type;
    private final ResponseView view;
    private final boolean bookmarks;
    private final long deadlineMillis;
    private final BooleanSupplier stopping;
    private final ObjectMapper json;
    private final ObjectWriter writer;
    private final UnaryOperator<ObjectNode> conversion;

    /**
     * @param view the form the request asked for, or null for the objects themselves
     * @param deadlineMillis when the watch ends (epoch millis), from its timeoutSeconds
     * @param stopping whether the server is stopping, which ends every watch
     */
    WatchStream(ObjectWatch watch, ResourceType type, ResponseView view, boolean bookmarks, long deadlineMillis,
            BooleanSupplier stopping, ObjectMapper json) {
        this(watch, type, view, bookmarks, deadlineMillis, stopping, json, UnaryOperator.identity());
    }

    private WatchStream(ObjectWatch watch, ResourceType type, ResponseView view, boolean bookmarks,
            long deadlineMillis, BooleanSupplier stopping, ObjectMapper json, UnaryOperator<ObjectNode> conversion) {
        this.watch = watch;
        this.type = type;
        this.view = view;
        this.bookmarks = bookmarks;
        this.deadlineMillis = deadlineMillis;
        this.stopping = stopping;
        this.json = json;
        this.writer = WatchEvents.writer(json);
        this.conversion = conversion;
    }

    /**
     * The same watch with each event ({@code {"type":..,"object":..}}) passed through {@code convert}
     * before it is encoded (a served version's conversion). Closing either closes the watch.
     */
    WatchStream converted(UnaryOperator<ObjectNode> convert) {
        return new WatchStream(watch, type, view, bookmarks, deadlineMillis, stopping, json,
                event -> convert.apply(conversion.apply(event)));
    }

    /** When the watch ends at the latest (epoch millis). */
    long deadlineMillis() {
        return deadlineMillis;
    }

    /**
     * Sends the events into {@code sink} until the watch ends.
     *
     * @throws IOException when the sink fails (the client went away)
     * @throws InterruptedException when the running thread is interrupted (the client went away)
     */
    public void run(WatchSink sink) throws IOException, InterruptedException {
        long nextBookmark = bookmarks ? nextBookmarkTime(System.currentTimeMillis()) : Long.MAX_VALUE;
        boolean progressAsked = false;
        boolean columnsSent = false;
        while (true) {
            long left = deadlineMillis - System.currentTimeMillis();
            if (left <= 0) {
                return;
            }
            List<ObjectWatch.Event> events = watch.next(Math.min(left, POLL_MILLIS));
            if (events == null || stopping.getAsBoolean()) {
                return;
            }
            for (ObjectWatch.Event e : events) {
                if (e.type().equals(ObjectWatch.Event.INITIAL_EVENTS_END)) {
                    if (bookmarks) {
                        sink.send(encode(ObjectWatch.Event.BOOKMARK, inView(initialEventsEnd(e.object()))));
                    }
                    continue;
                }
                boolean asView = view != null && !e.type().equals(ObjectWatch.Event.ERROR);
                ObjectNode object = asView ? view.ofObject(e.object()) : e.object();
                if (view instanceof TableView && object.path("kind").asText().equals("Table")) {
                    // As kube-apiserver's watch encoder: the columns with the first Table only.
                    if (columnsSent) {
                        object.putNull("columnDefinitions");
                    }
                    columnsSent = true;
                }
                sink.send(encode(e.type(), object));
            }
            if (!events.isEmpty()) {
                sink.flush();
            }
            long now = System.currentTimeMillis();
            if (!progressAsked && now >= nextBookmark - PROGRESS_LEAD_MILLIS) {
                watch.requestProgress();
                progressAsked = true;
            }
            if (now >= nextBookmark) {
                // The revision up to which this watch's events are complete, though the last of them may be older:
                // a quiet watch resumes from it, not from a revision compacted away meanwhile.
                sink.send(encode(ObjectWatch.Event.BOOKMARK, inView(bookmark(watch.lastRevision()))));
                sink.flush();
                nextBookmark = nextBookmarkTime(now);
                progressAsked = false;
            }
        }
    }

    /**
     * When the next bookmark is due, as the watch cache's nextBookmarkTime: a minute from now, or two seconds before
     * the deadline if that comes first; none once that moment has passed.
     */
    private long nextBookmarkTime(long now) {
        long next = Math.min(now + BOOKMARK_EVERY_MILLIS, deadlineMillis - BOOKMARK_BEFORE_DEADLINE_MILLIS);
        return next < now ? Long.MAX_VALUE : next;
    }

    /** One event as kube-apiserver's JSON watch encoder writes it: the document and a newline. */
    private byte[] encode(String eventType, ObjectNode object) throws IOException {
        ObjectNode event = json.createObjectNode();
        event.put("type", eventType);
        event.set("object", object);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writer.writeValue(out, conversion.apply(event));
        out.write('\n');
        return out.toByteArray();
    }

    /**
     * A bookmark in the watch's view: kube-apiserver's watch encoder transforms bookmarks as it
     * transforms objects, so a metadata watch's are PartialObjectMetadata, which client-go's metadata
     * client can decode (a resource's own kind it cannot). A Table watch's go out as they are
     * ({@link TableView}).
     */
    private ObjectNode inView(ObjectNode bookmark) {
        return view instanceof MetadataView metadata ? metadata.ofObject(bookmark) : bookmark;
    }

    /**
     * The bookmark that ends a watch's initial events, at the revision they were read at, with the blueprint of the
     * list they make (watchListTransformer): the empty list of the watch's view, encoded and in base64, from which
     * client-go's WatchListClient builds the list it returns (without it, it logs an error and lists instead).
     */
    private ObjectNode initialEventsEnd(ObjectNode marker) {
        ObjectNode object = bookmark(Long.parseLong(marker.path("metadata").path("resourceVersion").asText()));
        ObjectNode annotations = object.withObject("metadata").putObject("annotations");
        annotations.put("k8s.io/initial-events-end", "true");
        annotations.put("kubernetes.io/initial-events-list-blueprint", listBlueprint());
        return object;
    }

    /** The empty list as Go's JSON encoder writes it: no items is null, and a newline ends it. */
    private String listBlueprint() {
        ObjectNode list = json.createObjectNode();
        if (view instanceof MetadataView metadata) {
            list.setAll(metadata.listForm().head());
        } else {
            list.put("kind", type.kind() + "List");
            list.put("apiVersion", type.apiVersion());
        }
        list.putObject("metadata");
        list.putNull("items");
        return java.util.Base64.getEncoder().encodeToString((list + "\n").getBytes(StandardCharsets.UTF_8));
    }

    private ObjectNode bookmark(long revision) {
        ObjectNode object = json.createObjectNode();
        object.put("kind", type.kind());
        object.put("apiVersion", type.apiVersion());
        object.putObject("metadata").put("resourceVersion", Long.toString(revision));
        return object;
    }

    @Override
    public void close() {
        watch.close();
    }
}
