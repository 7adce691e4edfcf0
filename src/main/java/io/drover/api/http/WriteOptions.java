package io.drover.api.http;

import io.drover.api.ApiException;
import io.drover.api.ApiException.Cause;
import io.drover.api.strategy.GoValues;
import io.drover.api.validation.FieldValidation;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The query options of a create, update or patch (CreateOptions, UpdateOptions, PatchOptions),
 * checked as apimachinery's ValidateCreateOptions, ValidateUpdateOptions and ValidatePatchOptions
 * check them: every problem at once, a 422 Invalid on the options' kind, before the body is used.
 *
 * @param dryRun whether the write is only checked (any dryRun value, all of them "All")
 * @param fieldManager the manager the write's fields are recorded for: the {@code fieldManager}
 *     parameter, or the client's name from its User-Agent as kube-apiserver derives it
 * @param fieldValidation what unknown fields in the body do
 * @param force a server-side apply's {@code force}
 */
record WriteOptions(boolean dryRun, String fieldManager, FieldValidation fieldValidation, boolean force) {
    /** apimachinery's FieldManagerMaxLength. */
    private static final int FIELD_MANAGER_MAX_LENGTH = 128;

    /** What kind of write the options are for, which names the options' kind in a 422. */
    enum Verb {
        CREATE("CreateOptions"), UPDATE("UpdateOptions"), PATCH("PatchOptions"), APPLY("PatchOptions");

        private final String optionsKind;

        Verb(String optionsKind) {
            this.optionsKind = optionsKind;
        }
    }

    /** The options of {@code request}, a write of kind {@code verb}. */
    static WriteOptions of(ApiRequest request, Verb verb) {
        List<Cause> causes = new ArrayList<>();
        String manager = request.param("fieldManager");
        manager = manager == null ? "" : manager;
        if (verb == Verb.APPLY && manager.isEmpty()) {
            // kubectl defaults it; controllers have to name themselves.
            causes.add(new Cause("FieldValueRequired", "Required value: is required for apply patch", "fieldManager"));
        }
        causes.addAll(fieldManagerProblems(manager));
        String forceParam = request.param("force");
        // Only PatchOptions has a force: a create's or update's is not decoded at all.
        if (forceParam != null && verb == Verb.PATCH) {
            causes.add(new Cause("FieldValueForbidden", "Forbidden: may not be specified for non-apply patch", "force"));
        }
        List<String> dryRun = DryRun.queried(request);
        DryRun.unsupported(dryRun).ifPresent(causes::add);
        FieldValidation validation = FieldValidation.WARN;
        try {
            validation = FieldValidation.parse(request.param("fieldValidation"));
        } catch (IllegalArgumentException e) {
            causes.add(new Cause("FieldValueNotSupported", e.getMessage(), "fieldValidation"));
        }
        if (!causes.isEmpty()) {
            throw ApiException.invalid(verb.optionsKind + ".meta.k8s.io", "", causes);
        }
        return new WriteOptions(!dryRun.isEmpty(), manager.isEmpty() ? userAgentManager(request) : manager,
                validation, forceParam != null && ApiRequest.goBool(forceParam));
    }

    /** ValidateFieldManager: at most 128 bytes, printable characters only (Go's unicode.IsPrint). */
    private static List<Cause> fieldManagerProblems(String manager) {
        List<Cause> causes = new ArrayList<>();
        if (manager.getBytes(StandardCharsets.UTF_8).length > FIELD_MANAGER_MAX_LENGTH) {
            causes.add(new Cause("FieldValueTooLong", "Too long: may not be more than " + FIELD_MANAGER_MAX_LENGTH
                    + " bytes", "fieldManager"));
        }
        int position = 0;
        for (int i = 0; i < manager.length(); ) {
            int c = manager.codePointAt(i);
            if (!isGoPrintable(c)) {
                causes.add(new Cause("FieldValueInvalid", "Invalid value: " + GoValues.quote(manager)
                        + ": invalid character " + String.format("U+%04X", c) + " (at position " + position + ")",
                        "fieldManager"));
            }
            position += utf8Length(c);
            i += Character.charCount(c);
        }
        return causes;
    }

    /**
     * Go's unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space; no
     * other space, no control, format, private-use or unassigned code point.
     */
    static boolean isGoPrintable(int c) {
        if (c == ' ') {
            return true;
        }
        return switch (Character.getType(c)) {
            case Character.CONTROL, Character.FORMAT, Character.PRIVATE_USE, Character.SURROGATE,
                    Character.UNASSIGNED, Character.SPACE_SEPARATOR, Character.LINE_SEPARATOR,
                    Character.PARAGRAPH_SEPARATOR -> false;
            default -> true;
        };
    }

    /**
     * The manager of a write without a fieldManager, as kube-apiserver's prefixFromUserAgent takes
     * it: the User-Agent up to its first "/", printable characters only, at most 128 bytes.
     */
    private static String userAgentManager(ApiRequest request) {
        String agent = request.header("user-agent");
        StringBuilder manager = new StringBuilder();
        int bytes = 0;
        String prefix = agent == null ? "" : agent.split("/", -1)[0];
        for (int i = 0; i < prefix.length(); i += Character.charCount(prefix.codePointAt(i))) {
            int c = prefix.codePointAt(i);
            if (!isGoPrintable(c)) {
                continue;
            }
            int length = utf8Length(c);
            if (bytes + length > FIELD_MANAGER_MAX_LENGTH) {
                break;
            }
            manager.appendCodePoint(c);
            bytes += length;
        }
        // kube-apiserver would record an empty manager; a name says more in managedFields.
        return manager.isEmpty() ? "unknown" : manager.toString();
    }

    private static int utf8Length(int codePoint) {
        return codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
    }
}
