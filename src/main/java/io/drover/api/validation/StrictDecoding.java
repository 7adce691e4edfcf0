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
        inDocumentOrder(fields, unknownOperationMembers, "json patch ", problems);
        return new StrictDecoding(List.of(), problems, false);
    }

    /** Every problem, this body's together with the {@code unknownPaths} of the decoded object. */
    public List<Problem> problems(List<String> unknownPaths) {
        List<Problem> problems = new ArrayList<>(first);
        inDocumentOrder(documentOrder, unknownPaths, "", problems);
        return problems;
    }

    /**
     * The unknown fields and the repeats, in document order: an unknown field once, at its first
     * occurrence, and nothing of its repeats or its contents (which the typed decoder never reads);
     * unknown fields not met among {@code fields} (none given, or a body too large to record) last.
     * {@code fields} come depth first, so an unknown field's contents follow it without a break.
     */
    private static void inDocumentOrder(List<DuplicateFields.Occurrence> fields, List<String> unknownPaths,
            String prefix, List<Problem> problems) {
        Set<String> unknown = Set.copyOf(unknownPaths);
        Set<String> pending = new LinkedHashSet<>(unknownPaths);
        String skipped = null;
        for (DuplicateFields.Occurrence field : fields) {
            String path = field.path();
            if (skipped != null && isInside(path, skipped)) {
                continue;
            }
            skipped = null;
            if (unknown.contains(path)) {
                skipped = path;
                if (pending.remove(path)) {
                    problems.add(Problem.of(prefix + unknownField(path)));
                }
            } else if (field.duplicate()) {
                problems.add(Problem.of(prefix + duplicateField(path)));
            }
        }
        pending.forEach(path -> problems.add(Problem.of(prefix + unknownField(path))));
    }

    /** Whether {@code path} lies inside the field at {@code root}. */
    private static boolean isInside(String path, String root) {
        return path.length() > root.length() && path.startsWith(root)
                && (path.charAt(root.length()) == '.' || path.charAt(root.length()) == '[');
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
        return List.of(new Problem(yamlUnmarshalErrors(duplicateKeyLines), List.copyOf(duplicateKeyLines)));
    }

    /** go-yaml's text for strict errors: {@code yaml: unmarshal errors:} and one indented line each. */
    public static String yamlUnmarshalErrors(List<String> lines) {
        return "yaml: unmarshal errors:\n  " + String.join("\n  ", lines);
    }

    /** go-yaml's strict error for a key met again: {@code line 5: key "name" already set in map}. */
    public static String alreadySetInMap(int line, String key) {
        return "line " + line + ": key " + GoValues.quote(key) + " already set in map";
    }

    static String unknownField(String path) {
        return "unknown field \"" + path + "\"";
    }

    static String duplicateField(String path) {
        return "duplicate field \"" + path + "\"";
    }
}
