package io.drover.service;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Service;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;

/** What Endpoints and EndpointSlices carry over from their Service, as the Kubernetes controllers set it. */
final class ServiceLabels {
    static final String SERVICE_NAME = "kubernetes.io/service-name";
    static final String MANAGED_BY = "endpointslice.kubernetes.io/managed-by";
    static final String CONTROLLER = "endpointslice-controller.k8s.io";
    static final String HEADLESS = "service.kubernetes.io/headless";
    static final String TRIGGER_TIME = "endpoints.kubernetes.io/last-change-trigger-time";

    private ServiceLabels() {}

    /** The Service's labels, plus the headless label for a headless Service. */
    static Map<String, String> of(Service service) {
        Map<String, String> labels = new LinkedHashMap<>();
        if (service.getMetadata().getLabels() != null) {
            labels.putAll(service.getMetadata().getLabels());
        }
        if ("None".equals(service.getSpec().getClusterIP())) {
            labels.put(HEADLESS, "");
        } else {
            labels.remove(HEADLESS);
        }
        return labels;
    }

    /** The labels of a slice of this Service: its labels, the service name and the controller. */
    static Map<String, String> ofSlice(Service service) {
        Map<String, String> labels = of(service);
        labels.put(SERVICE_NAME, service.getMetadata().getName());
        labels.put(MANAGED_BY, CONTROLLER);
        return labels;
    }

    static OwnerReference owner(Service service) {
        return new OwnerReferenceBuilder().withApiVersion("v1").withKind("Service")
                .withName(service.getMetadata().getName()).withUid(service.getMetadata().getUid())
                .withController(true).withBlockOwnerDeletion(true).build();
    }

    /** The trigger-time annotation's value: when this controller saw the change, in Go's RFC3339Nano. */
    static String now(Clock clock) {
        return rfc3339Nano(clock.instant());
    }

    /**
     * Go's {@code t.UTC().Format(time.RFC3339Nano)}: the fraction without its trailing zeros, and none at all for a
     * whole second ({@code 2026-12-02T09:10:52.5764331Z}), where {@link Instant#toString} keeps groups of three
     * digits ({@code .576433100Z}).
     */
    static String rfc3339Nano(Instant instant) {
        String seconds = instant.truncatedTo(ChronoUnit.SECONDS).toString(); // always ends "ss" + "Z"
        if (instant.getNano() == 0) {
            return seconds;
        }
        String fraction = String.format(java.util.Locale.ROOT, "%09d", instant.getNano()).replaceFirst("0+$", "");
        return seconds.substring(0, seconds.length() - 1) + "." + fraction + "Z";
    }
}
