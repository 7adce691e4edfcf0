package io.drover.api.validation;

import io.drover.api.strategy.GoValues;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What Kubernetes' strict decoding reports about one write's body, in its order and words: the
 * fields the kind does not have ({@code unknown field "spec.foo"}) and, found while the body was
 * read, fields given twice ({@code duplicate field "spec.paused"}, or go-yaml's
 * {@code line 5: key "name" already set in map}). Under fieldValidation=Strict they fail the write
 * as one "strict decoding error"; under Warn each is one Warning.
 */
public final class StrictDecoding {
    /** One problem: its text in the strict error, and the warnings it gives (a YAML group gives one per line). */
    public record Problem(String error, List<String> warnings) {
        static Problem of(String text) {
            return new Problem(text, List.of(text));
        }
    }

    private final List<DuplicateFields.Occurrence> documentOrder;
    private final List<Problem> first;
    private final boolean objectBody;

    private StrictDecoding(List<DuplicateFields.Occurrence> documentOrder, List<Problem> first, boolean objectBody) {
        this.documentOrder = documentOrder;
        this.first = first;
        this.objectBody = objectBody;
    }

    /** A body with nothing found while reading it: only its unknown fields count. */
    public static StrictDecoding none() {
        return new StrictDecoding(List.of(), List.of(), true);
    }

    /**
     * A JSON object to create or replace, decoded with its kind's schema: duplicates and unknown
     * fields come in document order, and a field that is unknown is reported once as unknown, its
     * repeats and its contents not at all.
     */
    public static StrictDecoding objectInDocumentOrder(List<DuplicateFields.Occurrence> fields) {
        return new StrictDecoding(fields, List.of(), true);
    }

    /**
     * A YAML object to create or replace: go-yaml's duplicate keys as one group first, then the
     * unknown fields.
     */
    public static StrictDecoding yamlObject(List<String> duplicateKeyLines) {
        return new StrictDecoding(List.of(), yamlGroup(duplicateKeyLines), true);
    }

    /**
     * A merge or strategic merge patch, decoded strictly without a schema before it is applied: each
     * repeated field of the patch, then the unknown fields of the patched object.
     */
    public static StrictDecoding patch(List<DuplicateFields.Occurrence> fields) {
        List<Problem> duplicates = new ArrayList<>();
        for (DuplicateFields.Occurrence field : fields) {
            if (field.duplicate()) {
                duplicates.add(Problem.of(duplicateField(field.path())));
            }
        }
        return new StrictDecoding(List.of(), duplicates, false);
    }

    /**
     * A JSON patch, whose operations are decoded strictly as jsonPatchOp {op, path, from, value}:
     * their unknown and repeated members (as {@code json patch unknown field "[0].foo"}), then the
     * unknown fields of the patched object.
     */
    public static StrictDecoding jsonPatch(List<String> unknownOperationMembers, List<DuplicateFields.Occurrence> fields) {
        List<Problem> problems = new ArrayList<>();
        Set<String> unknown = Set.copyOf(unknownOperationMembers);
        List<String> reported = new ArrayList<>(unknownOperationMembers);
        for (DuplicateFields.Occurrence field : fields) {
            if (unknown.contains(field.path()) && !field.duplicate()) {
                problems.add(Problem.of("json patch " + unknownField(field.path())));
                reported.remove(field.path());
            } else if (field.duplicate() && !within(field.path(), unknown)) {
                problems.add(Problem.of("json patch " + duplicateField(field.path())));
            }
        }
        reported.forEach(path -> problems.add(Problem.of("json patch " + unknownField(path))));
        return new StrictDecoding(List.of(), problems, false);
    }

    /** Every problem, this body's together with the {@code unknownPaths} of the decoded object. */
    public List<Problem> problems(List<String> unknownPaths) {
        List<Problem> problems = new ArrayList<>(first);
        if (documentOrder.isEmpty()) {
            unknownPaths.forEach(path -> problems.add(Problem.of(unknownField(path))));
            return problems;
        }
        Set<String> unknown = new LinkedHashSet<>(unknownPaths);
        Set<String> pending = new LinkedHashSet<>(unknownPaths);
        for (DuplicateFields.Occurrence field : documentOrder) {
            if (!field.duplicate() && pending.remove(field.path())) {
                problems.add(Problem.of(unknownField(field.path())));
            } else if (field.duplicate() && !within(field.path(), unknown)) {
                problems.add(Problem.of(duplicateField(field.path())));
            }
        }
        pending.forEach(path -> problems.add(Problem.of(unknownField(path))));
        return problems;
    }

    /**
     * The 400's message under Strict: an object's names its kind as the decoder of a create or
     * update words it ({@code Deployment in version "v1" cannot be handled as a Deployment: strict
     * decoding error: ...}), a patch's is the bare strict decoding error.
     */
    public String errorMessage(String apiVersion, String kind, List<Problem> problems) {
        StringBuilder message = new StringBuilder();
        if (objectBody) {
            String version = apiVersion.substring(apiVersion.indexOf('/') + 1);
            message.append(kind).append(" in version \"").append(version).append("\" cannot be handled as a ")
                    .append(kind).append(": ");
        }
        message.append("strict decoding error: ");
        for (int i = 0; i < problems.size(); i++) {
            message.append(i == 0 ? "" : ", ").append(problems.get(i).error());
        }
        return message.toString();
    }

    /** go-yaml's unmarshal errors, one group: {@code yaml: unmarshal errors:\n  line 5: ...}. */
    static List<Problem> yamlGroup(List<String> duplicateKeyLines) {
        if (duplicateKeyLines.isEmpty()) {
            return List.of();
        }
        return List.of(new Problem("yaml: unmarshal errors:\n  " + String.join("\n  ", duplicateKeyLines),
                List.copyOf(duplicateKeyLines)));
    }

    /** go-yaml's strict error for a key met again: {@code line 5: key "name" already set in map}. */
    public static String alreadySetInMap(int line, String key) {
        return "line " + line + ": key " + GoValues.quote(key) + " already set in map";
    }

    /** Whether {@code path} is one of {@code roots} or lies inside one. */
    private static boolean within(String path, Set<String> roots) {
        for (String root : roots) {
            if (path.equals(root) || path.startsWith(root + ".") || path.startsWith(root + "[")) {
                return true;
            }
        }
        return false;
    }

    static String unknownField(String path) {
        return "unknown field \"" + path + "\"";
    }

    static String duplicateField(String path) {
        return "duplicate field \"" + path + "\"";
    }
}
