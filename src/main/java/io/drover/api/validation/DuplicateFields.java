package io.drover.api.validation;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The fields of a JSON request body in document order, each marked when an earlier field of the
 * same object had its name: what Kubernetes' strict decoder (sigs.k8s.io/json) reports as
 * {@code duplicate field "spec.paused"}. Paths are written as that decoder writes them: field names
 * and map keys joined by dots, array elements as {@code [i]} ({@code spec.template.spec.containers[0].image},
 * {@code [1].path} in a JSON patch).
 */
public final class DuplicateFields {
    private static final JsonFactory PLAIN = new JsonFactory();
    /** At most this many fields, and this many characters of their paths, are recorded (then the rest is not). */
    private static final int MAX_RECORDED = 100_000;
    private static final long MAX_RECORDED_CHARS = 2_000_000;

    private DuplicateFields() {}

    /** One field of the body: its path, and whether its object had a field of that name before. */
    public record Occurrence(String path, boolean duplicate) {}

    /** Whether a parse failed on Jackson's STRICT_DUPLICATE_DETECTION: a field given twice. */
    public static boolean isDuplicate(JsonParseException e) {
        return e.getOriginalMessage() != null && e.getOriginalMessage().startsWith("Duplicate field");
    }

    /**
     * Every field of {@code json} in document order, each marked when repeated: for a body that
     * Jackson's own detector (STRICT_DUPLICATE_DETECTION, on the request's parse) found to repeat
     * one, so that nothing is paid for the bodies that do not. Empty for one that is not JSON.
     */
    public static List<Occurrence> occurrences(byte[] json) {
        try {
            return readOccurrences(json);
        } catch (IOException e) {
            return List.of();
        }
    }

    private static List<Occurrence> readOccurrences(byte[] json) throws IOException {
        List<Occurrence> found = new ArrayList<>();
        long recordedChars = 0;
        Deque<Level> levels = new ArrayDeque<>();
        try (JsonParser parser = PLAIN.createParser(json)) {
            for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
                Level level = levels.peek();
                switch (token) {
                    case FIELD_NAME -> {
                        String name = parser.currentName();
                        boolean repeated = !level.names.add(name);
                        level.field = name;
                        // Paths are built only for what is recorded, and recording is bounded: a 3 MiB body
                        // nested 1,000 deep with a field given twice would otherwise make a gigabyte of them.
                        String path = join(level.path(), name);
                        recordedChars += path.length();
                        if (found.size() >= MAX_RECORDED || recordedChars > MAX_RECORDED_CHARS) {
                            return found;
                        }
                        found.add(new Occurrence(path, repeated));
                    }
                    case START_OBJECT, START_ARRAY -> levels.push(new Level(level, token == JsonToken.START_OBJECT));
                    case END_OBJECT, END_ARRAY -> levels.pop();
                    default -> {
                        if (level != null && level.names == null) {
                            level.nextIndex++; // a scalar takes its place in an array
                        }
                    }
                }
            }
        }
        return found;
    }

    private static String join(String path, String field) {
        return path.isEmpty() ? field : path + "." + field;
    }

    /**
     * An object (with the names seen in it and the field being read) or an array (with its next
     * index), below its parent; its path is built when first asked for.
     */
    private static final class Level {
        final Level parent;
        /** How the parent reaches this level: its field's name, or its element's index. */
        final String viaField;
        final int viaIndex;
        final Set<String> names;
        String field;
        int nextIndex;
        private String path;

        Level(Level parent, boolean object) {
            this.parent = parent;
            this.names = object ? new HashSet<>() : null;
            if (parent != null && parent.names == null) {
                this.viaField = null;
                this.viaIndex = parent.nextIndex++;
            } else {
                this.viaField = parent == null ? null : parent.field;
                this.viaIndex = -1;
            }
        }

        String path() {
            if (path == null) {
                path = parent == null ? "" : viaField != null ? join(parent.path(), viaField)
                        : parent.path() + "[" + viaIndex + "]";
            }
            return path;
        }
    }
}
