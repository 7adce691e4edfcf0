package io.drover.api.apply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Comparator;
import java.util.Objects;

/**
 * One step of a {@link FieldPath}, as structured-merge-diff names them: a field of an object, the element of an
 * associative list with a given key, the element of a set with a given value, or (for lists of unknown type) an
 * index. Elements order as structured-merge-diff orders them: fields, then keys, then values, then indexes.
 */
sealed interface PathElement extends Comparable<PathElement> {

    /** A field of an object: {@code f:name} in fieldsV1, {@code .name} in a conflict message. */
    record Field(String name) implements PathElement {
        public Field {
            Objects.requireNonNull(name, "name");
        }
    }

    /**
     * The element of an associative list whose key fields hold these values: {@code k:{"name":"web"}} in
     * fieldsV1, {@code [name="web"]} in a conflict message. The fields are kept sorted by name.
     */
    record Key(ObjectNode fields) implements PathElement {
        public Key {
            fields = Json.sorted(fields);
        }
    }

    /** The element of a set list with this value: {@code v:"x"} in fieldsV1, {@code [="x"]} in a message. */
    record Value(JsonNode value) implements PathElement {
        public Value {
            Objects.requireNonNull(value, "value");
        }
    }

    /** The element at an index: {@code i:0} in fieldsV1, {@code [0]} in a message. */
    record Index(int index) implements PathElement {}

    /** This element as a fieldsV1 key. */
    default String fieldsV1Key() {
        return switch (this) {
            case Field f -> "f:" + f.name();
            case Key k -> "k:" + Json.compact(k.fields());
            case Value v -> "v:" + Json.compact(v.value());
            case Index i -> "i:" + i.index();
        };
    }

    /** This element as structured-merge-diff prints it in a path. */
    default String display() {
        return switch (this) {
            case Field f -> "." + f.name();
            case Key k -> {
                StringBuilder b = new StringBuilder("[");
                k.fields().properties().forEach(e -> {
                    if (b.length() > 1) {
                        b.append(',');
                    }
                    b.append(e.getKey()).append('=').append(Json.compact(e.getValue()));
                });
                yield b.append(']').toString();
            }
            case Value v -> "[=" + Json.compact(v.value()) + "]";
            case Index i -> "[" + i.index() + "]";
        };
    }

    /** Parses a fieldsV1 key ({@code f:}, {@code k:}, {@code v:} or {@code i:}). */
    static PathElement parse(String fieldsV1Key) {
        if (fieldsV1Key.length() < 2 || fieldsV1Key.charAt(1) != ':') {
            throw new IllegalArgumentException("fieldsV1 key: " + fieldsV1Key + " (expected: f:, k:, v: or i:)");
        }
        String rest = fieldsV1Key.substring(2);
        return switch (fieldsV1Key.charAt(0)) {
            case 'f' -> new Field(rest);
            case 'k' -> {
                JsonNode key = Json.parse(rest);
                if (!key.isObject()) {
                    throw new IllegalArgumentException("fieldsV1 key: " + fieldsV1Key + " (expected: k:{…})");
                }
                yield new Key((ObjectNode) key);
            }
            case 'v' -> new Value(Json.parse(rest));
            case 'i' -> {
                try {
                    yield new Index(Integer.parseInt(rest));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("fieldsV1 key: " + fieldsV1Key + " (expected: i:<int>)", e);
                }
            }
            default -> throw new IllegalArgumentException(
                    "fieldsV1 key: " + fieldsV1Key + " (expected: f:, k:, v: or i:)");
        };
    }

    @Override
    default int compareTo(PathElement other) {
        return ORDER.compare(this, other);
    }

    /**
     * By kind, then by fieldsV1 key. Two fields, by far the most compared (every write sorts its
     * managed fields), compare by name, which orders them as their keys do without building them.
     */
    Comparator<PathElement> ORDER = (a, b) -> {
        int byKind = Integer.compare(a.rank(), b.rank());
        if (byKind != 0) {
            return byKind;
        }
        if (a instanceof Field fa && b instanceof Field fb) {
            return fa.name().compareTo(fb.name());
        }
        return a.fieldsV1Key().compareTo(b.fieldsV1Key());
    };

    private int rank() {
        return switch (this) {
            case Field f -> 0;
            case Key k -> 1;
            case Value v -> 2;
            case Index i -> 3;
        };
    }
}
