package io.drover.api.storage;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The attempts of a write that named no resourceVersion and lost a race for its object. Kubernetes'
 * GuaranteedUpdate re-reads and tries again without bound, so such a write (a patch, an apply, an
 * unconditional update) never answers 409 for a race. Here the first retries are immediate and later
 * ones wait a random few milliseconds, so that many writers of one object stop colliding in lockstep;
 * the attempts end after a request's timeout (kube-apiserver's 60 s) rather than never.
 */
final class ConflictRetry {
    static final Duration LIMIT = Duration.ofSeconds(60);
    private static final int IMMEDIATE = 2;
    private static final int MAX_PAUSE_MILLIS = 32;

    private final long deadline = System.nanoTime() + LIMIT.toNanos();
    private int conflicts;

    /** Waits before the next attempt; false when the time for attempts is up or the thread is interrupted. */
    boolean pauseBeforeRetry() {
        conflicts++;
        if (System.nanoTime() - deadline > 0) {
            return false;
        }
        if (conflicts <= IMMEDIATE) {
            return true;
        }
        int bound = Math.min(MAX_PAUSE_MILLIS, 1 << Math.min(conflicts - IMMEDIATE, 5));
        try {
            Thread.sleep(ThreadLocalRandom.current().nextInt(bound + 1));
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
