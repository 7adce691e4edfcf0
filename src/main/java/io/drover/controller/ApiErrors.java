package io.drover.controller;

import io.fabric8.kubernetes.client.KubernetesClientException;

/** What a failed API call says to a user, as client-go's error does. */
public final class ApiErrors {
    private ApiErrors() {}

    /**
     * The server's Status message, as client-go's StatusError prints it (`pods "web-" is forbidden: ...`); for
     * another failure (no answer) its own message. fabric8's message adds the request URL and a dump of the Status,
     * which an Event or condition should not show.
     */
    public static String message(Throwable error) {
        if (error instanceof KubernetesClientException e && e.getStatus() != null && e.getStatus().getMessage() != null
                && !e.getStatus().getMessage().isEmpty()) {
            return e.getStatus().getMessage();
        }
        return String.valueOf(error.getMessage());
    }
}
