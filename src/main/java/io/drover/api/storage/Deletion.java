package io.drover.api.storage;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What a DELETE did.
 *
 * @param object the object as the delete left it, or as it was last stored when it is gone
 * @param removed whether it is gone (Kubernetes' wasDeleted), rather than marked for deletion (finalizers,
 *     a pod's grace period, a namespace's content) or left alone
 */
public record Deletion(ObjectNode object, boolean removed) {}
