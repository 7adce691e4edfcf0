package io.drover.agent.env;

import static io.drover.pod.PodFields.list;
import static io.drover.pod.PodFields.text;

import io.drover.api.strategy.GoValues;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ObjectFieldSelector;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceFieldSelector;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The downward API for env vars, as the kubelet resolves it: fieldRef
 * (podFieldSelectorRuntimeValue, fieldpath.ExtractFieldPathAsString) and resourceFieldRef
 * (ExtractContainerResourceValue, with limits defaulted to the node's allocatable).
 */
final class DownwardApi {
    private static final Pattern SUBSCRIPTED = Pattern.compile("(metadata\\.(?:labels|annotations))\\['(.*)'\\]");
    private static final BigDecimal THOUSAND = BigDecimal.valueOf(1000);

    private DownwardApi() {}

    static String field(Pod pod, ObjectFieldSelector selector, String nodeIp) throws ContainerConfigException {
        String version = selector.getApiVersion();
        if (version != null && !version.isEmpty() && !version.equals("v1")) {
            throw new ContainerConfigException("unsupported pod version: " + version);
        }
        String path = selector.getFieldPath() == null ? "" : selector.getFieldPath();
        Matcher subscripted = SUBSCRIPTED.matcher(path);
        if (subscripted.matches()) {
            Map<String, String> map = subscripted.group(1).equals("metadata.labels") ? pod.getMetadata().getLabels()
                    : pod.getMetadata().getAnnotations();
            String value = map == null ? null : map.get(subscripted.group(2));
            return value == null ? "" : value;
        }
        return switch (path) {
            case "metadata.name" -> pod.getMetadata().getName();
            case "metadata.namespace" -> pod.getMetadata().getNamespace();
            case "metadata.uid" -> pod.getMetadata().getUid();
            case "metadata.labels" -> formatMap(pod.getMetadata().getLabels());
            case "metadata.annotations" -> formatMap(pod.getMetadata().getAnnotations());
            case "spec.nodeName" -> text(pod.getSpec().getNodeName());
            case "spec.serviceAccountName" -> text(pod.getSpec().getServiceAccountName());
            // One IP per node and pod: drover's pods share the node's network.
            case "status.hostIP", "status.hostIPs", "status.podIP", "status.podIPs" -> nodeIp;
            default -> throw new ContainerConfigException("unsupported fieldPath: " + path);
        };
    }

    static String resource(Pod pod, Container own, ResourceFieldSelector selector, Map<String, Quantity> allocatable)
            throws ContainerConfigException {
        Container container = own;
        String name = selector.getContainerName();
        if (name != null && !name.isEmpty()) {
            container = Stream.concat(list(pod.getSpec().getContainers()).stream(),
                            list(pod.getSpec().getInitContainers()).stream())
                    .filter(c -> name.equals(c.getName())).findFirst()
                    .orElseThrow(() -> new ContainerConfigException("container " + name + " not found"));
        }
        String resource = selector.getResource() == null ? "" : selector.getResource();
        Quantity divisor = selector.getDivisor();
        BigDecimal by = divisor == null || divisor.getNumericalAmount().signum() == 0 ? BigDecimal.ONE
                : divisor.getNumericalAmount();
        return switch (resource) {
            case "limits.cpu" -> cpu(limit(container, "cpu", allocatable), by);
            case "limits.memory" -> bytes(limit(container, "memory", allocatable), by);
            case "limits.ephemeral-storage" -> bytes(limit(container, "ephemeral-storage", allocatable), by);
            case "requests.cpu" -> cpu(request(container, "cpu"), by);
            case "requests.memory" -> bytes(request(container, "memory"), by);
            case "requests.ephemeral-storage" -> bytes(request(container, "ephemeral-storage"), by);
            default -> throw new ContainerConfigException("unsupported container resource : " + resource);
        };
    }

    private static BigDecimal limit(Container c, String name, Map<String, Quantity> allocatable) {
        Map<String, Quantity> limits = c.getResources() == null ? null : c.getResources().getLimits();
        Quantity q = limits == null ? null : limits.get(name);
        return amount(q != null ? q : allocatable.get(name));
    }

    private static BigDecimal request(Container c, String name) {
        Map<String, Quantity> requests = c.getResources() == null ? null : c.getResources().getRequests();
        return amount(requests == null ? null : requests.get(name));
    }

    private static BigDecimal amount(Quantity q) {
        return q == null ? BigDecimal.ZERO : q.getNumericalAmount();
    }

    /** ceil(milli-cores / divisor in milli-cores), as convertResourceCPUToString. */
    private static String cpu(BigDecimal cores, BigDecimal divisor) {
        BigDecimal millis = cores.multiply(THOUSAND).setScale(0, RoundingMode.CEILING);
        BigDecimal divisorMillis = divisor.multiply(THOUSAND).setScale(0, RoundingMode.CEILING);
        return millis.divide(divisorMillis, 0, RoundingMode.CEILING).toPlainString();
    }

    /** ceil(bytes / divisor), as convertResourceMemoryToString. */
    private static String bytes(BigDecimal bytes, BigDecimal divisor) {
        BigDecimal whole = bytes.setScale(0, RoundingMode.CEILING);
        BigDecimal by = divisor.setScale(0, RoundingMode.CEILING);
        return whole.divide(by, 0, RoundingMode.CEILING).toPlainString();
    }

    /** fieldpath.FormatMap: sorted key="value" lines, values quoted as Go's %q. */
    private static String formatMap(Map<String, String> map) {
        if (map == null || map.isEmpty()) {
            return "";
        }
        return new TreeMap<>(map).entrySet().stream()
                .map(e -> e.getKey() + "=" + GoValues.quote(e.getValue()))
                .collect(Collectors.joining("\n"));
    }
}
