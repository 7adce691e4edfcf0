package io.drover.api.apply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * An immutable set of field paths: what one manager owns, or what changed between two objects. It reads and
 * writes the {@code FieldsV1} encoding of managedFields: a tree of {@code f:}/{@code k:}/{@code v:}/{@code i:}
 * keys where {@code {}} marks a member leaf and {@code ".": {}} marks a member that also has members below it.
 */
final class FieldSet {
    static final FieldSet EMPTY = new FieldSet(new TreeSet<>());

    private final NavigableSet<FieldPath> paths;

    private FieldSet(NavigableSet<FieldPath> paths) {
        this.paths = Collections.unmodifiableNavigableSet(paths);
    }

    static FieldSet of(Collection<FieldPath> paths) {
        return new FieldSet(new TreeSet<>(paths));
    }

    NavigableSet<FieldPath> paths() {
        return paths;
    }

    boolean isEmpty() {
        return paths.isEmpty();
    }

    boolean contains(FieldPath path) {
        return paths.contains(path);
    }

    /** Whether {@code path} or any path below it is a member. */
    boolean containsOrBelow(FieldPath path) {
        FieldPath next = paths.ceiling(path);
        return next != null && path.isPrefixOf(next);
    }

    FieldSet union(FieldSet other) {
        TreeSet<FieldPath> result = new TreeSet<>(paths);
        result.addAll(other.paths);
        return new FieldSet(result);
    }

    FieldSet difference(FieldSet other) {
        TreeSet<FieldPath> result = new TreeSet<>(paths);
        result.removeAll(other.paths);
        return new FieldSet(result);
    }

    FieldSet intersection(FieldSet other) {
        TreeSet<FieldPath> result = new TreeSet<>(paths);
        result.retainAll(other.paths);
        return new FieldSet(result);
    }

    /** This set without the paths of {@code prefixes} and everything below them (structured-merge-diff's RecursiveDifference). */
    FieldSet withoutAnyUnder(FieldSet prefixes) {
        if (prefixes.isEmpty()) {
            return this;
        }
        TreeSet<FieldPath> result = new TreeSet<>();
        for (FieldPath path : paths) {
            if (prefixes.paths.stream().noneMatch(prefix -> prefix.isPrefixOf(path))) {
                result.add(path);
            }
        }
        return new FieldSet(result);
    }

    /** Parses a {@code fieldsV1} tree. */
    static FieldSet fromFieldsV1(JsonNode fieldsV1) {
        TreeSet<FieldPath> result = new TreeSet<>();
        if (fieldsV1 != null && fieldsV1.isObject()) {
            read(fieldsV1, FieldPath.ROOT, result);
        }
        return new FieldSet(result);
    }

    private static void read(JsonNode node, FieldPath at, TreeSet<FieldPath> into) {
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            if (e.getKey().equals(".")) {
                into.add(at);
                continue;
            }
            FieldPath child = at.child(PathElement.parse(e.getKey()));
            if (e.getValue().isEmpty()) {
                into.add(child);
            } else {
                read(e.getValue(), child, into);
            }
        }
    }

    /** This set as a {@code fieldsV1} tree, keys in structured-merge-diff's order. */
    ObjectNode toFieldsV1() {
        Node root = new Node();
        for (FieldPath path : paths) {
            Node node = root;
            for (PathElement element : path.elements()) {
                node = node.children.computeIfAbsent(element, k -> new Node());
            }
            node.member = true;
        }
        return root.write();
    }

    private static final class Node {
        boolean member;
        final TreeMap<PathElement, Node> children = new TreeMap<>();

        ObjectNode write() {
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            if (member && !children.isEmpty()) {
                out.putObject(".");
            }
            children.forEach((element, child) -> out.set(element.fieldsV1Key(), child.write()));
            return out;
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FieldSet other && paths.equals(other.paths);
    }

    @Override
    public int hashCode() {
        return paths.hashCode();
    }

    @Override
    public String toString() {
        return paths.toString();
    }
}
