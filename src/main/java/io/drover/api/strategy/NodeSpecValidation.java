package io.drover.api.strategy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.ApiException.Cause;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A Node's spec.podCIDR(s) and spec.providerID as Kubernetes keeps them (pkg/apis/core/validation's ValidateNode and
 * ValidateNodeUpdate, and the v1 conversion): podCIDR is podCIDRs[0], every podCIDR is a CIDR, at most one per IP
 * family, and neither the CIDRs nor the provider ID change once set (the IPAM controller and the cloud provider
 * set them once, from "").
 */
final class NodeSpecValidation {
    private static final String PODCIDR_CHANGED = "node updates may not change podCIDR except from \"\" to valid";
    private static final String PROVIDER_CHANGED = "node updates may not change providerID except from \"\" to valid";

    private NodeSpecValidation() {}

    /** Convert_v1_NodeSpec_To_core_NodeSpec and back: podCIDRs wins, and podCIDR alone is podCIDRs of one. */
    static void syncPodCidrs(ObjectNode spec) {
        if (spec == null) {
            return;
        }
        JsonNode list = spec.get("podCIDRs");
        String single = Nodes.text(spec, "podCIDR");
        if ((list == null || list.isEmpty()) && !single.isEmpty()) {
            spec.putArray("podCIDRs").add(single);
        } else if (list != null && list.isArray() && !list.isEmpty()) {
            spec.put("podCIDR", list.get(0).asText());
        }
    }

    static List<Cause> validate(ObjectNode node) {
        List<Cause> causes = new ArrayList<>();
        List<String> cidrs = podCidrs(node);
        if (cidrs.isEmpty()) {
            return causes;
        }
        String slice = GoValues.stringSlice(cidrs);
        for (int i = 0; i < cidrs.size(); i++) {
            if (!ServiceAddressValidation.isCidr(cidrs.get(i))) {
                causes.add(Causes.invalid("spec.podCIDRs[" + i + "]", slice, "must be valid CIDR"));
            }
        }
        if (cidrs.size() > 1) {
            long v6 = cidrs.stream().filter(c -> c.contains(":")).count();
            if (cidrs.size() > 2 || v6 != 1) {
                causes.add(Causes.invalid("spec.podCIDRs", slice, "may specify no more than one CIDR for each IP family"));
            }
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < cidrs.size(); i++) {
                if (!seen.add(cidrs.get(i))) {
                    causes.add(Causes.duplicate("spec.podCIDRs[" + i + "]", GoValues.quote(cidrs.get(i))));
                }
            }
        }
        return causes;
    }

    static List<Cause> validateUpdate(ObjectNode oldNode, ObjectNode node) {
        List<Cause> causes = new ArrayList<>();
        List<String> before = podCidrs(oldNode);
        List<String> after = podCidrs(node);
        if (!before.isEmpty()) {
            if (before.size() != after.size()) {
                causes.add(Causes.forbidden("spec.podCIDRs", PODCIDR_CHANGED));
            } else {
                for (int i = 0; i < before.size(); i++) {
                    if (!before.get(i).equals(after.get(i))) {
                        causes.add(Causes.forbidden("spec.podCIDRs", PODCIDR_CHANGED));
                    }
                }
            }
        }
        String providerBefore = Nodes.text(Nodes.object(oldNode, "spec"), "providerID");
        if (!providerBefore.isEmpty() && !providerBefore.equals(Nodes.text(Nodes.object(node, "spec"), "providerID"))) {
            causes.add(Causes.forbidden("spec.providerID", PROVIDER_CHANGED));
        }
        return causes;
    }

    private static List<String> podCidrs(ObjectNode node) {
        List<String> cidrs = new ArrayList<>();
        ObjectNode spec = Nodes.object(node, "spec");
        if (spec != null) {
            spec.path("podCIDRs").forEach(c -> cidrs.add(c.asText()));
        }
        return cidrs;
    }
}
