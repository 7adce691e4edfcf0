package io.drover.agent;

import io.drover.pod.PodFields;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EphemeralContainer;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;

/**
 * A pod's ephemeral containers ({@code kubectl debug}) as the agent runs them: as containers with
 * the fields an ephemeral container may have (the API server refuses ports, probes, lifecycle and
 * resources), started once each and never restarted, whatever the pod's restartPolicy.
 */
final class EphemeralContainers {
    private EphemeralContainers() {}

    /** The pod's ephemeral containers, each as the container it runs as. */
    static List<Container> of(Pod pod) {
        return PodFields.list(pod.getSpec().getEphemeralContainers()).stream().map(EphemeralContainers::container)
                .toList();
    }

    private static Container container(EphemeralContainer ec) {
        return new ContainerBuilder().withName(ec.getName()).withImage(ec.getImage())
                .withCommand(ec.getCommand()).withArgs(ec.getArgs()).withWorkingDir(ec.getWorkingDir())
                .withEnv(ec.getEnv()).withEnvFrom(ec.getEnvFrom()).withVolumeMounts(ec.getVolumeMounts())
                .withImagePullPolicy(ec.getImagePullPolicy()).withSecurityContext(ec.getSecurityContext())
                .withStdin(ec.getStdin()).withStdinOnce(ec.getStdinOnce()).withTty(ec.getTty())
                .withTerminationMessagePath(ec.getTerminationMessagePath())
                .withTerminationMessagePolicy(ec.getTerminationMessagePolicy())
                .build();
    }
}
