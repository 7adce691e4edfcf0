package io.drover.agent.env;

import static io.drover.pod.PodFields.list;

import io.drover.ports.PortAssignment;
import io.fabric8.kubernetes.api.model.ConfigMapKeySelector;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarSource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;

/**
 * Builds a container's environment and command line the way the kubelet does
 * (makeEnvironmentVariables, ExpandContainerCommandAndArgs), with drover's port variables.
 *
 * <p>Three layers, later ones winning:
 * <ol>
 *   <li>what the runtime gives every process: PATH and HOSTNAME (the pod name, as a container's
 *       host name is); like an image's env, {@code $(VAR)} cannot reference them;
 *   <li>the "service" variables: those of the namespace's Services ({@link ServiceLinks}, unless
 *       enableServiceLinks is false), the cluster's (KUBERNETES_SERVICE_HOST/PORT: see
 *       {@link #apiServerVariables}), then PORT (the host
 *       port of the container's first containerPort) and PORT_&lt;NAME&gt; for each named port of the
 *       container, then of the pod's other containers (so a sidecar finds the app's port);
 *   <li>the declared variables: envFrom in order, then env in order, each value expanded against
 *       the declared variables so far and then the service variables; valueFrom resolved from the
 *       downward API, ConfigMaps and Secrets with the kubelet's optional semantics and messages.
 * </ol>
 * command and args are expanded against the declared and service variables.
 */
public final class ContainerEnvironment {
    private final NodeEnv node;
    private final EnvVarSources sources;
    private final BooleanSupplier clusterIpsServed;

    /** The result: the process' whole environment and its expanded command line. */
    public record Resolved(Map<String, String> env, List<String> command) {}

    /**
     * @param clusterIpsServed whether the node's proxy serves ClusterIPs now, so that pods reach the
     *     API server through the {@code kubernetes} Service as in Kubernetes
     */
    public ContainerEnvironment(NodeEnv node, EnvVarSources sources, BooleanSupplier clusterIpsServed) {
        this.node = node;
        this.sources = sources;
        this.clusterIpsServed = clusterIpsServed;
    }

    public Resolved resolve(Pod pod, Container container, List<PortAssignment> ports)
            throws ContainerConfigException {
        Map<String, String> service = new LinkedHashMap<>();
        if (!Boolean.FALSE.equals(pod.getSpec().getEnableServiceLinks())) {
            String namespace = pod.getMetadata().getNamespace();
            service.putAll(ServiceLinks.of(sources.services(namespace), namespace));
        }
        service.putAll(apiServerVariables());
        service.putAll(portVariables(pod, container, ports));
        Map<String, String> declared = declared(pod, container, service);

        UnaryOperator<String> mapping = Expansion.mapping(declared, service);
        List<String> command = new ArrayList<>(Expansion.expandAll(list(container.getCommand()), mapping));
        command.addAll(Expansion.expandAll(list(container.getArgs()), mapping));

        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", node.path());
        env.put("HOSTNAME", hostname(pod));
        env.putAll(service);
        env.putAll(declared);
        return new Resolved(env, command);
    }

    /**
     * KUBERNETES_SERVICE_HOST/PORT and the master Service's link variables: the {@code kubernetes}
     * Service's ClusterIP and port 443 where the proxy serves ClusterIPs (and the Service exists),
     * the API server's real address and port otherwise.
     */
    private Map<String, String> apiServerVariables() throws ContainerConfigException {
        if (clusterIpsServed.getAsBoolean()) {
            Map<String, String> master = ServiceLinks.master(sources.services("default"));
            if (!master.isEmpty()) {
                return master;
            }
        }
        return node.clusterEnv();
    }

    /** PORT and PORT_NAME; the container's own ports first, so they win over a sidecar's of one name. */
    static Map<String, String> portVariables(Pod pod, Container container, List<PortAssignment> ports) {
        Map<String, String> vars = new LinkedHashMap<>();
        List<ContainerPort> own = list(container.getPorts());
        if (!own.isEmpty()) {
            hostPort(ports, own.get(0)).ifPresent(p -> vars.put("PORT", Integer.toString(p)));
        }
        List<Container> all = new ArrayList<>(List.of(container));
        all.addAll(list(pod.getSpec().getContainers()));
        all.addAll(list(pod.getSpec().getInitContainers()));
        for (Container c : all) {
            for (ContainerPort p : list(c.getPorts())) {
                if (p.getName() != null && !p.getName().isEmpty()) {
                    String name = "PORT_" + p.getName().toUpperCase(Locale.ROOT).replace('-', '_');
                    if (!vars.containsKey(name)) {
                        hostPort(ports, p).ifPresent(h -> vars.put(name, Integer.toString(h)));
                    }
                }
            }
        }
        return vars;
    }

    private static Optional<Integer> hostPort(List<PortAssignment> ports, ContainerPort p) {
        String protocol = p.getProtocol() == null || p.getProtocol().isEmpty() ? "TCP" : p.getProtocol();
        return ports.stream().filter(a -> p.getContainerPort() != null && a.isFor(p.getContainerPort(), protocol))
                .map(PortAssignment::hostPort).findFirst();
    }

    private Map<String, String> declared(Pod pod, Container container, Map<String, String> service)
            throws ContainerConfigException {
        String namespace = pod.getMetadata().getNamespace();
        Map<String, Optional<Map<String, String>>> configMaps = new HashMap<>();
        Map<String, Optional<Map<String, String>>> secrets = new HashMap<>();
        Map<String, String> declared = new LinkedHashMap<>();
        for (EnvFromSource from : list(container.getEnvFrom())) {
            String prefix = from.getPrefix() == null ? "" : from.getPrefix();
            Optional<Map<String, String>> data;
            if (from.getConfigMapRef() != null) {
                String name = from.getConfigMapRef().getName();
                data = cached(configMaps, name, () -> sources.configMap(namespace, name));
                if (data.isEmpty() && !isTrue(from.getConfigMapRef().getOptional())) {
                    throw new ContainerConfigException("configmap \"" + name + "\" not found");
                }
            } else if (from.getSecretRef() != null) {
                String name = from.getSecretRef().getName();
                data = cached(secrets, name, () -> sources.secret(namespace, name));
                if (data.isEmpty() && !isTrue(from.getSecretRef().getOptional())) {
                    throw new ContainerConfigException("secret \"" + name + "\" not found");
                }
            } else {
                continue;
            }
            data.ifPresent(d -> d.forEach((k, v) -> declared.put(prefix + k, v)));
        }
        UnaryOperator<String> mapping = Expansion.mapping(declared, service);
        for (EnvVar var : list(container.getEnv())) {
            String value = var.getValue() == null ? "" : var.getValue();
            if (!value.isEmpty()) {
                value = Expansion.expand(value, mapping);
            } else if (var.getValueFrom() != null) {
                Optional<String> resolved = valueFrom(pod, container, var.getValueFrom(), configMaps, secrets);
                if (resolved.isEmpty()) {
                    continue; // an optional source that is missing: the variable is not set
                }
                value = resolved.get();
            }
            declared.put(var.getName(), value);
        }
        return declared;
    }

    private Optional<String> valueFrom(Pod pod, Container container, EnvVarSource from,
            Map<String, Optional<Map<String, String>>> configMaps, Map<String, Optional<Map<String, String>>> secrets)
            throws ContainerConfigException {
        String namespace = pod.getMetadata().getNamespace();
        if (from.getFieldRef() != null) {
            return Optional.of(DownwardApi.field(pod, from.getFieldRef(), node.nodeIp()));
        }
        if (from.getResourceFieldRef() != null) {
            return Optional.of(DownwardApi.resource(pod, container, from.getResourceFieldRef(), node.allocatable()));
        }
        if (from.getConfigMapKeyRef() != null) {
            ConfigMapKeySelector ref = from.getConfigMapKeyRef();
            boolean optional = isTrue(ref.getOptional());
            Optional<Map<String, String>> data = cached(configMaps, ref.getName(),
                    () -> sources.configMap(namespace, ref.getName()));
            if (data.isEmpty()) {
                if (optional) {
                    return Optional.empty();
                }
                throw new ContainerConfigException("configmap \"" + ref.getName() + "\" not found");
            }
            String value = data.get().get(ref.getKey());
            if (value == null && !optional) {
                throw new ContainerConfigException("couldn't find key " + ref.getKey() + " in ConfigMap "
                        + namespace + "/" + ref.getName());
            }
            return Optional.ofNullable(value);
        }
        if (from.getSecretKeyRef() != null) {
            SecretKeySelector ref = from.getSecretKeyRef();
            boolean optional = isTrue(ref.getOptional());
            Optional<Map<String, String>> data = cached(secrets, ref.getName(),
                    () -> sources.secret(namespace, ref.getName()));
            if (data.isEmpty()) {
                if (optional) {
                    return Optional.empty();
                }
                throw new ContainerConfigException("secret \"" + ref.getName() + "\" not found");
            }
            String value = data.get().get(ref.getKey());
            if (value == null && !optional) {
                throw new ContainerConfigException("couldn't find key " + ref.getKey() + " in Secret "
                        + namespace + "/" + ref.getName());
            }
            return Optional.ofNullable(value);
        }
        return Optional.of("");
    }

    private interface Lookup {
        Optional<Map<String, String>> get() throws ContainerConfigException;
    }

    /** One read per object and container start, as the kubelet keeps them in a map per call. */
    private static Optional<Map<String, String>> cached(Map<String, Optional<Map<String, String>>> cache, String name,
            Lookup lookup) throws ContainerConfigException {
        Optional<Map<String, String>> data = cache.get(name);
        if (data == null) {
            data = lookup.get();
            cache.put(name, data);
        }
        return data;
    }

    private static boolean isTrue(Boolean b) {
        return Boolean.TRUE.equals(b);
    }

    /**
     * The pod's host name as the kubelet gives it (GeneratePodHostNameAndDomain): spec.hostname, else the pod's
     * name, cut to 63 characters without a trailing "-" or "." (truncatePodHostnameIfNeeded).
     */
    static String hostname(Pod pod) {
        String hostname = pod.getSpec() != null && pod.getSpec().getHostname() != null
                && !pod.getSpec().getHostname().isEmpty() ? pod.getSpec().getHostname() : pod.getMetadata().getName();
        if (hostname.length() <= 63) {
            return hostname;
        }
        String truncated = hostname.substring(0, 63);
        int end = truncated.length();
        while (end > 0 && (truncated.charAt(end - 1) == '-' || truncated.charAt(end - 1) == '.')) {
            end--;
        }
        return truncated.substring(0, end);
    }
}
