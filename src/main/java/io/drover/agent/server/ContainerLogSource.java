package io.drover.agent.server;

import io.fabric8.kubernetes.api.model.Pod;
import java.nio.file.Path;

/** What the kubelet server needs from the agent to serve a container's logs. */
public interface ContainerLogSource {

    /** The pod of that name bound to this node, as the agent last saw it; null when there is none. */
    Pod pod(String namespace, String name);

    /** The directory holding the container's logs. */
    Path containerDir(Pod pod, String container);
}
