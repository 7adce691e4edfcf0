package io.drover.agent;

import io.drover.agent.env.ContainerConfigException;
import io.drover.agent.runtime.Passwd;
import io.drover.agent.runtime.TaskUser;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContext;
import java.util.List;
import java.util.Optional;

/**
 * Who a container's task runs as, from its and its pod's securityContext, with the kubelet's
 * checks (verifyRunAsNonRoot) and messages. The container's own runAsUser, runAsGroup and
 * runAsNonRoot win over the pod's. Without runAsUser the task runs as the node agent's user, which
 * plays the part of the image's user; a runAsGroup alone changes the group only. Without runAsGroup
 * the group is the user's primary group in the node's {@code /etc/passwd}, else 0, as a container
 * engine takes it from the image's. Switching users needs the agent to run as root.
 */
final class ContainerUser {
    private final long agentUid;
    private final Passwd passwd;

    ContainerUser(long agentUid, Passwd passwd) {
        this.agentUid = agentUid;
        this.passwd = passwd;
    }

    /** For the agent of this process: its own uid, the node's /etc/passwd. */
    static ContainerUser ofThisProcess() {
        return new ContainerUser(Passwd.processUid(), Passwd.node());
    }

    /**
     * The user the container's task runs as; empty for the agent's own.
     *
     * @throws ContainerConfigException with the kubelet's words when it may not or cannot run
     */
    Optional<TaskUser> of(Pod pod, Container c) throws ContainerConfigException {
        SecurityContext container = c.getSecurityContext();
        PodSecurityContext podContext = pod.getSpec().getSecurityContext();
        Long runAsUser = first(container == null ? null : container.getRunAsUser(),
                podContext == null ? null : podContext.getRunAsUser());
        Long runAsGroup = first(container == null ? null : container.getRunAsGroup(),
                podContext == null ? null : podContext.getRunAsGroup());
        Boolean nonRoot = first(container == null ? null : container.getRunAsNonRoot(),
                podContext == null ? null : podContext.getRunAsNonRoot());
        List<Long> groups = podContext == null || podContext.getSupplementalGroups() == null ? List.of()
                : podContext.getSupplementalGroups();
        String where = "(pod: \"" + pod.getMetadata().getName() + "_" + pod.getMetadata().getNamespace() + "("
                + pod.getMetadata().getUid() + ")\", container: " + c.getName() + ")";
        long uid = runAsUser != null ? runAsUser : agentUid;
        if (Boolean.TRUE.equals(nonRoot) && uid == 0) {
            throw new ContainerConfigException(runAsUser != null
                    ? "container's runAsUser breaks non-root policy " + where
                    : "container has runAsNonRoot and image will run as root " + where);
        }
        if (runAsUser == null && runAsGroup == null && groups.isEmpty()) {
            return Optional.empty();
        }
        if (agentUid != 0) {
            throw new ContainerConfigException("cannot run as user " + uid + (runAsGroup == null ? "" : ":" + runAsGroup)
                    + ": the node agent runs as uid " + agentUid + ", not root, and cannot switch users");
        }
        long gid = runAsGroup != null ? runAsGroup : passwd.primaryGroup(uid);
        return Optional.of(new TaskUser(uid, gid, groups));
    }

    private static <T> T first(T a, T b) {
        return a != null ? a : b;
    }
}
