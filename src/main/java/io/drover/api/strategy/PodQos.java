package io.drover.api.strategy;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A pod's quality of service class (Kubernetes' ComputePodQOS), which kube-apiserver writes into a
 * new pod's status.qosClass: BestEffort without any CPU or memory request or limit; Guaranteed when
 * every container (init ones too) limits both and the pod's requests equal its limits; Burstable
 * otherwise.
 */
final class PodQos {
    private static final List<String> COMPUTE = List.of("cpu", "memory");

    private PodQos() {}

    static String of(JsonNode spec) {
        Map<String, BigDecimal> requests = new HashMap<>();
        Map<String, BigDecimal> limits = new HashMap<>();
        boolean guaranteed = true;
        for (String list : List.of("containers", "initContainers")) {
            for (JsonNode container : spec.path(list)) {
                JsonNode resources = container.path("resources");
                add(resources.path("requests"), requests);
                Set<String> limited = add(resources.path("limits"), limits);
                guaranteed &= limited.containsAll(COMPUTE);
            }
        }
        if (requests.isEmpty() && limits.isEmpty()) {
            return "BestEffort";
        }
        if (guaranteed && requests.size() == limits.size()) {
            for (Map.Entry<String, BigDecimal> request : requests.entrySet()) {
                BigDecimal limit = limits.get(request.getKey());
                if (limit == null || limit.compareTo(request.getValue()) != 0) {
                    return "Burstable";
                }
            }
            return "Guaranteed";
        }
        return "Burstable";
    }

    /** Adds the positive CPU and memory amounts of {@code list} to {@code sums}; returns the names added. */
    private static Set<String> add(JsonNode list, Map<String, BigDecimal> sums) {
        Set<String> found = new HashSet<>();
        for (String name : COMPUTE) {
            JsonNode value = list.get(name);
            if (value == null || value.isNull()) {
                continue;
            }
            BigDecimal amount;
            try {
                amount = Quantity.getAmountInBytes(new Quantity(value.asText()));
            } catch (IllegalArgumentException | ArithmeticException e) {
                continue; // refused by validation; counts as unset here
            }
            if (amount.signum() > 0) {
                found.add(name);
                sums.merge(name, amount, BigDecimal::add);
            }
        }
        return found;
    }
}
