package io.drover.api.http;

import io.drover.api.ApiException;
import io.drover.api.strategy.GoValues;
import io.drover.api.resource.ResourceType;
import io.drover.api.storage.FieldLabels;
import io.drover.api.storage.FieldSelector;
import io.drover.api.storage.GoIntegers;
import io.drover.api.storage.LabelSelector;
import io.drover.api.storage.ListOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The query parameters of a list or a watch, and Kubernetes' checks of how they combine
 * (ValidateListOptions and validateWatchOptions): a forbidden combination is a 422 Invalid on
 * {@code ListOptions.meta.k8s.io}, a resourceVersion ahead of the store a 504.
 */
final class ListParameters {
    private static final String RESOURCE_VERSION_MATCH = "resourceVersionMatch";
    private static final String SEND_INITIAL_EVENTS = "sendInitialEvents";
    private static final String EXACT = "Exact";
    private static final String NOT_OLDER_THAN = "NotOlderThan";

    private final LongSupplier currentRevision;

    ListParameters(LongSupplier currentRevision) {
        this.currentRevision = currentRevision;
    }

    /** Selectors, limit, continue token and resourceVersion; 400 for a malformed one. */
    static ListOptions options(ApiRequest request, ResourceType type) {
        int limit = 0;
        String limitParam = request.param("limit");
        if (limitParam != null && !limitParam.isEmpty()) {
            // An int64 in Kubernetes; 0 or less means no limit.
            long asked = GoIntegers.parseInt64(limitParam).orElseThrow(() -> parseIntError(limitParam));
            limit = (int) Math.clamp(asked, 0, Integer.MAX_VALUE);
        }
        String timeout = request.param("timeoutSeconds");
        if (timeout != null && !timeout.isEmpty() && !GoIntegers.isInt64(timeout)) {
            // Part of ListOptions, decoded (and refused) on a plain list too, not only on a watch.
            throw parseIntError(timeout);
        }
        String cont = request.param("continue");
        if ("0".equals(request.param("resourceVersion")) && (cont == null || cont.isEmpty())) {
            // resourceVersion=0 is served from kube-apiserver's watch cache, which ignores the limit
            // there (computeListLimit): the whole list, no continue token.
            limit = 0;
        }
        return new ListOptions(
                LabelSelector.parse(request.param("labelSelector")),
                FieldLabels.check(type, FieldSelector.parse(request.param("fieldSelector"))),
                limit,
                cont == null || cont.isEmpty() ? null : cont,
                request.param("resourceVersion") == null ? "" : request.param("resourceVersion"));
    }

    /**
     * The revision a list reads at, from its resourceVersion and resourceVersionMatch as Kubernetes
     * takes them: unset, "0" or a continue token: the current state (drover reads the store, which
     * is never behind); N with resourceVersionMatch=Exact: as of N (410 once compacted); N alone or
     * with NotOlderThan: the current state, which is N or newer unless N is ahead of the store (504).
     */
    long listRevision(ListOptions options, ApiRequest request) {
        String rv = options.resourceVersion();
        String match = match(request);
        List<ApiException.Cause> causes = new ArrayList<>();
        if (!match.isEmpty()) {
            if (rv.isEmpty()) {
                causes.add(forbidden("resourceVersionMatch is forbidden unless resourceVersion is provided"));
            }
            if (options.continueToken() != null) {
                causes.add(forbidden("resourceVersionMatch is forbidden when continue is provided"));
            }
            if (!match.equals(EXACT) && !match.equals(NOT_OLDER_THAN)) {
                causes.add(notSupported(match, "\"Exact\", \"NotOlderThan\", \"\""));
            }
            if (match.equals(EXACT) && rv.equals("0")) {
                causes.add(forbidden("resourceVersionMatch \"exact\" is forbidden for resourceVersion \"0\""));
            }
        }
        if (request.param(SEND_INITIAL_EVENTS) != null) {
            causes.add(new ApiException.Cause("FieldValueForbidden",
                    "Forbidden: sendInitialEvents is forbidden for list", SEND_INITIAL_EVENTS));
        }
        requireNone(causes);
        if (options.continueToken() != null) {
            if (!rv.isEmpty() && !rv.equals("0")) {
                throw ApiException.badRequest("specifying resource version is not allowed when using continue");
            }
            return 0;
        }
        if (rv.isEmpty() || rv.equals("0")) {
            return 0;
        }
        requireReached(options.revision());
        // A paged list at a resourceVersion without resourceVersionMatch is read Exact: the legacy paging
        // semantics, which kube-apiserver keeps (a continued list must see the snapshot its first page saw).
        boolean legacyExact = match.isEmpty() && options.limit() > 0;
        return match.equals(EXACT) || legacyExact ? options.revision() : 0;
    }

    /**
     * A single-object GET's resourceVersion: unset or "0" reads the current object, as N does when the store has
     * reached N (drover's store is never behind); N beyond the store's revision is the list's 504 (kube-apiserver's
     * watch cache waits for it, then answers the same), a malformed one a 400.
     */
    void requireReadable(ApiRequest request) {
        String rv = request.param("resourceVersion");
        if (rv == null || rv.isEmpty() || rv.equals("0")) {
            return;
        }
        requireReached(ListOptions.revision(rv));
    }

    /**
     * A watch's sendInitialEvents (WatchList, served as Kubernetes 1.32 serves it with the feature
     * on, defaulted as there), or null when not asked. Asked for, it needs resourceVersionMatch=NotOlderThan, and a
     * resourceVersionMatch needs it.
     */
    Boolean sendInitialEvents(ListOptions options, ApiRequest request) {
        String match = match(request);
        Boolean send = QueryBooleans.parse(request.param(SEND_INITIAL_EVENTS));
        String rv = options.resourceVersion() == null ? "" : options.resourceVersion();
        if (send == null && match.isEmpty() && (rv.isEmpty() || rv.equals("0"))) {
            // SetListOptionsDefaults, before the checks: with WatchList on (1.32's default) a watch from "" or "0"
            // that asks neither is one with initial events, which a watch with bookmarks sees end.
            send = true;
            match = NOT_OLDER_THAN;
        }
        List<ApiException.Cause> causes = new ArrayList<>();
        if (send != null && !match.equals(NOT_OLDER_THAN)) {
            causes.add(forbidden("sendInitialEvents requires setting resourceVersionMatch to NotOlderThan"));
        }
        if (!match.isEmpty()) {
            if (send == null) {
                causes.add(forbidden("resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided"));
            }
            if (!match.equals(NOT_OLDER_THAN)) {
                causes.add(notSupported(match, "\"NotOlderThan\""));
            }
            if (options.continueToken() != null) {
                causes.add(forbidden("resourceVersionMatch is forbidden when continue is provided"));
            }
        }
        requireNone(causes);
        if (Boolean.TRUE.equals(send) && !rv.isEmpty() && !rv.equals("0")) {
            requireReached(options.revision());
        }
        return send;
    }

    /**
     * The 400 of a query integer Go cannot read: DecodeParameters' Convert_Slice_string_To_int64 returns
     * strconv.ParseInt's error, which ListResource answers as it is.
     */
    private static ApiException parseIntError(String value) {
        boolean digits = value.matches("[+-]?[0-9]+");
        return ApiException.badRequest("strconv.ParseInt: parsing " + GoValues.quote(value) + ": "
                + (digits ? "value out of range" : "invalid syntax"));
    }

    private void requireReached(long requested) {
        long current = currentRevision.getAsLong();
        if (requested > current) {
            throw ApiException.resourceVersionTooLarge(requested, current);
        }
    }

    private static String match(ApiRequest request) {
        String match = request.param(RESOURCE_VERSION_MATCH);
        return match == null ? "" : match;
    }

    private static void requireNone(List<ApiException.Cause> causes) {
        if (!causes.isEmpty()) {
            throw ApiException.invalid("ListOptions.meta.k8s.io", "", causes);
        }
    }

    private static ApiException.Cause forbidden(String detail) {
        return new ApiException.Cause("FieldValueForbidden", "Forbidden: " + detail, RESOURCE_VERSION_MATCH);
    }

    private static ApiException.Cause notSupported(String value, String supported) {
        return new ApiException.Cause("FieldValueNotSupported", "Unsupported value: \"" + value
                + "\": supported values: " + supported, RESOURCE_VERSION_MATCH);
    }
}
