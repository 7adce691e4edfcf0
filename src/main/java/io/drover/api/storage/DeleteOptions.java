package io.drover.api.storage;

import com.fasterxml.jackson.databind.JsonNode;
import io.drover.api.ApiException;

/**
 * What a DELETE asked for.
 *
 * @param uid precondition: the object's uid, or null
 * @param resourceVersion precondition: the object's resourceVersion, or null
 * @param propagationPolicy Foreground, Background or Orphan; null for the resource's default
 * @param dryRun whether to only check
 * @param gracePeriodSeconds how long a running pod gets to stop; null for its
 *     terminationGracePeriodSeconds, 0 to delete it at once
 * @param orphanDependents the deprecated orphanDependents option, null when not given
 */
public record DeleteOptions(String uid, String resourceVersion, String propagationPolicy, boolean dryRun,
        Long gracePeriodSeconds, Boolean orphanDependents) {
    public DeleteOptions(String uid, String resourceVersion, String propagationPolicy, boolean dryRun,
            Long gracePeriodSeconds) {
        this(uid, resourceVersion, propagationPolicy, dryRun, gracePeriodSeconds, null);
    }

    public static DeleteOptions defaults() {
        return new DeleteOptions(null, null, null, false, null);
    }

    /**
     * Whether the DELETE is answered 202 Accepted when the object stays for now (other finalizers,
     * a pod's grace): kube-apiserver does so only for {@code orphanDependents: false}.
     */
    public boolean acceptedWhenPending() {
        return Boolean.FALSE.equals(orphanDependents);
    }

    /**
     * The options of a DeleteOptions object (a DELETE's body, an Eviction's deleteOptions; a
     * missing node for none) and the query parameters, which the body's values override.
     *
     * <p>The options are not validated here: the DELETE handler and the eviction check them as
     * ValidateDeleteOptions does, each at its own step.
     *
     * @throws ApiException 400 for a grace period that is not an integer
     */
    public static DeleteOptions of(JsonNode options, String policyParam, String graceParam, boolean dryRun) {
        return of(options, policyParam, graceParam, null, dryRun);
    }

    /**
     * As above, with the orphanDependents query parameter (a Go boolean), which the body's overrides:
     * when no policy is given, true orphans and false sets neither garbage-collector finalizer
     * (Background), as the registry's shouldOrphanDependents and shouldDeleteDependents read it.
     */
    public static DeleteOptions of(JsonNode options, String policyParam, String graceParam, Boolean orphanParam,
            boolean dryRun) {
        String policy = policyParam;
        Long grace = null;
        if (graceParam != null && !graceParam.isEmpty()) {
            try {
                grace = Long.parseLong(graceParam);
            } catch (NumberFormatException e) {
                throw ApiException.badRequest("gracePeriodSeconds: Invalid value: \"" + graceParam
                        + "\": must be an integer");
            }
        }
        if (options.hasNonNull("gracePeriodSeconds")) {
            grace = options.get("gracePeriodSeconds").asLong();
        }
        if (options.hasNonNull("propagationPolicy")) {
            policy = options.get("propagationPolicy").asText();
        }
        Boolean orphan = orphanParam;
        if (options.hasNonNull("orphanDependents")) {
            orphan = options.get("orphanDependents").asBoolean();
        }
        if (orphan != null && policy == null) {
            policy = orphan ? "Orphan" : "Background";
        }
        JsonNode preconditions = options.path("preconditions");
        String uid = preconditions.hasNonNull("uid") ? preconditions.get("uid").asText() : null;
        String rv = preconditions.hasNonNull("resourceVersion") ? preconditions.get("resourceVersion").asText() : null;
        if (grace != null && grace < 0) {
            // "Negative values will be treated as the value 1s on the delete path" (rest.BeforeDelete).
            grace = 1L;
        }
        return new DeleteOptions(uid, rv, policy, dryRun, grace, orphan);
    }
}
