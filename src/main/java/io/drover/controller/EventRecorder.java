package io.drover.controller;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.json.MetaTime;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.net.HttpURLConnection;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes core/v1 Events about an object for one component (a controller, a node's kubelet), as client-go's
 * tools/record recorder does; the scheduler and the service proxy write events.k8s.io/v1 Events, as theirs do
 * ({@link EventsV1Recorder}). A repeat of an Event this recorder wrote (the same object,
 * type, reason and message) is counted on that Event, its count and lastTimestamp patched, as
 * client-go's EventCorrelator does, so a crash loop is one "Back-off" Event counting up rather than
 * one per restart; similar Events (same reason, other messages) are combined and a flood about one
 * object is dropped as client-go's aggregator and spam filter do ({@link EventThrottle}). Written off the
 * recording thread ({@link EventWriter}), so recording never waits for the API. Best
 * effort, as in Kubernetes: an event that cannot be written is logged, never a reason to fail a
 * reconcile.
 */
public final class EventRecorder {
    private static final Logger log = LoggerFactory.getLogger(EventRecorder.class);
    private static final int MAX_OBSERVED = 4096;

    private final KubernetesClient client;
    private final String component;
    private final String host;
    private final Clock clock;
    private final EventWriter writer;
    /** The Events written, by what makes a repeat: client-go's LRU of 4,096 observations. */
    private final Map<RepeatKey, Observation> observed = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<RepeatKey, Observation> eldest) {
            return size() > MAX_OBSERVED;
        }
    };

    /**
     * client-go's getEventKey: what must be equal for an Event to be a repeat (the source is this recorder). The
     * fieldPath counts here, not in the aggregator's and spam filter's keys, as there.
     */
    private record RepeatKey(EventThrottle.ObjectKey object, String fieldPath, String type, String reason,
            String message) {}

    private final EventThrottle throttle = new EventThrottle();

    private record Observation(String eventName, int count, String firstTimestamp) {}

    /**
     * @param component the source component, e.g. "deployment-controller" or "kubelet"
     * @param host the node the component runs on (the kubelet's), or null for kube-controller-manager's
     *     controllers; also the reportingInstance, "" when null
     */
    public EventRecorder(KubernetesClient client, String component, String host, Clock clock) {
        this.client = client;
        this.component = component;
        this.host = host;
        this.clock = clock;
        this.writer = new EventWriter(component);
    }

    public void normal(HasMetadata about, String reason, String message) {
        record(reference(about), "Normal", reason, message);
    }

    public void warning(HasMetadata about, String reason, String message) {
        record(reference(about), "Warning", reason, message);
    }

    /**
     * An Event about what a reference names: a part of an object (a pod's container, by its fieldPath), or an
     * object named without being read (the kubelet's reference to its Node).
     */
    public void normal(ObjectReference about, String reason, String message) {
        record(about, "Normal", reason, message);
    }

    public void warning(ObjectReference about, String reason, String message) {
        record(about, "Warning", reason, message);
    }

    /** client-go's reference.GetReference: the object as an Event's involvedObject names it. */
    public static ObjectReference reference(HasMetadata about) {
        return new ObjectReferenceBuilder().withApiVersion(about.getApiVersion()).withKind(about.getKind())
                .withNamespace(about.getMetadata().getNamespace()).withName(about.getMetadata().getName())
                .withUid(about.getMetadata().getUid()).withResourceVersion(about.getMetadata().getResourceVersion())
                .build();
    }

    private void record(ObjectReference about, String type, String reason, String givenMessage) {
        Instant now = clock.instant();
        String stamp = MetaTime.format(now);
        String ns = namespaceOf(about);
        EventThrottle.ObjectKey object = new EventThrottle.ObjectKey(about.getApiVersion(), about.getKind(),
                about.getNamespace(), about.getName(), about.getUid());
        String message;
        Observation next;
        synchronized (observed) {
            message = throttle.message(object, type, reason, givenMessage, now);
            // Combined Events count as one, whatever their latest message (the aggregate key).
            RepeatKey key = new RepeatKey(object, about.getFieldPath(), type, reason,
                    message.startsWith(EventThrottle.COMBINED) ? EventThrottle.COMBINED : message);
            Observation seen = observed.get(key);
            // Unique per event, as client-go names them: <object>.<hex nanoseconds>.
            long nanos = now.getEpochSecond() * 1_000_000_000L + now.getNano() + System.nanoTime() % 1000;
            next = seen == null
                    ? new Observation(about.getName() + "." + Long.toHexString(nanos), 1, stamp)
                    : new Observation(seen.eventName(), seen.count() + 1, seen.firstTimestamp());
            // Counted before the spam filter, as client-go's eventObserve counts: an Event written after some
            // were dropped carries the true total.
            observed.put(key, next);
            if (!throttle.tryAccept(object, now)) {
                return;
            }
        }
        Observation written = next;
        writer.write(() -> {
            try {
                if (written.count() == 1 || !countRepeat(ns, written, message, stamp)) {
                    client.v1().events().inNamespace(ns)
                            .resource(event(about, ns, type, reason, message, written, stamp)).create();
                }
            } catch (RuntimeException e) {
                log.warn("{}: could not record event {} on {}/{}: {}", component, reason, ns, about.getName(),
                        e.toString());
            }
        });
    }

    /**
     * Counts a repeat on the Event written before; false when that Event is gone (expired or deleted), to be
     * written anew under its name with the count so far, as client-go does.
     */
    private boolean countRepeat(String ns, Observation seen, String message, String stamp) {
        // The message too, as client-go's patch carries it: a combined Event shows the latest one.
        ObjectNode patch = JsonNodeFactory.instance.objectNode().put("count", seen.count())
                .put("lastTimestamp", stamp).put("message", message);
        return patchIfPresent(client.v1().events().inNamespace(ns).withName(seen.eventName()), patch);
    }

    /** A strategic merge patch of an Event written before; false when it is gone (404), to be written anew. */
    static boolean patchIfPresent(Resource<?> event, ObjectNode patch) {
        try {
            event.patch(PatchContext.of(PatchType.STRATEGIC_MERGE), patch.toString());
            return true;
        } catch (KubernetesClientException e) {
            if (e.getCode() == HttpURLConnection.HTTP_NOT_FOUND) {
                return false;
            }
            throw e;
        }
    }

    /** Where an Event about the object lives: its namespace, "default" for a cluster-scoped one (a Node). */
    static String namespaceOf(ObjectReference about) {
        return about.getNamespace() == null || about.getNamespace().isEmpty() ? "default" : about.getNamespace();
    }

    private Event event(ObjectReference about, String ns, String type, String reason, String message,
            Observation seen, String stamp) {
        return new EventBuilder()
                .withNewMetadata().withName(seen.eventName()).withNamespace(ns).endMetadata()
                .withInvolvedObject(new ObjectReferenceBuilder(about).build())
                .withType(type).withReason(reason).withMessage(message)
                .withNewSource().withComponent(component).withHost(host).endSource()
                // client-go's generateEvent: the instance is the source's host, "" without one
                .withReportingComponent(component).withReportingInstance(host == null ? "" : host)
                .withFirstTimestamp(seen.firstTimestamp()).withLastTimestamp(stamp).withCount(seen.count())
                .build();
    }
}
