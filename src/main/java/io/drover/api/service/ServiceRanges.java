package io.drover.api.service;

import io.drover.agent.ports.PortRange;

/**
 * Where Services take their addresses and ports from: kube-apiserver's
 * {@code --service-cluster-ip-range} (k3s' {@code --service-cidr}) and {@code --service-node-port-range}.
 */
public record ServiceRanges(ServiceCidr cidr, PortRange nodePorts) {
    /** k3s' defaults: 10.43.0.0/16 and 30000-32767. */
    public static final ServiceRanges DEFAULT = new ServiceRanges(ServiceCidr.DEFAULT, NodePortAllocator.DEFAULT_RANGE);

    public ServiceRanges {
        cidr = cidr == null ? ServiceCidr.DEFAULT : cidr;
        nodePorts = nodePorts == null ? NodePortAllocator.DEFAULT_RANGE : nodePorts;
    }
}
