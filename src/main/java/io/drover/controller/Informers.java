package io.drover.controller;

import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

/** What every informer of the server's own components is given before it starts. */
public final class Informers {
    private Informers() {}

    /**
     * {@code informer}, made to list and watch again (with fabric8's backoff) after any failure. fabric8's default
     * gives up for good on an event it cannot decode, so one such event (a framing bug, an object stored before a
     * rule) stopped the scheduler, the node agent, the proxy or a controller until the server restarted; a relist
     * recovers as soon as the cause is gone.
     */
    public static <T> SharedIndexInformer<T> keepWatching(SharedIndexInformer<T> informer) {
        return informer.exceptionHandler((started, failure) -> true);
    }
}
