package io.drover.api.strategy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.ApiException.Cause;
import io.drover.api.service.ServiceAllocations;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * v1 Services (SetDefaults_Service and ValidateService): type ClusterIP, no session affinity, TCP ports whose
 * targetPort is the port, Cluster internal traffic policy, single-stack IPv4; valid ports, a clusterIP that does
 * not change once set. ClusterIPs and NodePorts are allocated by {@link io.drover.api.service.ServiceAllocations}.
 */
final class ServiceStrategy extends KindStrategy {

    /** svcStrategy.AllowCreateOnUpdate: a PUT may create one, its addresses allocated as for a POST. */
    @Override
    public boolean allowsCreateOnUpdate() {
        return true;
    }

    /** svcStrategy.PrepareForCreate: the status (a load balancer's ingress) is its controller's; a client's is dropped. */
    @Override
    public void applyCreateDefaults(ObjectNode service) {
        service.putObject("status").putObject("loadBalancer");
    }

    private static final List<String> TYPES = List.of("ClusterIP", "ExternalName", "LoadBalancer", "NodePort");
    private static final List<String> AFFINITIES = List.of("ClientIP", "None");
    private static final List<String> TRAFFIC_POLICIES = List.of("Cluster", "Local");

    @Override
    public void applyDefaults(ObjectNode service) {
        ObjectNode spec = Nodes.objectOrNew(service, "spec");
        Nodes.dropZeros(spec, "publishNotReadyAddresses", "healthCheckNodePort");
        Nodes.defaultText(spec, "sessionAffinity", "None");
        if (Nodes.text(spec, "sessionAffinity").equals("None")) {
            spec.remove("sessionAffinityConfig");
        } else if (Nodes.text(spec, "sessionAffinity").equals("ClientIP")) {
            ObjectNode clientIp = Nodes.objectOrNew(Nodes.objectOrNew(spec, "sessionAffinityConfig"), "clientIP");
            Nodes.defaultPointer(clientIp, "timeoutSeconds", 10800);
        }
        Nodes.defaultText(spec, "type", "ClusterIP");
        String type = Nodes.text(spec, "type");
        for (ObjectNode port : Nodes.objects(spec, "ports")) {
            Nodes.dropZeros(port, "nodePort");
            Nodes.defaultText(port, "protocol", "TCP");
            if (Nodes.unsetOrZero(port, "targetPort") && port.has("port")) {
                port.set("targetPort", port.get("port"));
            }
        }
        if (ServiceAllocations.externallyAccessible(spec)) {
            Nodes.defaultText(spec, "externalTrafficPolicy", "Cluster");
        }
        if (type.equals("NodePort") || type.equals("LoadBalancer") || type.equals("ClusterIP")) {
            Nodes.defaultText(spec, "internalTrafficPolicy", "Cluster");
        }
        if (type.equals("LoadBalancer") && !spec.has("allocateLoadBalancerNodePorts")) {
            spec.put("allocateLoadBalancerNodePorts", true);
        }
        // Kubernetes' registry defaults the IP families; drover's clusters are single-stack IPv4.
        if (!type.equals("ExternalName")) {
            Nodes.defaultText(spec, "ipFamilyPolicy", "SingleStack");
            if (spec.path("ipFamilies").isEmpty()) {
                spec.putArray("ipFamilies").add("IPv4");
            }
        }
    }

    @Override
    public List<Cause> validateCreate(ObjectNode service) {
        List<Cause> causes = new ArrayList<>(validateUpdated(service));
        causes.addAll(ServiceAddressValidation.clusterIpsInStep(service.get("spec")));
        return causes;
    }

    /**
     * An update's checks leave out clusterIP against clusterIPs: Kubernetes first makes clusterIPs follow a changed
     * clusterIP (NormalizeClusterIPs), and a change of either is "may not change once set" (validateImmutable).
     */
    @Override
    List<Cause> validateUpdated(ObjectNode service) {
        List<Cause> causes = new ArrayList<>();
        JsonNode spec = service.get("spec");
        String type = Nodes.text(spec, "type");
        if (!TYPES.contains(type)) {
            causes.add(type.isEmpty() ? Causes.required("spec.type")
                    : Causes.notSupported("spec.type", GoValues.quote(type), TYPES));
        }
        if (type.equals("ExternalName") && Nodes.text(spec, "externalName").isEmpty()) {
            causes.add(Causes.required("spec.externalName"));
        }
        List<ObjectNode> ports = Nodes.objects(spec, "ports");
        if (ports.isEmpty() && !ServiceAddressValidation.isHeadless(spec) && !type.equals("ExternalName")) {
            causes.add(Causes.required("spec.ports"));
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < ports.size(); i++) {
            causes.addAll(port(ports.get(i), "spec.ports[" + i + "]", ports.size() > 1, names, type));
        }
        causes.addAll(duplicatePorts(ports));
        String affinity = Nodes.text(spec, "sessionAffinity");
        if (!AFFINITIES.contains(affinity)) {
            causes.add(affinity.isEmpty() ? Causes.required("spec.sessionAffinity")
                    : Causes.notSupported("spec.sessionAffinity", GoValues.quote(affinity), AFFINITIES));
        }
        causes.addAll(ObjectMetaValidation.labels(spec == null ? null : spec.get("selector"), "spec.selector"));
        causes.addAll(trafficPolicies(spec, type));
        causes.addAll(ServiceAddressValidation.validate(spec, type));
        return causes;
    }

    /**
     * ValidateService's checks across ports: a node port in range and used once per protocol, a (protocol, port)
     * pair used once, shown as the Go struct Kubernetes prints.
     */
    private static List<Cause> duplicatePorts(List<ObjectNode> ports) {
        List<Cause> causes = new ArrayList<>();
        Set<String> nodePorts = new HashSet<>();
        for (int i = 0; i < ports.size(); i++) {
            long nodePort = ports.get(i).path("nodePort").asLong(0);
            if (nodePort == 0) {
                continue;
            }
            String at = "spec.ports[" + i + "].nodePort";
            NameRules.portNumber(nodePort).forEach(m -> causes.add(Causes.invalid(at, "" + nodePort, m)));
            if (!nodePorts.add(Nodes.text(ports.get(i), "protocol") + "/" + nodePort)) {
                causes.add(Causes.duplicate(at, "" + nodePort));
            }
        }
        Set<String> pairs = new HashSet<>();
        for (int i = 0; i < ports.size(); i++) {
            String protocol = Nodes.text(ports.get(i), "protocol");
            long port = ports.get(i).path("port").asLong(0);
            if (!pairs.add(protocol + "/" + port)) {
                causes.add(Causes.duplicate("spec.ports[" + i + "]", "core.ServicePort{Name:\"\", Protocol:"
                        + GoValues.quote(protocol) + ", AppProtocol:(*string)(nil), Port:" + port
                        + ", TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:\"\"}, NodePort:0}"));
            }
        }
        return causes;
    }

    /**
     * externalTrafficPolicy only on a Service reachable from outside (a NodePort or LoadBalancer, or one with
     * externalIPs), Cluster or Local; internalTrafficPolicy Cluster or Local.
     */
    private static List<Cause> trafficPolicies(JsonNode spec, String type) {
        List<Cause> causes = new ArrayList<>();
        String external = Nodes.text(spec, "externalTrafficPolicy");
        if (spec == null || !ServiceAllocations.externallyAccessible(spec)) {
            if (!external.isEmpty()) {
                causes.add(Causes.invalid("spec.externalTrafficPolicy", GoValues.quote(external),
                        "may only be set for externally-accessible services"));
            }
        } else if (external.isEmpty()) {
            causes.add(Causes.required("spec.externalTrafficPolicy"));
        } else if (!TRAFFIC_POLICIES.contains(external)) {
            causes.add(Causes.notSupported("spec.externalTrafficPolicy", GoValues.quote(external), TRAFFIC_POLICIES));
        }
        String internal = Nodes.text(spec, "internalTrafficPolicy");
        if (!type.equals("ExternalName") && !internal.isEmpty() && !TRAFFIC_POLICIES.contains(internal)) {
            causes.add(Causes.notSupported("spec.internalTrafficPolicy", GoValues.quote(internal), TRAFFIC_POLICIES));
        }
        return causes;
    }

    private static List<Cause> port(ObjectNode p, String at, boolean requireName, Set<String> names, String type) {
        List<Cause> causes = new ArrayList<>();
        String name = Nodes.text(p, "name");
        if (requireName && name.isEmpty()) {
            causes.add(Causes.required(at + ".name"));
        } else if (!name.isEmpty()) {
            List<String> errs = NameRules.dns1123Label(name);
            causes.addAll(Causes.invalidEach(at + ".name", name, errs));
            if (errs.isEmpty() && !names.add(name)) {
                causes.add(Causes.duplicate(at + ".name", GoValues.quote(name)));
            }
        }
        long port = p.path("port").asLong(0);
        NameRules.portNumber(port).forEach(m -> causes.add(Causes.invalid(at + ".port", "" + port, m)));
        causes.addAll(PodSpecValidation.protocol(p, at + ".protocol"));
        JsonNode target = p.get("targetPort");
        if (target != null && target.isTextual()) {
            NameRules.portName(target.asText()).forEach(m -> causes.add(Causes.invalid(at + ".targetPort",
                    GoValues.quote(target.asText()), m)));
        } else if (target != null && target.isNumber()) {
            NameRules.portNumber(target.asLong()).forEach(m -> causes.add(Causes.invalid(at + ".targetPort",
                    target.asText(), m)));
        }
        JsonNode appProtocol = p.get("appProtocol");
        if (appProtocol != null && appProtocol.isTextual()) {
            causes.addAll(Causes.invalidEach(at + ".appProtocol", appProtocol.asText(),
                    NameRules.qualifiedName(appProtocol.asText())));
        }
        if (p.path("nodePort").asLong(0) != 0 && (type.equals("ClusterIP") || type.equals("ExternalName"))) {
            causes.add(Causes.forbidden(at + ".nodePort", "may not be used when `type` is '" + type + "'"));
        }
        return causes;
    }

    @Override
    List<Cause> validateImmutable(ObjectNode oldService, ObjectNode newService) {
        JsonNode oldSpec = oldService.get("spec");
        JsonNode newSpec = newService.get("spec");
        List<Cause> causes = new ArrayList<>();
        String oldClass = Nodes.text(oldSpec, "loadBalancerClass");
        String newClass = Nodes.text(newSpec, "loadBalancerClass");
        if (Nodes.text(oldSpec, "type").equals("LoadBalancer") && Nodes.text(newSpec, "type").equals("LoadBalancer")
                && !oldClass.equals(newClass)) {
            // validateLoadBalancerClassField: a LoadBalancer's class may not change once set.
            causes.add(Causes.invalid("spec.loadBalancerClass", newClass.isEmpty() ? "null" : GoValues.quote(newClass),
                    "may not change once set"));
        }
        causes.addAll(clusterIpUnchanged(oldSpec, newSpec));
        return causes;
    }

    /** A clusterIP may not change once set (an update that leaves it out keeps it). */
    private static List<Cause> clusterIpUnchanged(JsonNode oldSpec, JsonNode newSpec) {
        if (Nodes.text(oldSpec, "type").equals("ExternalName") || Nodes.text(newSpec, "type").equals("ExternalName")) {
            return List.of();
        }
        String before = primaryClusterIp(oldSpec);
        // An update that leaves clusterIP out keeps it in Kubernetes (the registry carries it over); that belongs
        // with clusterIP allocation, so only a different address is refused here.
        JsonNode ips = newSpec == null ? null : newSpec.get("clusterIPs");
        String first = ips != null && ips.isArray() && !ips.isEmpty() ? ips.get(0).asText() : "";
        String single = Nodes.text(newSpec, "clusterIP");
        String changed = !first.isEmpty() && !first.equals(before) ? first
                : !single.isEmpty() && !single.equals(before) ? single : "";
        if (before.isEmpty() || changed.isEmpty()) {
            return List.of();
        }
        // Kubernetes normalizes clusterIPs to a changed clusterIP before it validates, so the value
        // shown is the new address when clusterIPs itself was left as it was.
        String value = changed.equals(first) ? GoValues.stringSlice(ips) : GoValues.stringSlice(List.of(changed));
        return List.of(Causes.invalid("spec.clusterIPs[0]", value, "may not change once set"));
    }

    private static String primaryClusterIp(JsonNode spec) {
        JsonNode ips = spec == null ? null : spec.get("clusterIPs");
        if (ips != null && ips.isArray() && !ips.isEmpty()) {
            return ips.get(0).asText();
        }
        return Nodes.text(spec, "clusterIP");
    }

    @Override
    public List<Cause> validateStatusUpdate(ObjectNode oldObject, ObjectNode newObject) {
        return StatusRules.service(newObject);
    }
}
