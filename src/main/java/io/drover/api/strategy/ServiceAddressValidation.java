package io.drover.api.strategy;

import com.fasterxml.jackson.databind.JsonNode;
import io.drover.api.ApiException.Cause;
import io.netty.util.NetUtil;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * ValidateService's checks of a Service's addresses (pkg/apis/core/validation, Kubernetes 1.32):
 * the ExternalName's DNS name, clusterIP and clusterIPs in step (ValidateServiceClusterIPsRelatedFields),
 * no headless NodePort or LoadBalancer, IP families and policy, external IPs, and the settings that
 * only some types may have (healthCheckNodePort, loadBalancerSourceRanges, the ClientIP affinity's
 * timeout).
 */
final class ServiceAddressValidation {
    private static final List<String> IP_FAMILIES = List.of("IPv4", "IPv6");
    private static final List<String> IP_FAMILY_POLICIES = List.of("PreferDualStack", "RequireDualStack", "SingleStack");
    /** core.MaxClientIPServiceAffinitySeconds: a day. */
    private static final long MAX_AFFINITY_SECONDS = 86_400;

    private ServiceAddressValidation() {}

    static List<Cause> validate(JsonNode spec, String type) {
        List<Cause> causes = new ArrayList<>();
        if (spec == null) {
            return causes;
        }
        List<String> clusterIps = clusterIps(spec);
        if (isHeadless(spec) && (type.equals("NodePort") || type.equals("LoadBalancer"))) {
            causes.add(Causes.invalid("spec.clusterIPs[0]", GoValues.quote("None"), "may not be set to 'None' for " + type
                    + " services"));
        }
        if (type.equals("ExternalName")) {
            // An ExternalName Service has no address of its own (ValidateService; the strategy turns a
            // clusterIP alone into clusterIPs).
            if (!clusterIps.isEmpty()) {
                causes.add(Causes.forbidden("spec.clusterIPs", "may not be set for ExternalName services"));
            }
            if (!spec.path("ipFamilies").isEmpty()) {
                causes.add(Causes.forbidden("spec.ipFamilies", "may not be set for ExternalName services"));
            }
            if (spec.hasNonNull("ipFamilyPolicy")) {
                causes.add(Causes.forbidden("spec.ipFamilyPolicy", "may not be set for ExternalName services"));
            }
            String name = Nodes.text(spec, "externalName");
            String bare = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
            if (!name.isEmpty()) {
                causes.addAll(Causes.invalidEach("spec.externalName", name, NameRules.dns1123Subdomain(bare)));
            }
        } else {
            causes.addAll(clusterIps(spec, clusterIps));
        }
        JsonNode externalIps = spec.get("externalIPs");
        for (int i = 0; externalIps != null && i < externalIps.size(); i++) {
            String ip = externalIps.get(i).asText();
            if (!PodNetworkValidation.isIp(ip)) {
                causes.add(Causes.invalid("spec.externalIPs[" + i + "]", GoValues.quote(ip), PodNetworkValidation.IP_ERROR));
            } else {
                // ValidateNonSpecialIP: no unspecified, loopback or link-local address
                List<String> special = new ArrayList<>(EndpointValidation.specialAddressProblems(ip));
                java.net.InetAddress address = NetUtil.createInetAddressFromIpAddressString(ip);
                if (address != null && address.isLoopbackAddress()) {
                    special.add(0, "may not be in the loopback range (127.0.0.0/8, ::1/128)");
                }
                causes.addAll(Causes.invalidEach("spec.externalIPs[" + i + "]", ip, special));
            }
        }
        long healthCheckNodePort = spec.path("healthCheckNodePort").asLong(0);
        if (healthCheckNodePort != 0 && !(type.equals("LoadBalancer")
                && Nodes.text(spec, "externalTrafficPolicy").equals("Local"))) {
            causes.add(Causes.invalid("spec.healthCheckNodePort", Long.toString(healthCheckNodePort),
                    "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'"));
        }
        // Kubernetes' path here is spelled with a capital L (specPath.Child("LoadBalancerSourceRanges")).
        JsonNode sourceRanges = spec.path("loadBalancerSourceRanges");
        if (!sourceRanges.isEmpty() && !type.equals("LoadBalancer")) {
            causes.add(Causes.forbidden("spec.LoadBalancerSourceRanges", "may only be used when `type` is 'LoadBalancer'"));
        }
        for (int i = 0; i < sourceRanges.size(); i++) {
            String range = sourceRanges.get(i).asText().strip(); // space-padding is allowed, a historical accident
            if (!isCidr(range)) {
                causes.add(Causes.invalid("spec.LoadBalancerSourceRanges[" + i + "]", GoValues.quote(range),
                        "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"));
            }
        }
        if (!type.equals("LoadBalancer") && spec.hasNonNull("allocateLoadBalancerNodePorts")) {
            causes.add(Causes.forbidden("spec.allocateLoadBalancerNodePorts",
                    "may only be used when `type` is 'LoadBalancer'"));
        }
        if (spec.hasNonNull("loadBalancerClass")) {
            String lbClass = spec.get("loadBalancerClass").asText();
            if (type.equals("LoadBalancer")) {
                causes.addAll(Causes.invalidEach("spec.loadBalancerClass", lbClass, NameRules.qualifiedName(lbClass)));
            } else {
                causes.add(Causes.forbidden("spec.loadBalancerClass", "may only be used when `type` is 'LoadBalancer'"));
            }
        }
        if (spec.hasNonNull("trafficDistribution") && !spec.get("trafficDistribution").asText().equals("PreferClose")) {
            causes.add(Causes.notSupported("spec.trafficDistribution",
                    GoValues.quote(spec.get("trafficDistribution").asText()), List.of("PreferClose")));
        }
        JsonNode timeout = spec.path("sessionAffinityConfig").path("clientIP").get("timeoutSeconds");
        if (Nodes.text(spec, "sessionAffinity").equals("ClientIP") && timeout != null && timeout.isNumber()
                && (timeout.asLong() <= 0 || timeout.asLong() > MAX_AFFINITY_SECONDS)) {
            causes.add(Causes.invalid("spec.sessionAffinityConfig.clientIP.timeoutSeconds", timeout.asText(),
                    "must be greater than 0 and less than " + MAX_AFFINITY_SECONDS));
        }
        return causes;
    }

    /** On create, clusterIPs as given must agree with clusterIP (ValidateServiceClusterIPsRelatedFields). */
    static List<Cause> clusterIpsInStep(JsonNode spec) {
        if (spec == null || Nodes.text(spec, "type").equals("ExternalName")) {
            return List.of();
        }
        String clusterIp = Nodes.text(spec, "clusterIP");
        List<String> clusterIps = texts(spec.get("clusterIPs"));
        String slice = GoValues.stringSlice(clusterIps);
        if (!clusterIp.isEmpty() && !clusterIps.isEmpty() && !clusterIps.get(0).equals(clusterIp)) {
            return List.of(Causes.invalid("spec.clusterIPs", slice, "first value must match `clusterIP`"));
        }
        if (clusterIp.isEmpty() && !clusterIps.isEmpty()) {
            return List.of(Causes.invalid("spec.clusterIPs", slice, "must be empty when `clusterIP` is not specified"));
        }
        return List.of();
    }

    /** ValidateServiceClusterIPsRelatedFields' checks of the families and addresses, for a single-stack IPv4 cluster. */
    private static List<Cause> clusterIps(JsonNode spec, List<String> clusterIps) {
        List<Cause> causes = new ArrayList<>();
        String slice = GoValues.stringSlice(clusterIps);
        List<String> families = texts(spec.get("ipFamilies"));
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < families.size(); i++) {
            String family = families.get(i);
            if (!IP_FAMILIES.contains(family)) {
                causes.add(Causes.notSupported("spec.ipFamilies[" + i + "]", GoValues.quote(family), IP_FAMILIES));
            }
            if (!seen.add(family)) {
                causes.add(Causes.duplicate("spec.ipFamilies[" + i + "]", GoValues.quote(family)));
            }
        }
        String policy = Nodes.text(spec, "ipFamilyPolicy");
        if (spec.hasNonNull("ipFamilyPolicy") && !IP_FAMILY_POLICIES.contains(policy)) {
            causes.add(Causes.notSupported("spec.ipFamilyPolicy", GoValues.quote(policy), IP_FAMILY_POLICIES));
        }
        for (int i = 0; i < clusterIps.size(); i++) {
            String ip = clusterIps.get(i);
            if (i == 0 && ip.equals("None")) {
                if (clusterIps.size() > 1) {
                    causes.add(Causes.invalid("spec.clusterIPs", slice, "'None' must be the first and only value"));
                }
                continue;
            }
            if (!PodNetworkValidation.isIp(ip)) {
                causes.add(Causes.invalid("spec.clusterIPs[" + i + "]", GoValues.quote(ip), PodNetworkValidation.IP_ERROR));
            }
        }
        if (clusterIps.size() > 2) {
            causes.add(Causes.invalid("spec.clusterIPs", slice, "may only hold up to 2 values"));
        }
        // This cluster is single-stack IPv4 (initIPFamilyFields' refusals, in its words); a headless Service
        // without a selector is exempt, as initIPFamilyFields returns before them for one.
        if (isHeadless(spec) && spec.path("selector").isEmpty()) {
            return causes;
        }
        for (int i = 0; i < families.size(); i++) {
            if (families.get(i).equals("IPv6")) {
                causes.add(Causes.invalid("spec.ipFamilies[" + i + "]", GoValues.quote("IPv6"),
                        "not configured on this cluster"));
            }
        }
        if (policy.equals("RequireDualStack")) {
            causes.add(Causes.invalid("spec.ipFamilyPolicy", GoValues.quote(policy),
                    "this cluster is not configured for dual-stack services"));
        }
        if (families.size() > 1 && policy.equals("SingleStack")) {
            causes.add(Causes.invalid("spec.ipFamilyPolicy", GoValues.quote(policy),
                    "must be 'RequireDualStack' or 'PreferDualStack' when multiple IP families are specified"));
        }
        if (clusterIps.size() == 2 && clusterIps.stream().allMatch(ip -> ip.indexOf(':') < 0 && !ip.equals("None"))) {
            causes.add(Causes.invalid("spec.clusterIPs", slice, "may specify no more than one IP for each IP family"));
        }
        return causes;
    }

    /** Kubernetes' isHeadlessService: clusterIPs is ["None"]. */
    static boolean isHeadless(JsonNode spec) {
        List<String> clusterIps = clusterIps(spec);
        return clusterIps.size() == 1 && clusterIps.get(0).equals("None");
    }

    /** clusterIPs as NormalizeClusterIPs leaves them: a client that sets clusterIP alone means clusterIPs of it. */
    private static List<String> clusterIps(JsonNode spec) {
        List<String> clusterIps = texts(spec == null ? null : spec.get("clusterIPs"));
        String clusterIp = Nodes.text(spec, "clusterIP");
        return clusterIps.isEmpty() && !clusterIp.isEmpty() ? List.of(clusterIp) : clusterIps;
    }

    /** A CIDR as ParseCIDRSloppy reads one: an address, a slash, a prefix length within its family's bits. */
    static boolean isCidr(String value) {
        int slash = value.indexOf('/');
        if (slash < 0 || !PodNetworkValidation.isIp(value.substring(0, slash))) {
            return false;
        }
        String bits = value.substring(slash + 1);
        if (!bits.matches("[0-9]{1,3}")) {
            return false;
        }
        return Integer.parseInt(bits) <= (value.substring(0, slash).contains(":") ? 128 : 32);
    }

    private static List<String> texts(JsonNode list) {
        List<String> texts = new ArrayList<>();
        if (list != null && list.isArray()) {
            list.forEach(v -> texts.add(v.asText()));
        }
        return texts;
    }
}
