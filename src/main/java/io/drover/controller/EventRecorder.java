package io.drover.controller;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes core/v1 Events about an object for one component (a controller, the scheduler, a node's
 * kubelet), as client-go's recorder does, without its aggregation of repeats. Best effort, as in
 * Kubernetes: an event that cannot be written is logged, never a reason to fail a reconcile.
 */
public final class EventRecorder {
    private static final Logger log = LoggerFactory.getLogger(EventRecorder.class);

    private final KubernetesClient client;
    private final String component;
    private final String host;
    private final Clock clock;

    /**
     * @param component the source component, e.g. "deployment-controller" or "kubelet"
     * @param host the node the component runs on, or null for cluster-wide components
     */
    public EventRecorder(KubernetesClient client, String component, String host, Clock clock) {
        this.client = client;
        this.component = component;
        this.host = host;
        this.clock = clock;
    }

    public void normal(HasMetadata about, String reason, String message) {
        record(about, "Normal", reason, message);
    }

    public void warning(HasMetadata about, String reason, String message) {
        record(about, "Warning", reason, message);
    }

    private void record(HasMetadata about, String type, String reason, String message) {
        Instant now = clock.instant();
        String stamp = now.truncatedTo(ChronoUnit.SECONDS).toString();
        // events about cluster-scoped objects (Nodes) live in "default", as Kubernetes keeps them
        String ns = about.getMetadata().getNamespace() == null ? "default" : about.getMetadata().getNamespace();
        // Unique per event, as client-go names them: <object>.<hex nanoseconds>.
        long nanos = now.getEpochSecond() * 1_000_000_000L + now.getNano() + System.nanoTime() % 1000;
        Event event = new EventBuilder()
                .withNewMetadata().withName(about.getMetadata().getName() + "." + Long.toHexString(nanos))
                .withNamespace(ns).endMetadata()
                .withNewInvolvedObject().withApiVersion(about.getApiVersion()).withKind(about.getKind())
                .withNamespace(about.getMetadata().getNamespace()).withName(about.getMetadata().getName())
                .withUid(about.getMetadata().getUid()).withResourceVersion(about.getMetadata().getResourceVersion())
                .endInvolvedObject()
                .withType(type).withReason(reason).withMessage(message)
                .withNewSource().withComponent(component).withHost(host).endSource()
                .withReportingComponent(component).withReportingInstance(host == null ? component : host)
                .withFirstTimestamp(stamp).withLastTimestamp(stamp).withCount(1)
                .build();
        try {
            client.v1().events().inNamespace(ns).resource(event).create();
        } catch (RuntimeException e) {
            log.warn("{}: could not record event {} on {}/{}: {}", component, reason, ns,
                    about.getMetadata().getName(), e.toString());
        }
    }
}
