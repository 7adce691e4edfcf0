package io.drover.api.apply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.apply.ManagedFields.Entry;
import io.drover.api.patch.PatchSchema;
import io.drover.json.MetaTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * Server-side apply ({@code PATCH} with {@code application/apply-patch+yaml}) as a pure function, after
 * structured-merge-diff's {@code Updater.Apply}:
 *
 * <ol>
 *   <li>merge the configuration into the live object (objects field by field, associative lists by key, every
 *       other list and scalar replaced);
 *   <li>prune: a field this manager applied last time, left out now and owned by no other manager, is removed;
 *   <li>compare live with the result: a changed or added field another manager owns is a conflict, which refuses
 *       the apply unless forced, and a forced apply takes the field from that manager;
 *   <li>the manager's Apply entry becomes exactly the configuration's fields.
 * </ol>
 *
 * A configuration equal to live (in the fields it sets) changes nothing; the manager then co-owns those fields,
 * and its entry's time moves only when the object changed, as in apiserver's managedFieldsUpdater.
 */
public final class ServerSideApply {
    private ServerSideApply() {}

    /**
     * Applies {@code applied} as {@code manager}. Neither object is modified.
     *
     * @param live the stored object, or null when the apply creates it
     * @param applied the configuration (its managedFields, if any, are ignored)
     * @param force take fields from other managers instead of reporting conflicts ({@code force=true})
     * @param schema the kind's associative lists, e.g. {@link PatchSchema#forKind}
     * @param now the time recorded in the manager's entry
     * @throws InvalidApplyException when an associative list in {@code applied} lacks a key or repeats one
     */
    public static ApplyResult apply(ObjectNode live, ObjectNode applied, String manager, boolean force,
            PatchSchema schema, Instant now) {
        return apply(live, applied, manager, force, schema, now, "");
    }

    /**
     * As {@link #apply(ObjectNode, ObjectNode, String, boolean, PatchSchema, Instant)} through {@code
     * subresource} ("status"; "" for the object itself): the manager's Apply entry for it is kept apart from its
     * entry for the object. {@code applied} holds only what the subresource may change.
     */
    public static ApplyResult apply(ObjectNode live, ObjectNode applied, String manager, boolean force,
            PatchSchema schema, Instant now, String subresource) {
        return apply(live, applied, manager, force, schema, now, subresource, ResetFields.NONE);
    }

    /**
     * As {@link #apply(ObjectNode, ObjectNode, String, boolean, PatchSchema, Instant, String)} for a write whose
     * strategy resets {@code reset} (an object's status): the manager does not own those fields, and changing them
     * conflicts with no one, as structured-merge-diff's IgnoredFields. They are merged all the same; the strategy
     * resets them afterwards.
     */
    public static ApplyResult apply(ObjectNode live, ObjectNode applied, String manager, boolean force,
            PatchSchema schema, Instant now, String subresource, ResetFields reset) {
        Objects.requireNonNull(applied, "applied");
        Objects.requireNonNull(manager, "manager");
        ObjectNode config = ManagedFields.withoutManagedFields(applied);
        ObjectNode before = live == null ? JsonNodeFactory.instance.objectNode()
                : ManagedFields.withoutManagedFields(live);
        List<Entry> entries = live == null ? List.of() : ManagedFields.read(live);
        if (live != null && entries.isEmpty()) {
            entries = ManagedFields.beforeFirstApply(live, schema);
        }

        FieldSet appliedSet = reset.removeFrom(ManagedFields.ownable(Fields.applied(config, schema)));
        Entry previous = null;
        List<Entry> others = new ArrayList<>();
        for (Entry entry : entries) {
            if (entry.sameManagerAs(manager, ManagedFields.APPLY, "", subresource)) {
                previous = entry;
            } else {
                others.add(entry);
            }
        }

        ObjectNode merged = Merge.merge(before, config, schema);
        FieldSet ownedByOthers = others.stream().map(Entry::fields).reduce(FieldSet.EMPTY, FieldSet::union);
        if (previous != null) {
            prune(merged, previous.fields().difference(appliedSet.union(ownedByOthers)),
                    appliedSet.union(ownedByOthers), schema);
        }

        Fields.Comparison comparison = Fields.compare(before, merged, schema);
        FieldSet changed = reset.removeFrom(comparison.changed());
        FieldSet removed = reset.removeFrom(comparison.removed());
        List<Conflict> conflicts = new ArrayList<>();
        List<Entry> updated = new ArrayList<>();
        for (Entry other : others) {
            FieldSet lost = other.fields().intersection(changed);
            lost.paths().forEach(path -> conflicts.add(new Conflict(other.manager(), other.operation(),
                    other.apiVersion(), other.subresource(), path.toString())));
            updated.add(other.withFields(other.fields().difference(lost).difference(removed)));
        }
        if (!conflicts.isEmpty() && !force) {
            conflicts.sort(Comparator.comparing(Conflict::manager).thenComparing(Conflict::operation)
                    .thenComparing(Conflict::apiVersion));
            return new ApplyResult(null, conflicts);
        }

        boolean objectChanged = !merged.equals(before);
        String time = objectChanged ? MetaTime.format(now) : previous == null ? null : previous.time();
        updated.add(new Entry(manager, ManagedFields.APPLY, config.path("apiVersion").asText(), time, subresource,
                appliedSet));
        ManagedFields.write(merged, updated);
        return new ApplyResult(merged, List.of());
    }

    /**
     * Removes the fields in {@code stale} from {@code merged}, with what lies below them, except what is still
     * {@code owned} (by the new configuration or another manager) and the objects and lists holding it, as
     * structured-merge-diff's prune does: it removes the stale items, then adds back the owned ones. So a map whose
     * {@code .} marker this manager no longer applies stays while it applies a field of it. An object or list
     * left empty by the removal which nobody owns goes too (Kubernetes drops them when it serializes the typed
     * object); top-level fields and the paths no manager owns stay.
     */
    private static void prune(ObjectNode merged, FieldSet stale, FieldSet owned, PatchSchema schema) {
        if (stale.isEmpty()) {
            return;
        }
        FieldSet all = Fields.compare(JsonNodeFactory.instance.objectNode(), merged, schema).added();
        // Parents first: removing a list element's key field first would leave the element unfindable.
        for (FieldPath path : all.paths()) {
            if (!underAny(stale, path) || owned.containsOrBelow(path) || ManagedFields.neverOwned(path)
                    || !Fields.remove(merged, path)) {
                continue;
            }
            for (FieldPath up = path.parent(); up.elements().size() > 1; up = up.parent()) {
                JsonNode node = Fields.get(merged, up);
                if (node == null || !node.isContainerNode() || !node.isEmpty() || owned.contains(up)) {
                    break;
                }
                Fields.remove(merged, up);
            }
        }
    }

    /** Whether {@code path} or one of the paths above it is in {@code set}. */
    private static boolean underAny(FieldSet set, FieldPath path) {
        for (FieldPath at = path; ; at = at.parent()) {
            if (set.contains(at)) {
                return true;
            }
            if (at.isRoot()) {
                return false;
            }
        }
    }
}
