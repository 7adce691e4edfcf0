package io.drover.workload;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Writes core/v1 Events about an object, as client-go's recorder does (without its aggregation). */
final class EventRecorder {
    private static final Logger log = LoggerFactory.getLogger(EventRecorder.class);

    private final KubernetesClient client;
    private final String component;
    private final Clock clock;

    EventRecorder(KubernetesClient client, String component, Clock clock) {
        this.client = client;
        this.component = component;
        this.clock = clock;
    }

    void normal(HasMetadata about, String reason, String message) {
        record(about, "Normal", reason, message);
    }

    void warning(HasMetadata about, String reason, String message) {
        record(about, "Warning", reason, message);
    }

    /** Best effort: an event that cannot be written is logged, never a reason to fail a reconcile. */
    private void record(HasMetadata about, String type, String reason, String message) {
        Instant now = clock.instant();
        String stamp = now.truncatedTo(ChronoUnit.SECONDS).toString();
        long nanos = now.getEpochSecond() * 1_000_000_000L + now.getNano();
        Event event = new EventBuilder()
                .withNewMetadata().withName(about.getMetadata().getName() + "." + Long.toHexString(nanos))
                .withNamespace(about.getMetadata().getNamespace()).endMetadata()
                .withNewInvolvedObject().withApiVersion(about.getApiVersion()).withKind(about.getKind())
                .withNamespace(about.getMetadata().getNamespace()).withName(about.getMetadata().getName())
                .withUid(about.getMetadata().getUid()).withResourceVersion(about.getMetadata().getResourceVersion())
                .endInvolvedObject()
                .withType(type).withReason(reason).withMessage(message)
                .withNewSource().withComponent(component).endSource()
                .withReportingComponent(component).withFirstTimestamp(stamp).withLastTimestamp(stamp).withCount(1)
                .build();
        try {
            client.v1().events().inNamespace(about.getMetadata().getNamespace()).resource(event).create();
        } catch (RuntimeException e) {
            log.debug("{}: could not record event {} on {}: {}", component, reason, about.getMetadata().getName(),
                    e.toString());
        }
    }
}
