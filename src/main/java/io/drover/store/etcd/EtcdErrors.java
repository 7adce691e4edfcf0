package io.drover.store.etcd;

import io.drover.store.StoreTimeoutException;
import io.drover.store.StoreUnavailableException;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Waits for jetcd futures with a bound and recognises the etcd errors that mean something to the
 * store. etcd reports them only as gRPC status text, so matching the message is the only way; the
 * strings are etcd's own ({@code mvcc.ErrCompacted}, {@code mvcc.ErrFutureRev}, {@code
 * rpctypes.ErrRequestTooLarge}), stable since etcd 3.0.
 */
final class EtcdErrors {
    private EtcdErrors() {}

    /** How long one etcd request may take before the store gives up on it. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

    private static final String COMPACTED = "required revision has been compacted";
    private static final String FUTURE_REVISION = "required revision is a future revision";
    private static final String TOO_LARGE = "request is too large";

    /**
     * The future's value, waiting at most {@code timeout}.
     *
     * @throws StoreUnavailableException on any failure; its cause is the unwrapped etcd error, which
     *     the {@code is…} methods classify ({@link StoreTimeoutException} when etcd did not answer in time)
     */
    static <T> T await(CompletableFuture<T> future, Duration timeout, String what) {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new StoreTimeoutException(
                    "etcd did not answer " + what + " within " + timeout.toSeconds() + " s", e);
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("interrupted while waiting for etcd to " + what, e);
        } catch (ExecutionException | CompletionException | CancellationException e) {
            Throwable cause = unwrap(e);
            throw new StoreUnavailableException("etcd failed to " + what + ": " + cause.getMessage(), cause);
        }
    }

    static <T> T await(CompletableFuture<T> future, String what) {
        return await(future, REQUEST_TIMEOUT, what);
    }

    static Throwable unwrap(Throwable t) {
        Throwable current = t;
        while ((current instanceof ExecutionException || current instanceof CompletionException)
                && current.getCause() != null) {
            current = current.getCause();
        }
        return current;
    }

    static boolean isCompacted(Throwable t) {
        return messageContains(t, COMPACTED);
    }

    static boolean isFutureRevision(Throwable t) {
        return messageContains(t, FUTURE_REVISION);
    }

    static boolean isTooLarge(Throwable t) {
        return messageContains(t, TOO_LARGE);
    }

    private static boolean messageContains(Throwable t, String text) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c.getMessage() != null && c.getMessage().contains(text)) {
                return true;
            }
        }
        return false;
    }
}
