package io.drover.controller;

import java.time.Duration;

/** What a reconcile asks for next: nothing, or another look after a while. */
public sealed interface Result {

    /** The key is in its desired state; come back only when something changes. */
    record Done() implements Result {}

    /** Look at the key again after {@code delay} (waiting on something outside the controller). */
    record RequeueAfter(Duration delay) implements Result {}

    static Result done() {
        return new Done();
    }

    static Result requeueAfter(Duration delay) {
        return new RequeueAfter(delay);
    }
}
