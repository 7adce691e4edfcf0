package io.drover.api.storage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What a DELETE writes on an object that stays for now, as kube-apiserver's generic store
 * (deletionFinalizersForGarbageCollection, markAsDeleting) and its namespace registry
 * (shouldHaveOrphanFinalizer, shouldHaveDeleteDependentsFinalizer) write it. Each works on a copy
 * of the stored object.
 */
final class DeletionMarks {
    static final String ORPHAN = "orphan";
    static final String FOREGROUND = "foregroundDeletion";

    private DeletionMarks() {}

    static List<String> finalizers(JsonNode metadata) {
        List<String> names = new ArrayList<>();
        metadata.path("finalizers").forEach(f -> names.add(f.asText()));
        return names;
    }

    /**
     * deletionFinalizersForGarbageCollection: the garbage collector's finalizers as the options ask for
     * them (an explicit orphanDependents first, then the policy, then the object's own), the others kept.
     * Sets them on {@code metadata} when that changes the set; returns whether it did.
     */
    static boolean applyGarbageCollection(ObjectNode metadata, DeleteOptions options) {
        List<String> current = finalizers(metadata);
        Boolean fromObject = null; // true: orphan, false: foreground, null: neither
        for (String f : current) {
            if (f.equals(ORPHAN) || f.equals(FOREGROUND)) {
                fromObject = f.equals(ORPHAN);
                break;
            }
        }
        boolean orphan;
        boolean foreground;
        if (options.orphanDependents() != null) {
            orphan = options.orphanDependents();
            foreground = false;
        } else if (options.propagationPolicy() != null) {
            orphan = options.propagationPolicy().equals("Orphan");
            foreground = options.propagationPolicy().equals("Foreground");
        } else {
            orphan = Boolean.TRUE.equals(fromObject);
            foreground = Boolean.FALSE.equals(fromObject);
        }
        List<String> wanted = new ArrayList<>(current);
        wanted.removeAll(List.of(ORPHAN, FOREGROUND));
        if (orphan) {
            wanted.add(ORPHAN);
        }
        if (foreground) {
            wanted.add(FOREGROUND);
        }
        return set(metadata, current, wanted);
    }

    /**
     * The namespace registry's finalizers on a first delete: orphan as orphanDependents, else the policy
     * (Orphan), else the namespace itself says; foregroundDeletion as orphanDependents false, else the
     * policy (Foreground), else the namespace itself says. Both may stay, unlike the generic store's.
     */
    static void applyNamespace(ObjectNode metadata, DeleteOptions options) {
        List<String> current = finalizers(metadata);
        Boolean orphanDependents = options.orphanDependents();
        String policy = options.propagationPolicy();
        boolean orphan = orphanDependents != null ? orphanDependents
                : policy != null ? policy.equals("Orphan") : current.contains(ORPHAN);
        boolean foreground = orphanDependents != null ? !orphanDependents
                : policy != null ? policy.equals("Foreground") : current.contains(FOREGROUND);
        List<String> wanted = new ArrayList<>(current);
        wanted.removeAll(List.of(ORPHAN, FOREGROUND));
        if (current.contains(ORPHAN) == orphan && current.contains(FOREGROUND) == foreground) {
            return;
        }
        if (orphan) {
            wanted.add(ORPHAN);
        }
        if (foreground) {
            wanted.add(FOREGROUND);
        }
        set(metadata, current, wanted);
    }

    private static boolean set(ObjectNode metadata, List<String> current, List<String> wanted) {
        if (Set.copyOf(current).equals(Set.copyOf(wanted))) {
            return false;
        }
        if (wanted.isEmpty()) {
            metadata.remove("finalizers");
        } else {
            ArrayNode list = metadata.putArray("finalizers");
            wanted.forEach(list::add);
        }
        return true;
    }

    /**
     * markAsDeleting: deletionTimestamp now (unless an earlier one is set), grace period 0, and a new
     * generation when the object first gets its deletionTimestamp, so its controllers see that it goes.
     */
    static void markAsDeleting(ObjectNode metadata, Instant now) {
        boolean deleting = metadata.hasNonNull("deletionTimestamp");
        long generation = metadata.path("generation").asLong(0);
        if (!deleting && generation > 0) {
            metadata.put("generation", generation + 1);
        }
        Instant at = now.truncatedTo(ChronoUnit.SECONDS);
        if (!deleting || Instant.parse(metadata.get("deletionTimestamp").asText()).isAfter(at)) {
            metadata.put("deletionTimestamp", at.toString());
        }
        metadata.put("deletionGracePeriodSeconds", 0);
    }
}
