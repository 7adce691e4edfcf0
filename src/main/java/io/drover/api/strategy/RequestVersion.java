package io.drover.api.strategy;

import java.util.concurrent.Callable;

/**
 * The API version a write came in as, when it is stored as another (an events.k8s.io/v1 Event is stored as a
 * core/v1 one): what kube-apiserver's strategies read from the request's context (requestGroupVersion), for the
 * few rules that depend on it. A request is handled on one thread, so a thread-local carries it there.
 */
public final class RequestVersion {
    private static final ThreadLocal<String> SERVED = new ThreadLocal<>();

    private RequestVersion() {}

    /** Runs {@code work} as a request made in {@code apiVersion}. */
    public static <T> T during(String apiVersion, Callable<T> work) throws Exception {
        String outer = SERVED.get();
        SERVED.set(apiVersion);
        try {
            return work.call();
        } finally {
            SERVED.set(outer);
        }
    }

    /** The API version of the request this thread handles, when it differs from the stored one; null otherwise. */
    static String served() {
        return SERVED.get();
    }
}
