package io.drover.proxy;

import java.util.Map;

/**
 * How a Service's new connections pick among its endpoints. Kubernetes has no field for this, so
 * drover reads the annotation {@value #ANNOTATION} on the Service.
 */
enum BalancingPolicy {
    /** Each new connection goes to the next endpoint in turn (the default, as kube-proxy's). */
    ROUND_ROBIN,
    /** Each new connection goes to the endpoint with the fewest open connections through this proxy. */
    LEAST_CONNECTIONS;

    static final String ANNOTATION = "drover.io/load-balancing";

    static BalancingPolicy of(Map<String, String> annotations) {
        String value = annotations == null ? null : annotations.get(ANNOTATION);
        return "least-connections".equals(value) ? LEAST_CONNECTIONS : ROUND_ROBIN;
    }
}
