package io.drover.api.storage;

/**
 * What a DELETE asked for.
 *
 * @param uid precondition: the object's uid, or null
 * @param resourceVersion precondition: the object's resourceVersion, or null
 * @param propagationPolicy Foreground, Background or Orphan; null for the resource's default
 * @param dryRun whether to only check
 * @param gracePeriodSeconds how long a running pod gets to stop; null for its
 *     terminationGracePeriodSeconds, 0 to delete it at once
 */
public record DeleteOptions(String uid, String resourceVersion, String propagationPolicy, boolean dryRun,
        Long gracePeriodSeconds) {
    public static DeleteOptions defaults() {
        return new DeleteOptions(null, null, null, false, null);
    }
}
