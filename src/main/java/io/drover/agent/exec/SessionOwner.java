package io.drover.agent.exec;

/**
 * The container an exec'd command runs in, as the owner of the sessions the command leads: they
 * are stopped with the container's own processes, since no process of a container outlives it
 * (in Kubernetes the container's pid namespace ends with it). A container with a cgroup holds
 * its exec'd commands in it already; this reaches them where it has none.
 */
@FunctionalInterface
public interface SessionOwner {
    /** For commands tied to no container's life (tests of the endpoint alone). */
    SessionOwner NONE = sessionId -> {};

    /** The session whose id is {@code sessionId} (its leader's pid) ends with the container. */
    void adopt(long sessionId);
}
