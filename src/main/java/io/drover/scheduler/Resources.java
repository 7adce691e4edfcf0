package io.drover.scheduler;

import io.drover.pod.PodFields;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;

/**
 * An amount of the resources the scheduler accounts for: cpu in millicores, memory and
 * ephemeral storage in bytes. Quantities round up, as Kubernetes' MilliValue and Value do.
 */
public record Resources(long milliCpu, long memory, long ephemeralStorage) {
    public static final Resources NONE = new Resources(0, 0, 0);

    public static Resources of(Map<String, Quantity> list) {
        if (list == null || list.isEmpty()) {
            return NONE;
        }
        return new Resources(milli(list.get("cpu")), value(list.get("memory")), value(list.get("ephemeral-storage")));
    }

    /**
     * What a pod requests, computed as Kubernetes does (resourcehelper.PodRequests): the sum of its
     * containers and of its restartable (sidecar) init containers, or the largest one-at-a-time init
     * container if that is more, plus the pod overhead.
     */
    public static Resources requestsOf(PodSpec spec) {
        Resources containers = NONE;
        for (Container c : PodFields.list(spec.getContainers())) {
            containers = containers.plus(requestsOf(c));
        }
        Resources sidecars = NONE;
        Resources init = NONE;
        for (Container c : PodFields.list(spec.getInitContainers())) {
            Resources r = requestsOf(c);
            if ("Always".equals(c.getRestartPolicy())) {
                containers = containers.plus(r);
                sidecars = sidecars.plus(r);
                init = init.max(sidecars);
            } else {
                init = init.max(r.plus(sidecars));
            }
        }
        return containers.max(init).plus(of(spec.getOverhead()));
    }

    private static Resources requestsOf(Container c) {
        return c.getResources() == null ? NONE : of(c.getResources().getRequests());
    }

    public Resources plus(Resources o) {
        return new Resources(milliCpu + o.milliCpu, memory + o.memory, ephemeralStorage + o.ephemeralStorage);
    }

    public Resources max(Resources o) {
        return new Resources(Math.max(milliCpu, o.milliCpu), Math.max(memory, o.memory),
                Math.max(ephemeralStorage, o.ephemeralStorage));
    }

    /** "1", "100m", "1e3", "0.5": millicores, rounded up; 0 when absent. */
    public static long milli(Quantity q) {
        return q == null ? 0 : saturate(Quantity.getAmountInBytes(q).movePointRight(3));
    }

    /** "128Mi", "1Gi", "1e9", "500M": the value in base units, rounded up; 0 when absent. */
    public static long value(Quantity q) {
        return q == null ? 0 : saturate(Quantity.getAmountInBytes(q));
    }

    private static long saturate(BigDecimal amount) {
        BigDecimal whole = amount.setScale(0, RoundingMode.CEILING);
        if (whole.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
            return Long.MAX_VALUE;
        }
        return Math.max(0, whole.longValue());
    }
}
