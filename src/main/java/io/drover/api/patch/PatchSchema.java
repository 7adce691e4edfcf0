package io.drover.api.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What strategic merge patch needs to know about an object's fields: which lists are merged (and by which key)
 * rather than replaced, and the schema of nested objects and list elements. It mirrors the {@code patchStrategy}
 * and {@code patchMergeKey} struct tags of the Kubernetes Go types; a field the schema does not name is a plain
 * map (merged) or a plain list (replaced).
 */
public final class PatchSchema {
    private static final PatchSchema NONE = new PatchSchema(Map.of(), Map.of(), Set.of());

    private final Map<String, ListStrategy> lists;
    private final Map<String, PatchSchema> children;
    private final Set<String> atomic;

    private PatchSchema(Map<String, ListStrategy> lists, Map<String, PatchSchema> children, Set<String> atomic) {
        this.lists = Map.copyOf(lists);
        this.children = Map.copyOf(children);
        this.atomic = Set.copyOf(atomic);
    }

    /**
     * The schema of one of drover's built-in kinds, taken from the Kubernetes struct tags; for any other kind
     * {@link #none()}, so every list is replaced as in a JSON merge patch.
     */
    public static PatchSchema forKind(String apiVersion, String kind) {
        return KindSchemas.find(apiVersion, kind).orElse(NONE);
    }

    /** The schema that knows no merge lists: maps merge, lists are replaced. */
    public static PatchSchema none() {
        return NONE;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The schema of the object held by {@code field}, or of the elements of the list held by it. */
    PatchSchema child(String field) {
        return children.getOrDefault(field, NONE);
    }

    /** How the list held by {@code field} is patched. */
    ListStrategy list(String field) {
        return lists.getOrDefault(field, ListStrategy.REPLACE);
    }

    /** The schema of the object held by {@code field}, or of the elements of the list held by it. */
    public PatchSchema field(String field) {
        return child(field);
    }

    /**
     * The fields that identify the elements of the list held by {@code field} for server-side apply, its
     * {@code +listMapKey} tags ({@code +listType=map}, an associative list); empty for any other list. Most name
     * one, the strategic merge key; a few name more ({@code ports}: the number and the protocol).
     */
    public List<String> listKeys(String field) {
        ListStrategy strategy = list(field);
        return strategy.mergeKey() == null ? List.of() : strategy.mapKeys();
    }

    /**
     * The value server-side apply takes for key {@code key} of an element of the list held by {@code field} that
     * omits it, the field's OpenAPI default ({@code protocol: TCP}); empty when it has none.
     */
    public Optional<JsonNode> keyDefault(String field, String key) {
        return Optional.ofNullable(list(field).keyDefaults().get(key));
    }

    /** Whether the list held by {@code field} is merged as a set of values ({@code +listType=set}). */
    public boolean isValueSet(String field) {
        ListStrategy strategy = list(field);
        return strategy.merge() && strategy.mergeKey() == null;
    }

    /**
     * Whether the object held by {@code field} is replaced as a whole by server-side apply
     * ({@code +structType=atomic}, e.g. a label selector). Strategic merge patch ignores this.
     */
    public boolean isAtomic(String field) {
        return atomic.contains(field);
    }

    /**
     * A list's patch strategy: replaced wholesale, or merged. A merged list of objects matches elements by
     * {@code mergeKey}; a merged list of values ({@code mergeKey} null) is a set union.
     */
    record ListStrategy(boolean merge, String mergeKey, List<String> mapKeys, Map<String, JsonNode> keyDefaults) {
        static final ListStrategy REPLACE = new ListStrategy(false, null, List.of(), Map.of());

        ListStrategy {
            mapKeys = List.copyOf(mapKeys);
            keyDefaults = Map.copyOf(keyDefaults);
        }
    }

    /** Builds a schema; later calls for the same field win. */
    public static final class Builder {
        private final Map<String, ListStrategy> lists = new HashMap<>();
        private final Map<String, PatchSchema> children = new HashMap<>();
        private final Set<String> atomic = new HashSet<>();

        private Builder() {}

        /** A list of objects merged by {@code mergeKey} ({@code patchStrategy:"merge" patchMergeKey:"…"}). */
        public Builder mergeByKey(String field, String mergeKey) {
            return mergeByKey(field, mergeKey, NONE);
        }

        /** As {@link #mergeByKey(String, String)}, with the schema of the list's elements. */
        public Builder mergeByKey(String field, String mergeKey, PatchSchema elements) {
            return mergeByKeys(field, mergeKey, List.of(mergeKey), Map.of(), elements);
        }

        /**
         * A list of objects merged by {@code mergeKey} by strategic merge patch and keyed by all of {@code mapKeys}
         * ({@code +listMapKey}, the merge key first) by server-side apply, which takes {@code keyDefaults} for
         * key fields an element omits.
         */
        public Builder mergeByKeys(String field, String mergeKey, List<String> mapKeys, Map<String, String> keyDefaults,
                PatchSchema elements) {
            Objects.requireNonNull(mergeKey, "mergeKey");
            Map<String, JsonNode> defaults = new HashMap<>();
            keyDefaults.forEach((key, value) -> defaults.put(key, TextNode.valueOf(value)));
            lists.put(field, new ListStrategy(true, mergeKey, mapKeys, defaults));
            children.put(field, elements);
            return this;
        }

        /** A list of values merged as a set union ({@code patchStrategy:"merge"} without a key, e.g. finalizers). */
        public Builder mergeValues(String field) {
            lists.put(field, new ListStrategy(true, null, List.of(), Map.of()));
            return this;
        }

        /** The schema of a nested object, or of the elements of a replaced list. */
        public Builder nested(String field, PatchSchema schema) {
            children.put(field, Objects.requireNonNull(schema, "schema"));
            return this;
        }

        /** An object replaced as a whole by server-side apply ({@code +structType=atomic}). */
        public Builder atomic(String field) {
            atomic.add(field);
            return this;
        }

        public PatchSchema build() {
            return new PatchSchema(lists, children, atomic);
        }
    }
}
