package io.drover.api.storage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.resource.ResourceType;
import io.drover.json.MetaTime;
import io.drover.pod.PodFields;
import java.time.Instant;

/**
 * Graceful deletion of pods, as kube-apiserver's rest.BeforeDelete and the pod strategy's
 * CheckGracefulDelete do it: the first DELETE marks the pod with deletionTimestamp = now + grace
 * period (0 for an unbound or finished pod, which then goes at once); its node agent stops the
 * containers and deletes it with grace period 0. A later DELETE may only shorten the grace period,
 * and the deadline moves with it (old deadline - old period + new period); one without a grace
 * period, or with one as long, leaves a pending deletion alone.
 */
final class PodGrace {
    /** Kubernetes' default terminationGracePeriodSeconds. */
    static final long DEFAULT_SECONDS = 30;

    /** What BeforeDelete decided for an object. */
    enum Outcome {
        /** Not deleted gracefully: the kind has no grace period, or the one it had is over (0). */
        NOT_GRACEFUL,
        /** Already being deleted gracefully and this delete does not shorten it: nothing to do. */
        PENDING,
        /** Marked (again) for graceful deletion: deletionTimestamp and deletionGracePeriodSeconds set. */
        GRACEFUL
    }

    /**
     * The decision, and for {@link Outcome#GRACEFUL} the grace period now set.
     *
     * @param outcome what the delete does
     * @param seconds the grace period set; 0 unless graceful
     */
    record Decision(Outcome outcome, long seconds) {
        static final Decision NOT_GRACEFUL = new Decision(Outcome.NOT_GRACEFUL, 0);
        static final Decision PENDING = new Decision(Outcome.PENDING, 0);

        boolean graceful() {
            return outcome == Outcome.GRACEFUL;
        }
    }

    private PodGrace() {}

    /**
     * rest.BeforeDelete for {@code object} (a copy, which it marks when the delete is graceful).
     *
     * @param requested the DELETE's gracePeriodSeconds (already 1 for a negative one), null for none
     */
    static Decision beforeDelete(ResourceType type, ObjectNode object, Long requested, Instant now) {
        if (!type.group().isEmpty() || !type.plural().equals("pods")) {
            return Decision.NOT_GRACEFUL;
        }
        ObjectNode metadata = object.withObject("metadata");
        JsonNode current = metadata.get("deletionGracePeriodSeconds");
        if (current != null && current.isNumber() && current.asLong() < 0) {
            metadata.put("deletionGracePeriodSeconds", 1);
        }
        if (metadata.hasNonNull("deletionTimestamp")) {
            long period = metadata.path("deletionGracePeriodSeconds").asLong(0);
            if (period == 0) {
                // Marked with grace 0 (a delete that failed after its update, or finalizers): delete now.
                return Decision.NOT_GRACEFUL;
            }
            if (requested == null || requested >= period) {
                return Decision.PENDING;
            }
            Instant deadline = Instant.parse(metadata.get("deletionTimestamp").asText())
                    .minusSeconds(period).plusSeconds(requested);
            metadata.put("deletionTimestamp", deadline.toString());
            metadata.put("deletionGracePeriodSeconds", requested);
            return new Decision(Outcome.GRACEFUL, requested);
        }
        long period = checkGracefulDelete(object, requested);
        metadata.put("deletionTimestamp", MetaTime.format(now.plusSeconds(period)));
        metadata.put("deletionGracePeriodSeconds", period);
        // The first mark tells the object's controllers to stand back: a new generation, as for other kinds.
        long generation = metadata.path("generation").asLong(0);
        if (generation > 0) {
            metadata.put("generation", generation + 1);
        }
        return new Decision(Outcome.GRACEFUL, period);
    }

    /** podStrategy.CheckGracefulDelete: the grace period a pod gets, 0 when it is not running on a node. */
    private static long checkGracefulDelete(JsonNode pod, Long requested) {
        long period = requested != null ? requested
                : pod.path("spec").path("terminationGracePeriodSeconds").asLong(DEFAULT_SECONDS);
        String phase = pod.path("status").path("phase").asText("");
        if (pod.path("spec").path("nodeName").asText("").isEmpty() || PodFields.isTerminal(phase)) {
            return 0;
        }
        return period;
    }
}
