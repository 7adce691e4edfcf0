package io.drover.controller;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.MicroTime;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.events.v1.Event;
import io.fabric8.kubernetes.api.model.events.v1.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes events.k8s.io/v1 Events, as client-go's newer recorder (tools/events) does for the components that use it:
 * kube-scheduler and kube-proxy. Unlike {@link EventRecorder} (tools/record), an Event names no source, carries an
 * eventTime and an action, and its reporting instance is the component's name and the machine's host name
 * ({@code default-scheduler-HOST}), so {@code kubectl get events -o wide} shows "default-scheduler,
 * default-scheduler-HOST". A repeat (same object, type, reason, action) within 6 minutes of the last is counted in
 * the Event's {@code series} rather than written anew.
 *
 * <p>client-go writes a series when it starts (count 2) and then only every 6 minutes; this recorder writes each
 * repeat's count at once, with no thread of its own. Best effort, as {@link EventRecorder}.
 */
public final class EventsV1Recorder {
    private static final Logger log = LoggerFactory.getLogger(EventsV1Recorder.class);
    /** client-go's finishTime: a series, or a single Event, ends when nothing was observed for this long. */
    static final Duration FINISH = Duration.ofMinutes(6);

    private final KubernetesClient client;
    private final String controller;
    private final String instance;
    private final Clock clock;
    /** Off the recording thread, as {@link EventRecorder}'s. */
    private final EventWriter writer;
    /** client-go's eventCache, bounded: the Events written, by what makes a repeat (the recorder's fields aside). */
    private final Map<Key, Written> written = EventThrottle.lru();

    private record Key(String type, String action, String reason, ObjectReference regarding) {}

    private record Written(Event event, int count, Instant lastObserved) {}

    /** A recorder for {@code controller}, its instance named as client-go's NewRecorder names it. */
    public EventsV1Recorder(KubernetesClient client, String controller, Clock clock) {
        this(client, controller, controller + "-" + hostName(), clock);
    }

    EventsV1Recorder(KubernetesClient client, String controller, String instance, Clock clock) {
        this.client = client;
        this.controller = controller;
        this.instance = instance;
        this.clock = clock;
        this.writer = new EventWriter(controller);
    }

    public void normal(HasMetadata regarding, String reason, String action, String note) {
        record(regarding, "Normal", reason, action, note);
    }

    public void warning(HasMetadata regarding, String reason, String action, String note) {
        record(regarding, "Warning", reason, action, note);
    }

    private void record(HasMetadata about, String type, String reason, String action, String note) {
        Instant now = clock.instant();
        ObjectReference regarding = EventRecorder.reference(about);
        // Isomorphic (client-go's getKey): the note may differ, the first one written stays.
        Key key = new Key(type, action, reason, regarding);
        Written next;
        synchronized (written) {
            Written seen = written.get(key);
            if (seen != null && Duration.between(seen.lastObserved(), now).compareTo(FINISH) > 0) {
                seen = null; // the series ended (client-go's finishSeries): a new Event
            }
            next = seen == null ? new Written(event(regarding, type, reason, action, note, now), 1, now)
                    : new Written(seen.event(), seen.count() + 1, now);
            written.put(key, next);
        }
        String ns = next.event().getMetadata().getNamespace();
        Written series = next;
        writer.write(() -> {
            try {
                if (series.count() == 1) {
                    client.events().v1().events().inNamespace(ns).resource(series.event()).create();
                } else if (!patchSeries(series)) {
                    Event whole = new EventBuilder(series.event()).withNewSeries().withCount(series.count())
                            .withLastObservedTime(microTime(series.lastObserved())).endSeries().build();
                    client.events().v1().events().inNamespace(ns).resource(whole).create();
                }
            } catch (RuntimeException e) {
                log.warn("{}: could not record event {} on {}/{}: {}", controller, reason, ns, regarding.getName(),
                        e.toString());
            }
        });
    }

    /** The series patch client-go sends; false when the Event is gone, to be written anew with its series. */
    private boolean patchSeries(Written series) {
        ObjectNode patch = JsonNodeFactory.instance.objectNode();
        patch.putObject("series").put("count", series.count())
                .put("lastObservedTime", microTime(series.lastObserved()).getTime());
        return EventRecorder.patchIfPresent(client.events().v1().events()
                .inNamespace(series.event().getMetadata().getNamespace())
                .withName(series.event().getMetadata().getName()), patch);
    }

    /** client-go's makeEvent: named after the object and the time, in the object's namespace ("default" for none). */
    private Event event(ObjectReference regarding, String type, String reason, String action, String note,
            Instant now) {
        long nanos = now.getEpochSecond() * 1_000_000_000L + now.getNano();
        return new EventBuilder()
                .withNewMetadata().withName(regarding.getName() + "." + Long.toHexString(nanos))
                .withNamespace(EventRecorder.namespaceOf(regarding)).endMetadata()
                .withEventTime(microTime(now)).withReportingController(controller).withReportingInstance(instance)
                .withAction(action).withReason(reason).withRegarding(regarding).withNote(note).withType(type)
                .build();
    }

    private static MicroTime microTime(Instant instant) {
        return new MicroTime(instant.truncatedTo(ChronoUnit.MICROS).toString());
    }

    /** Go's os.Hostname on Linux: the kernel's host name as it is, else the resolver's. */
    static String hostName() {
        try {
            String name = Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
            if (!name.isEmpty()) {
                return name;
            }
        } catch (IOException e) {
            // not Linux, or no procfs: ask the resolver
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }
}
