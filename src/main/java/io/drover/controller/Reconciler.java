package io.drover.controller;

/**
 * Brings one object (named by its key, "namespace/name" or "name") to its desired state. It reads
 * the current state itself, so it is safe to run twice; an exception means "retry with back-off".
 */
@FunctionalInterface
public interface Reconciler {
    Result reconcile(String key) throws Exception;
}
