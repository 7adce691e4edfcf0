package io.drover.agent;

import io.drover.agent.runtime.Resources;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;

/**
 * A container's {@code resources} as the runtime takes them: memory in bytes and CPU in
 * millicores, parsed with Kubernetes' quantity rules (fabric8's {@link Quantity}). Requests are
 * already defaulted from limits by the API server. Values round up, as Kubernetes' {@code
 * Value()} and {@code MilliValue()} do.
 */
final class ContainerResources {
    private ContainerResources() {}

    static Resources of(Container c) {
        if (c.getResources() == null) {
            return Resources.NONE;
        }
        Map<String, Quantity> limits = c.getResources().getLimits();
        Map<String, Quantity> requests = c.getResources().getRequests();
        return new Resources(bytes(limits, "memory"), millis(limits, "cpu"), millis(requests, "cpu"));
    }

    private static long bytes(Map<String, Quantity> quantities, String name) {
        Quantity q = quantities == null ? null : quantities.get(name);
        return q == null ? 0 : Quantity.getAmountInBytes(q).setScale(0, RoundingMode.CEILING).longValueExact();
    }

    private static long millis(Map<String, Quantity> quantities, String name) {
        Quantity q = quantities == null ? null : quantities.get(name);
        return q == null ? 0 : q.getNumericalAmount().multiply(BigDecimal.valueOf(1000))
                .setScale(0, RoundingMode.CEILING).longValueExact();
    }
}
