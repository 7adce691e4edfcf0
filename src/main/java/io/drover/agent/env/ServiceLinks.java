package io.drover.agent.env;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The Service environment variables of a pod (the kubelet's getServiceEnvVarMap and envvars.FromServices):
 * for every Service of the pod's namespace with a ClusterIP, {@code <SVC>_SERVICE_HOST},
 * {@code <SVC>_SERVICE_PORT}, {@code <SVC>_SERVICE_PORT_<NAME>} and the Docker link variables
 * ({@code <SVC>_PORT}, {@code <SVC>_PORT_<port>_<PROTO>[_PROTO|_PORT|_ADDR]}).
 *
 * <p>The master Service ({@code default/kubernetes}) is left out here: {@link #master} gives its
 * variables, which pods get only where the node's proxy serves ClusterIPs (otherwise
 * {@link NodeEnv#clusterEnv} names the API server's real address, so pods can reach it).
 */
final class ServiceLinks {
    private ServiceLinks() {}

    /** The variables of {@code services} (those of the pod's namespace), in their order. */
    static Map<String, String> of(List<Service> services, String namespace) {
        Map<String, String> env = new LinkedHashMap<>();
        for (Service service : services) {
            if (namespace.equals(service.getMetadata().getNamespace()) && !isMaster(service)) {
                add(env, service);
            }
        }
        return env;
    }

    /**
     * The variables of the master Service among {@code defaultServices} (KUBERNETES_SERVICE_HOST,
     * KUBERNETES_SERVICE_PORT=443, KUBERNETES_PORT_443_TCP...), which the kubelet gives every pod
     * whatever its enableServiceLinks; empty when it is missing.
     */
    static Map<String, String> master(List<Service> defaultServices) {
        Map<String, String> env = new LinkedHashMap<>();
        defaultServices.stream().filter(ServiceLinks::isMaster).findFirst().ifPresent(s -> add(env, s));
        return env;
    }

    private static boolean isMaster(Service service) {
        return "default".equals(service.getMetadata().getNamespace())
                && "kubernetes".equals(service.getMetadata().getName());
    }

    private static void add(Map<String, String> env, Service service) {
        if (!hasClusterIp(service)) {
            return;
        }
        String prefix = variableName(service.getMetadata().getName());
        String ip = service.getSpec().getClusterIP();
        List<ServicePort> ports = service.getSpec().getPorts();
        env.put(prefix + "_SERVICE_HOST", ip);
        env.put(prefix + "_SERVICE_PORT", Integer.toString(ports.get(0).getPort()));
        for (ServicePort p : ports) {
            if (p.getName() != null && !p.getName().isEmpty()) {
                env.put(prefix + "_SERVICE_PORT_" + variableName(p.getName()), Integer.toString(p.getPort()));
            }
        }
        for (int i = 0; i < ports.size(); i++) {
            ServicePort p = ports.get(i);
            String protocol = p.getProtocol() == null || p.getProtocol().isEmpty() ? "TCP" : p.getProtocol();
            String url = protocol.toLowerCase(Locale.ROOT) + "://" + ip + ":" + p.getPort();
            if (i == 0) {
                env.put(prefix + "_PORT", url);
            }
            String portPrefix = prefix + "_PORT_" + p.getPort() + "_" + protocol.toUpperCase(Locale.ROOT);
            env.put(portPrefix, url);
            env.put(portPrefix + "_PROTO", protocol.toLowerCase(Locale.ROOT));
            env.put(portPrefix + "_PORT", Integer.toString(p.getPort()));
            env.put(portPrefix + "_ADDR", ip);
        }
    }

    /** v1helper.IsServiceIPSet, and ExternalName Services have none. */
    private static boolean hasClusterIp(Service service) {
        String ip = service.getSpec() == null ? null : service.getSpec().getClusterIP();
        return ip != null && !ip.isEmpty() && !ip.equals("None") && !"ExternalName".equals(service.getSpec().getType())
                && service.getSpec().getPorts() != null && !service.getSpec().getPorts().isEmpty();
    }

    private static String variableName(String name) {
        return name.replace('-', '_').toUpperCase(Locale.ROOT);
    }
}
