package io.drover.api.apply;

import java.util.ArrayList;
import java.util.List;

/** The path from an object's root to one of its fields or list elements. Paths order element by element. */
record FieldPath(List<PathElement> elements) implements Comparable<FieldPath> {
    static final FieldPath ROOT = new FieldPath(List.of());

    FieldPath {
        elements = List.copyOf(elements);
    }

    static FieldPath of(String... fields) {
        FieldPath path = ROOT;
        for (String field : fields) {
            path = path.child(new PathElement.Field(field));
        }
        return path;
    }

    FieldPath child(PathElement element) {
        List<PathElement> longer = new ArrayList<>(elements.size() + 1);
        longer.addAll(elements);
        longer.add(element);
        return new FieldPath(longer);
    }

    FieldPath parent() {
        return new FieldPath(elements.subList(0, elements.size() - 1));
    }

    boolean isRoot() {
        return elements.isEmpty();
    }

    PathElement last() {
        return elements.getLast();
    }

    /** Whether {@code other} is this path or lies below it. */
    boolean isPrefixOf(FieldPath other) {
        return other.elements.size() >= elements.size() && other.elements.subList(0, elements.size()).equals(elements);
    }

    /** As structured-merge-diff prints a path: {@code .spec.template.spec.containers[name="web"].image}. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        elements.forEach(e -> b.append(e.display()));
        return b.toString();
    }

    @Override
    public int compareTo(FieldPath other) {
        int n = Math.min(elements.size(), other.elements.size());
        for (int i = 0; i < n; i++) {
            int c = elements.get(i).compareTo(other.elements.get(i));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(elements.size(), other.elements.size());
    }
}
