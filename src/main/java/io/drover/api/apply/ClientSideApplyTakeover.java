package io.drover.api.apply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.patch.PatchSchema;
import io.drover.api.resource.ResourceType;
import io.drover.api.validation.UnknownFields;
import io.drover.json.Mappers;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * apiserver's path from client-side to server-side apply (its {@code lastAppliedManager}): the first
 * {@code kubectl apply --server-side} of an object that {@code kubectl apply} made conflicts with the
 * client-side-apply manager on every field it changes. A field whose live value is still the one in the
 * last-applied-configuration annotation is the user's own, so a conflict on it is allowed; when every conflict is
 * allowed the apply is forced, and kubectl then migrates the managed fields. A field someone changed since (a
 * {@code kubectl scale}, a patch) is not the user's to take back silently: it still conflicts, with whoever owns
 * it. Only the manager {@code kubectl} gets this; another manager opts out, as apiserver intends.
 */
public final class ClientSideApplyTakeover {
    private static final String KUBECTL = "kubectl";
    private static final ObjectMapper JSON = Mappers.json();

    private ClientSideApplyTakeover() {}

    /**
     * The outcome of {@code manager}'s apply to {@code live}, given its {@code first} attempt, unforced.
     *
     * @param forced the same apply with {@code force=true}, run when every conflict is allowed
     * @return {@code first} when it succeeded, when the manager is not {@code kubectl} or when the annotation
     *     allows nothing; the forced apply when it allows every conflict; else the conflicts it does not allow
     */
    public static ApplyResult resolve(ObjectNode live, ResourceType type, PatchSchema schema, String manager,
            ApplyResult first, Supplier<ApplyResult> forced) {
        if (!KUBECTL.equals(manager) || !first.conflicted()) {
            return first;
        }
        Optional<Set<String>> allowed = allowedConflicts(live, type, schema);
        if (allowed.isEmpty()) {
            return first;
        }
        List<Conflict> remaining = first.conflicts().stream().filter(c -> !allowed.get().contains(c.field()))
                .toList();
        return remaining.isEmpty() ? forced.get() : new ApplyResult(null, remaining);
    }

    /**
     * The fields of the last-applied configuration whose live value is still the applied one (none of
     * structured-merge-diff's modified, added or removed between the two), as conflict paths; empty when there is
     * no annotation, or it is not a configuration of {@code type} in its version that typed conversion accepts.
     */
    private static Optional<Set<String>> allowedConflicts(ObjectNode live, ResourceType type, PatchSchema schema) {
        String annotation = live.path("metadata").path("annotations").path(LastApplied.ANNOTATION).asText("");
        if (annotation.isEmpty()) {
            return Optional.empty();
        }
        JsonNode parsed;
        try {
            parsed = JSON.readTree(annotation);
        } catch (IOException e) {
            return Optional.empty();
        }
        if (!(parsed instanceof ObjectNode lastApplied)
                || !type.apiVersion().equals(lastApplied.path("apiVersion").asText())
                || !type.kind().equals(lastApplied.path("kind").asText())
                || !UnknownFields.find(type.apiVersion(), type.kind(), lastApplied).isEmpty()) {
            return Optional.empty();
        }
        ObjectNode liveObject = ManagedFields.withoutManagedFields(live);
        FieldSet lastAppliedFields;
        try {
            lastAppliedFields = Fields.applied(lastApplied, schema);
            // Typed conversion of the live object fails as that of a configuration would (a duplicate in a keyed list).
            Fields.applied(liveObject, schema);
        } catch (InvalidApplyException e) {
            return Optional.empty();
        }
        Fields.Comparison comparison = Fields.compare(lastApplied, liveObject, schema);
        return Optional.of(lastAppliedFields.difference(comparison.modified()).difference(comparison.added())
                .difference(comparison.removed()).paths().stream().map(FieldPath::toString)
                .collect(Collectors.toSet()));
    }
}
