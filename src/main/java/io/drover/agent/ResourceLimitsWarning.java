package io.drover.agent;

import io.drover.agent.runtime.Runtime;
import io.drover.controller.EventRecorder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;

/**
 * The one warning, on the Node, that this node's runtime cannot enforce CPU and memory limits
 * (the runtime's log says why), so that {@code kubectl describe node} shows it and not only the
 * agent's log. Recorded once per agent start; pods with limits still run, unconfined.
 */
final class ResourceLimitsWarning {
    static final String REASON = "ResourceLimitsNotEnforced";

    private ResourceLimitsWarning() {}

    static void recordIfUnenforced(KubernetesClient client, Runtime runtime, String nodeName, Clock clock) {
        if (runtime.capabilities().supportsResourceLimits()) {
            return;
        }
        Node node = client.nodes().withName(nodeName).get();
        if (node != null) {
            new EventRecorder(client, "kubelet", nodeName, clock).warning(node, REASON, "cgroups are not writable on "
                    + "this node: CPU and memory limits are not enforced and OOM kills are not reported by the "
                    + runtime.capabilities().name() + " runtime");
        }
    }
}
