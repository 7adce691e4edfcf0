package io.drover.scheduler;

import io.drover.pod.PodFields;
import io.drover.pod.ResourceNames;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongBinaryOperator;

/**
 * An amount of the resources the scheduler accounts for: cpu in millicores, memory and
 * ephemeral storage in bytes, and the scalar resources (extended resources such as nvidia.com/gpu,
 * hugepages) by name in their base units. Quantities round up, as Kubernetes' MilliValue and Value do.
 */
public record Resources(long milliCpu, long memory, long ephemeralStorage, Map<String, Long> scalars) {
    public static final Resources NONE = new Resources(0, 0, 0);

    public Resources {
        scalars = Map.copyOf(scalars);
    }

    public Resources(long milliCpu, long memory, long ephemeralStorage) {
        this(milliCpu, memory, ephemeralStorage, Map.of());
    }

    public static Resources of(Map<String, Quantity> list) {
        if (list == null || list.isEmpty()) {
            return NONE;
        }
        Map<String, Long> scalars = new TreeMap<>();
        list.forEach((name, quantity) -> {
            if (ResourceNames.isScalar(name)) {
                scalars.put(name, value(quantity));
            }
        });
        return new Resources(milli(list.get("cpu")), value(list.get("memory")), value(list.get("ephemeral-storage")),
                scalars);
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
        return new Resources(milliCpu + o.milliCpu, memory + o.memory, ephemeralStorage + o.ephemeralStorage,
                merged(scalars, o.scalars, Long::sum));
    }

    public Resources max(Resources o) {
        return new Resources(Math.max(milliCpu, o.milliCpu), Math.max(memory, o.memory),
                Math.max(ephemeralStorage, o.ephemeralStorage), merged(scalars, o.scalars, Math::max));
    }

    /** The amount of scalar resource {@code name}, 0 when absent. */
    public long scalar(String name) {
        return scalars.getOrDefault(name, 0L);
    }

    private static Map<String, Long> merged(Map<String, Long> a, Map<String, Long> b, LongBinaryOperator how) {
        if (b.isEmpty()) {
            return a;
        }
        if (a.isEmpty()) {
            return b;
        }
        Map<String, Long> result = new TreeMap<>(a);
        b.forEach((name, amount) -> result.merge(name, amount, (x, y) -> how.applyAsLong(x, y)));
        return result;
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
