package io.drover.api.storage;

import com.fasterxml.jackson.databind.JsonNode;
import io.drover.api.resource.ResourceType;

/**
 * Graceful deletion of pods, as Kubernetes does it: a pod bound to a node and still running is not
 * removed by DELETE but marked with deletionTimestamp = now + grace period; its node agent stops
 * the containers and then deletes it with grace period 0. An unbound or finished pod goes at once.
 */
final class PodGrace {
    /** Kubernetes' default terminationGracePeriodSeconds. */
    static final long DEFAULT_SECONDS = 30;

    private PodGrace() {}

    /** The grace period this delete gives the object; 0 when it goes at once. */
    static long seconds(ResourceType type, JsonNode object, Long requested) {
        if (!type.group().isEmpty() || !type.plural().equals("pods")) {
            return 0;
        }
        String phase = object.path("status").path("phase").asText("");
        boolean running = !object.path("spec").path("nodeName").asText("").isEmpty()
                && !phase.equals("Succeeded") && !phase.equals("Failed");
        if (!running) {
            return 0;
        }
        if (requested != null) {
            return requested;
        }
        return object.path("spec").path("terminationGracePeriodSeconds").asLong(DEFAULT_SECONDS);
    }

    /** Whether the grace period is new or shorter than the one already running (it never grows). */
    static boolean shortens(JsonNode object, long grace) {
        JsonNode current = object.path("metadata").get("deletionGracePeriodSeconds");
        return !object.path("metadata").hasNonNull("deletionTimestamp") || current == null || grace < current.asLong();
    }
}
