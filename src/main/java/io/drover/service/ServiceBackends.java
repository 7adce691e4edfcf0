package io.drover.service;

import io.drover.pod.PodFields;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.drover.ports.PodPorts;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Which pods back a Service, and how: Kubernetes' ShouldPodBeInEndpoints and podToEndpoint, with
 * each Service port resolved to the pod's allocated host port ({@link PodPorts#forTarget}).
 */
final class ServiceBackends {
    private ServiceBackends() {}

    /** Whether the Service's endpoints are maintained by the controllers: it has a selector and is no ExternalName. */
    static boolean selects(Service service) {
        Map<String, String> selector = service.getSpec() == null ? null : service.getSpec().getSelector();
        return selector != null && !selector.isEmpty() && !"ExternalName".equals(service.getSpec().getType());
    }

    static boolean matches(Service service, Pod pod) {
        Map<String, String> labels = pod.getMetadata().getLabels();
        return selects(service) && labels != null
                && service.getMetadata().getNamespace().equals(pod.getMetadata().getNamespace())
                && labels.entrySet().containsAll(service.getSpec().getSelector().entrySet());
    }

    /**
     * The endpoints of {@code service} among {@code pods}, sorted by pod name.
     *
     * @param includeTerminating whether pods being deleted stay in (the endpointslice controller
     *     keeps them, marked terminating; the endpoints controller only with publishNotReadyAddresses)
     */
    static List<PodEndpoint> of(Service service, List<Pod> pods, boolean includeTerminating) {
        boolean publishNotReady = Boolean.TRUE.equals(service.getSpec().getPublishNotReadyAddresses());
        List<PodEndpoint> endpoints = new ArrayList<>();
        for (Pod pod : pods) {
            if (!matches(service, pod) || !shouldBeIn(pod, includeTerminating)) {
                continue;
            }
            boolean terminating = pod.getMetadata().getDeletionTimestamp() != null;
            // podToEndpoint: serving is the pod's readiness alone; publishNotReadyAddresses makes it ready.
            boolean serving = isReady(pod);
            boolean ready = publishNotReady || (serving && !terminating);
            endpoints.add(new PodEndpoint(pod, pod.getStatus().getPodIP(), ready, serving, terminating,
                    ports(service, pod)));
        }
        endpoints.sort(Comparator.comparing(e -> e.pod().getMetadata().getName()));
        return endpoints;
    }

    /** Kubernetes' ShouldPodBeInEndpoints: an address, not finished, not being deleted unless asked. */
    private static boolean shouldBeIn(Pod pod, boolean includeTerminating) {
        if (pod.getStatus() == null || pod.getStatus().getPodIP() == null || pod.getStatus().getPodIP().isEmpty()) {
            return false;
        }
        if (PodFields.isTerminal(pod)) {
            return false;
        }
        return includeTerminating || pod.getMetadata().getDeletionTimestamp() == null;
    }

    private static boolean isReady(Pod pod) {
        for (PodCondition c : pod.getStatus().getConditions() == null ? List.<PodCondition>of()
                : pod.getStatus().getConditions()) {
            if ("Ready".equals(c.getType())) {
                return "True".equals(c.getStatus());
            }
        }
        return false;
    }

    /** The Service's ports on this pod; a port the pod has no host port for (yet) is left out, as Kubernetes does. */
    private static List<PodEndpoint.Port> ports(Service service, Pod pod) {
        PodPorts podPorts = PodPorts.of(pod);
        List<PodEndpoint.Port> ports = new ArrayList<>();
        for (ServicePort sp : service.getSpec().getPorts() == null ? List.<ServicePort>of()
                : service.getSpec().getPorts()) {
            String protocol = sp.getProtocol() == null ? "TCP" : sp.getProtocol();
            OptionalInt hostPort = podPorts.forTarget(sp.getTargetPort(), protocol);
            if (hostPort.isPresent()) {
                ports.add(new PodEndpoint.Port(sp.getName() == null ? "" : sp.getName(), hostPort.getAsInt(), protocol,
                        sp.getAppProtocol()));
            }
        }
        return ports;
    }
}
