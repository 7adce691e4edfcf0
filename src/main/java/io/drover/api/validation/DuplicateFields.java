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
        Deque<Level> levels = new ArrayDeque<>();
        try (JsonParser parser = PLAIN.createParser(json)) {
            for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
                Level level = levels.peek();
                switch (token) {
                    case FIELD_NAME -> {
                        String name = parser.currentName();
                        String path = level.path.isEmpty() ? name : level.path + "." + name;
                        found.add(new Occurrence(path, !level.names.add(name)));
                        level.field = path;
                    }
                    case START_OBJECT, START_ARRAY -> {
                        String path = valuePath(level);
                        levels.push(token == JsonToken.START_OBJECT ? Level.object(path) : Level.array(path));
                    }
                    case END_OBJECT, END_ARRAY -> levels.pop();
                    default -> valuePath(level); // a scalar takes its place in an array
                }
            }
        }
        return found;
    }

    /** The path of the value starting now: the field just named, or the array's next element. */
    private static String valuePath(Level level) {
        if (level == null) {
            return "";
        }
        if (level.names == null) {
            return level.path + "[" + level.nextIndex++ + "]";
        }
        return level.field;
    }

    /** An object (with the names seen in it and the field being read) or an array (with its next index). */
    private static final class Level {
        final String path;
        final Set<String> names;
        String field;
        int nextIndex;

        private Level(String path, Set<String> names) {
            this.path = path;
            this.names = names;
        }

        static Level object(String path) {
            return new Level(path, new HashSet<>());
        }

        static Level array(String path) {
            return new Level(path, null);
        }
    }
}
