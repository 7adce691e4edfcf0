package io.drover.agent;

import io.drover.controller.EventRecorder;
import io.drover.pod.PodFields;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EphemeralContainer;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;
import java.util.function.Function;

/**
 * What the kubelet's Events about one container are about (kubecontainer.GenerateContainerRef): the pod, and the
 * container by its fieldPath, {@code spec.containers{NAME}}, {@code spec.initContainers{NAME}} or
 * {@code spec.ephemeralContainers{NAME}}, which {@code kubectl get events -o wide} shows as SUBOBJECT and
 * {@code --field-selector involvedObject.fieldPath=...} selects on.
 */
public final class ContainerReference {
    /** kubecontainer.ImplicitContainerPrefix: a container the pod's spec does not name. */
    static final String IMPLICIT = "implicitly required container ";

    private ContainerReference() {}

    /** The reference to container {@code name} of {@code pod}. */
    public static ObjectReference of(Pod pod, String name) {
        ObjectReference reference = EventRecorder.reference(pod);
        reference.setFieldPath(fieldPath(pod, name));
        return reference;
    }

    /** fieldPath(pod, container) as the kubelet writes it: containers first, then init, then ephemeral. */
    static String fieldPath(Pod pod, String name) {
        String found = find("spec.containers", pod.getSpec().getContainers(), Container::getName, name);
        if (found == null) {
            found = find("spec.initContainers", pod.getSpec().getInitContainers(), Container::getName, name);
        }
        if (found == null) {
            found = find("spec.ephemeralContainers", pod.getSpec().getEphemeralContainers(),
                    EphemeralContainer::getName, name);
        }
        return found == null ? IMPLICIT + name : found;
    }

    private static <T> String find(String field, List<T> containers, Function<T, String> nameOf, String name) {
        List<T> all = PodFields.list(containers);
        for (int i = 0; i < all.size(); i++) {
            String here = nameOf.apply(all.get(i));
            if (name.equals(here == null ? "" : here)) {
                return here == null || here.isEmpty() ? field + "[" + i + "]" : field + "{" + here + "}";
            }
        }
        return null;
    }
}
