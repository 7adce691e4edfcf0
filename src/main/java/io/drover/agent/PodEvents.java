package io.drover.agent;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Events on pods, as the kubelet records them (source component "kubelet", host = the node). */
final class PodEvents {
    static final String COMPONENT = "kubelet";
    private static final Logger log = LoggerFactory.getLogger(PodEvents.class);

    private final KubernetesClient client;
    private final String node;
    private final Clock clock;

    PodEvents(KubernetesClient client, String node, Clock clock) {
        this.client = client;
        this.node = node;
        this.clock = clock;
    }

    /** Best effort, as in Kubernetes: a lost event is logged, never retried. */
    void record(Pod pod, String type, String reason, String message) {
        Instant at = clock.instant();
        String time = at.truncatedTo(ChronoUnit.SECONDS).toString();
        String ns = pod.getMetadata().getNamespace();
        long nanos = at.getEpochSecond() * 1_000_000_000L + at.getNano() + System.nanoTime() % 1000;
        Event event = new EventBuilder()
                .withNewMetadata().withName(pod.getMetadata().getName() + "." + Long.toHexString(nanos))
                .withNamespace(ns).endMetadata()
                .withNewInvolvedObject().withApiVersion("v1").withKind("Pod").withNamespace(ns)
                .withName(pod.getMetadata().getName()).withUid(pod.getMetadata().getUid())
                .withResourceVersion(pod.getMetadata().getResourceVersion()).endInvolvedObject()
                .withType(type).withReason(reason).withMessage(message)
                .withNewSource().withComponent(COMPONENT).withHost(node).endSource()
                .withFirstTimestamp(time).withLastTimestamp(time).withCount(1)
                .withReportingComponent(COMPONENT).withReportingInstance(node)
                .build();
        try {
            client.v1().events().inNamespace(ns).resource(event).create();
        } catch (KubernetesClientException e) {
            log.warn("could not record event {} {} for pod {}/{}: {}", reason, message, ns,
                    pod.getMetadata().getName(), e.getMessage());
        }
    }
}
