package io.drover.controller;

import java.time.Duration;

/**
 * Runs an API call that a component makes on its way out (deleting the Lease or EndpointSlice it
 * published) and waits for it a bounded time. Such calls are a courtesy to other clients, whose
 * objects expire or get replaced anyway; a server whose store is down must still stop at once
 * rather than after the store's timeout times the client's retries (a minute or more). A call that
 * is not done in time goes on in the background until its client is closed.
 */
public final class BoundedCall {
    /** How long a component waits for each of its calls when it stops. */
    public static final Duration ON_STOP = Duration.ofSeconds(2);

    private BoundedCall() {}

    /**
     * Runs {@code call} on a thread of its own and waits at most {@code bound} for it. The call
     * handles its own failures.
     *
     * @return true when the call ended within the bound
     */
    public static boolean run(String name, Duration bound, Runnable call) {
        Thread thread = Thread.ofVirtual().name(name).start(call);
        try {
            return thread.join(bound);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
