package io.drover.api.apply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.patch.PatchSchema;
import io.drover.json.MetaTime;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The bookkeeping of {@code metadata.managedFields}: which manager owns which fields, per operation. Server-side
 * apply ({@link ServerSideApply}) records {@code Apply} entries; every other write records an {@code Update} entry
 * through {@link #recordUpdate}, as the Kubernetes API server's field manager does for create, update and patch.
 */
public final class ManagedFields {
    static final String APPLY = "Apply";
    static final String UPDATE = "Update";
    /** Who owns the fields of an object without managedFields when it is first applied to. */
    static final String BEFORE_FIRST_APPLY = "before-first-apply";

    /**
     * Server-maintained paths no manager owns (apiserver's stripMeta), plus the top-level {@code spec} and
     * {@code status} nodes, which a typed object always has, so an Update never "adds" them.
     */
    private static final FieldSet NEVER_OWNED = FieldSet.of(List.of(
            FieldPath.of("apiVersion"), FieldPath.of("kind"), FieldPath.of("metadata"),
            FieldPath.of("metadata", "name"), FieldPath.of("metadata", "namespace"),
            FieldPath.of("metadata", "creationTimestamp"), FieldPath.of("metadata", "selfLink"),
            FieldPath.of("metadata", "uid"), FieldPath.of("metadata", "clusterName"),
            FieldPath.of("metadata", "generation"), FieldPath.of("metadata", "managedFields"),
            FieldPath.of("metadata", "resourceVersion"), FieldPath.of("spec"), FieldPath.of("status")));

    private ManagedFields() {}

    /**
     * One managedFields entry. An Apply entry is identified by manager (and subresource) alone, an Update entry
     * also by apiVersion, as apiserver's {@code BuildManagerIdentifier} does.
     */
    record Entry(String manager, String operation, String apiVersion, String time, String subresource,
            FieldSet fields) {
        Entry {
            Objects.requireNonNull(manager, "manager");
            Objects.requireNonNull(operation, "operation");
            apiVersion = Objects.requireNonNullElse(apiVersion, "");
            subresource = Objects.requireNonNullElse(subresource, "");
        }

        boolean isApply() {
            return operation.equals(APPLY);
        }

        boolean sameManagerAs(String otherManager, String otherOperation, String otherApiVersion,
                String otherSubresource) {
            return manager.equals(otherManager) && operation.equals(otherOperation)
                    && subresource.equals(otherSubresource) && (isApply() || apiVersion.equals(otherApiVersion));
        }

        Entry withFields(FieldSet newFields) {
            return new Entry(manager, operation, apiVersion, time, subresource, newFields);
        }
    }

    /**
     * {@code newObj} with its managedFields updated for an ordinary write (create, update, patch) by
     * {@code manager}: the fields that write added or changed become the manager's, with operation {@code Update}
     * and the object's apiVersion, and leave every other manager's set; removed fields leave every set. A
     * request that carries managedFields of its own replaces the old ones (an empty list keeps them, a list of
     * one empty entry clears them), as in Kubernetes. Neither argument is modified.
     *
     * @param oldObj the object before the write, or null on create
     * @param manager the request's fieldManager, or the name derived from its user agent (e.g. "kubectl-create")
     */
    public static ObjectNode recordUpdate(ObjectNode oldObj, ObjectNode newObj, String manager, Instant now) {
        return recordUpdate(oldObj, newObj, manager, now, "");
    }

    /**
     * As {@link #recordUpdate(ObjectNode, ObjectNode, String, Instant)} for a write through {@code subresource}
     * ("status", "ephemeralcontainers"; "" for the object itself): the manager's entry for that subresource is
     * kept apart from its entry for the object, as apiserver keeps them. {@code newObj} is the object as the
     * subresource leaves it, so only the subresource's fields can change.
     */
    public static ObjectNode recordUpdate(ObjectNode oldObj, ObjectNode newObj, String manager, Instant now,
            String subresource) {
        return recordUpdate(oldObj, newObj, manager, now, subresource, ResetFields.NONE);
    }

    /**
     * As {@link #recordUpdate(ObjectNode, ObjectNode, String, Instant, String)} for a write whose strategy resets
     * {@code reset}: those fields are left out of what the write changed, so the writer owns none of them and no
     * other manager loses any, and the writer's entry drops those it held (structured-merge-diff's IgnoredFields).
     */
    public static ObjectNode recordUpdate(ObjectNode oldObj, ObjectNode newObj, String manager, Instant now,
            String subresource, ResetFields reset) {
        return recordUpdate(oldObj, newObj, manager, now,
                PatchSchema.forKind(newObj.path("apiVersion").asText(), newObj.path("kind").asText()), subresource,
                reset);
    }

    /** As {@link #recordUpdate(ObjectNode, ObjectNode, String, Instant)}, with the kind's schema given. */
    public static ObjectNode recordUpdate(ObjectNode oldObj, ObjectNode newObj, String manager, Instant now,
            PatchSchema schema) {
        return recordUpdate(oldObj, newObj, manager, now, schema, "", ResetFields.NONE);
    }

    private static ObjectNode recordUpdate(ObjectNode oldObj, ObjectNode newObj, String manager, Instant now,
            PatchSchema schema, String subresource, ResetFields reset) {
        Objects.requireNonNull(manager, "manager");
        JsonNode sent = newObj.path("metadata").path("managedFields");
        // As apiserver's decodeLiveOrNew: managedFields sent that it cannot decode count as none sent.
        List<Entry> entries = sent.isArray() && !sent.isEmpty() ? decodeSent(sent).orElse(null) : null;
        if (entries == null) {
            entries = oldObj == null ? List.of() : read(oldObj);
        }
        ObjectNode before = oldObj == null ? JsonNodeFactory.instance.objectNode() : withoutManagedFields(oldObj);
        ObjectNode after = withoutManagedFields(newObj);
        String apiVersion = after.path("apiVersion").asText();

        Fields.Comparison comparison = Fields.compare(before, after, schema);
        FieldSet changed = reset.removeFrom(comparison.changed());
        FieldSet taken = changed.union(reset.removeFrom(comparison.removed()));
        FieldSet current = ownable(changed);
        List<Entry> updated = new ArrayList<>();
        boolean recorded = false;
        for (Entry entry : entries) {
            Entry rest = entry.withFields(entry.fields().difference(taken));
            boolean writers = rest.sameManagerAs(manager, UPDATE, apiVersion, subresource);
            if (writers) {
                rest = rest.withFields(reset.removeFrom(rest.fields()));
            }
            if (!current.isEmpty() && writers) {
                rest = new Entry(manager, UPDATE, apiVersion, MetaTime.format(now), subresource,
                        rest.fields().union(current));
                recorded = true;
            }
            updated.add(rest);
        }
        if (!current.isEmpty() && !recorded) {
            updated.add(new Entry(manager, UPDATE, apiVersion, MetaTime.format(now), subresource, current));
        }
        ObjectNode result = newObj.deepCopy();
        write(result, updated);
        return result;
    }

    /** The managers' fields of an object the API server tracked none for: all of them, before the first apply. */
    static List<Entry> beforeFirstApply(ObjectNode live, PatchSchema schema) {
        ObjectNode fields = withoutManagedFields(live);
        FieldSet all = ownable(Fields.compare(JsonNodeFactory.instance.objectNode(), fields, schema).added());
        return all.isEmpty() ? List.of()
                : List.of(new Entry(BEFORE_FIRST_APPLY, UPDATE, fields.path("apiVersion").asText(), null, "", all));
    }

    /** Whether {@code path} is one no manager can own. */
    static boolean neverOwned(FieldPath path) {
        return NEVER_OWNED.contains(path);
    }

    /** Without the paths no manager can own. */
    static FieldSet ownable(FieldSet fields) {
        return fields.difference(NEVER_OWNED);
    }

    /** The entries of {@code object}'s managedFields; entries without a manager name are dropped. */
    static List<Entry> read(ObjectNode object) {
        JsonNode list = object.path("metadata").path("managedFields");
        List<Entry> entries = new ArrayList<>();
        for (JsonNode e : list) {
            String manager = e.path("manager").asText("");
            if (manager.isEmpty() || !e.path("fieldsType").asText("FieldsV1").equals("FieldsV1")) {
                continue;
            }
            entries.add(entry(manager, e));
        }
        return entries;
    }

    /**
     * The entries of managedFields a request sent, or empty where apiserver's DecodeManagedFields fails
     * on them (an operation other than Apply or Update, no apiVersion, a fieldsType other than
     * FieldsV1, a fieldsV1 key that is none, such as {@code q:x} or {@code k:notjson}): apiserver then
     * keeps the stored object's managedFields, so such a write succeeds rather than failing on
     * bookkeeping. Entries without a manager name are dropped, as {@link #read} drops them.
     */
    private static Optional<List<Entry>> decodeSent(JsonNode list) {
        List<Entry> entries = new ArrayList<>();
        for (JsonNode e : list) {
            String manager = e.path("manager").asText("");
            if (manager.isEmpty()) {
                continue;
            }
            boolean decodable = List.of(APPLY, UPDATE).contains(e.path("operation").asText())
                    && !e.path("apiVersion").asText("").isEmpty()
                    && e.path("fieldsType").asText("").equals("FieldsV1");
            if (!decodable) {
                return Optional.empty();
            }
            try {
                entries.add(entry(manager, e));
            } catch (IllegalArgumentException malformedKey) {
                return Optional.empty();
            }
        }
        return Optional.of(entries);
    }

    private static Entry entry(String manager, JsonNode e) {
        return new Entry(manager, e.path("operation").asText(UPDATE), e.path("apiVersion").asText(""),
                e.hasNonNull("time") ? e.get("time").asText() : null, e.path("subresource").asText(""),
                FieldSet.fromFieldsV1(e.get("fieldsV1")));
    }

    /**
     * Sets {@code object}'s managedFields to the non-empty {@code entries}, sorted as apiserver sorts them
     * (operation, time, manager, apiVersion, subresource); removes the field when none remain.
     */
    static void write(ObjectNode object, List<Entry> entries) {
        ObjectNode metadata = object.withObjectProperty("metadata");
        List<Entry> sorted = entries.stream()
                .filter(e -> !e.fields().isEmpty())
                .sorted(Comparator.comparing(Entry::operation)
                        .thenComparingLong(e -> epochSeconds(e.time()))
                        .thenComparing(Entry::manager)
                        .thenComparing(Entry::apiVersion)
                        .thenComparing(Entry::subresource))
                .toList();
        if (sorted.isEmpty()) {
            metadata.remove("managedFields");
            return;
        }
        ArrayNode list = metadata.putArray("managedFields");
        for (Entry e : sorted) {
            ObjectNode out = list.addObject();
            out.put("manager", e.manager());
            out.put("operation", e.operation());
            out.put("apiVersion", e.apiVersion());
            if (e.time() != null) {
                out.put("time", e.time());
            }
            out.put("fieldsType", "FieldsV1");
            out.set("fieldsV1", e.fields().toFieldsV1());
            if (!e.subresource().isEmpty()) {
                out.put("subresource", e.subresource());
            }
        }
    }

    static ObjectNode withoutManagedFields(ObjectNode object) {
        ObjectNode copy = object.deepCopy();
        if (copy.get("metadata") instanceof ObjectNode metadata) {
            metadata.remove("managedFields");
        }
        return copy;
    }

    private static long epochSeconds(String time) {
        if (time == null) {
            return 0;
        }
        try {
            return Instant.parse(time).getEpochSecond();
        } catch (DateTimeParseException e) {
            return 0;
        }
    }
}
