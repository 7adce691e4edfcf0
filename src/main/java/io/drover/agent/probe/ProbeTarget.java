package io.drover.agent.probe;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;

/**
 * What a handler probes: a running container of a pod, and the IP the pod is reached at (the
 * node's, since pods use the host network).
 */
record ProbeTarget(Pod pod, Container container, ContainerInstance instance, String podIp) {}
