package io.drover.api.apply;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The outcome of a server-side apply: the object to store, or the conflicts that refused it.
 *
 * @param merged the object with the configuration applied and its managedFields updated; null when there are
 *     conflicts
 * @param conflicts the fields the configuration would change that other managers own, in path order per manager;
 *     empty when the apply succeeded
 */
public record ApplyResult(ObjectNode merged, List<Conflict> conflicts) {
    public ApplyResult {
        conflicts = List.copyOf(conflicts);
        if ((merged == null) == conflicts.isEmpty()) {
            throw new IllegalArgumentException("exactly one of merged and conflicts: merged=" + merged
                    + " conflicts=" + conflicts);
        }
    }

    public boolean conflicted() {
        return !conflicts.isEmpty();
    }

    /**
     * The message of the 409 Conflict status, worded as apiserver's {@code NewConflictError}: {@code Apply failed
     * with 1 conflict: conflict with "kubectl-client-side-apply" using v1: .data.key}, or for several
     * {@code Apply failed with 2 conflicts: conflicts with "a" using v1:\n- .data.x\n- .data.y}. The status
     * carries one {@code FieldManagerConflict} cause per conflict ({@link Conflict#causeMessage()},
     * {@link Conflict#field()}).
     */
    public String conflictMessage() {
        if (conflicts.isEmpty()) {
            return "";
        }
        if (conflicts.size() == 1) {
            Conflict only = conflicts.getFirst();
            return "Apply failed with 1 conflict: " + only.causeMessage() + ": " + only.field();
        }
        Map<String, List<Conflict>> byManager = new LinkedHashMap<>();
        conflicts.forEach(c -> byManager.computeIfAbsent(c.describeManager(), k -> new ArrayList<>()).add(c));
        List<String> lines = new ArrayList<>();
        byManager.forEach((manager, list) -> {
            lines.add("conflicts with " + manager + ":");
            list.forEach(c -> lines.add("- " + c.field()));
        });
        return "Apply failed with " + conflicts.size() + " conflicts: " + String.join("\n", lines);
    }
}
