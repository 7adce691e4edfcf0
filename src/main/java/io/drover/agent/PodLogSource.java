package io.drover.agent;

import io.drover.agent.server.ContainerLogSource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.nio.file.Path;

/** The agent's pods and their log directories, for the kubelet endpoint. */
record PodLogSource(SharedIndexInformer<Pod> pods, PodFiles files) implements ContainerLogSource {

    @Override
    public Pod pod(String namespace, String name) {
        return pods.getStore().getByKey(namespace + "/" + name);
    }

    @Override
    public Path containerDir(Pod pod, String container) {
        return files.containerDir(pod.getMetadata().getNamespace(), pod.getMetadata().getName(),
                pod.getMetadata().getUid(), container);
    }
}
