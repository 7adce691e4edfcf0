package io.drover.agent;

import io.drover.agent.env.ContainerConfigException;
import io.drover.agent.runtime.TaskSecurity;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.SecurityContext;

/**
 * How a container's processes are confined, from its and its pod's securityContext: its user
 * ({@link ContainerUser}), its capabilities ({@link ContainerCapabilities}) and no_new_privs, which
 * the kubelet asks for when {@code allowPrivilegeEscalation} is false.
 */
final class ContainerSecurity {
    private final ContainerUser users;
    private final ContainerCapabilities capabilities;

    ContainerSecurity(ContainerUser users, ContainerCapabilities capabilities) {
        this.users = users;
        this.capabilities = capabilities;
    }

    /** For the agent of this process. */
    static ContainerSecurity ofThisProcess() {
        return new ContainerSecurity(ContainerUser.ofThisProcess(), ContainerCapabilities.ofThisProcess());
    }

    /**
     * What the container's tasks and execs run with.
     *
     * @throws ContainerConfigException with the kubelet's words when it may not or cannot run
     */
    TaskSecurity of(Pod pod, Container c) throws ContainerConfigException {
        SecurityContext context = c.getSecurityContext();
        return new TaskSecurity(users.of(pod, c), capabilities.of(context),
                context != null && Boolean.FALSE.equals(context.getAllowPrivilegeEscalation()));
    }
}
