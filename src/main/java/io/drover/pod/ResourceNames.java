package io.drover.pod;

/** Kinds of resource names, as Kubernetes' v1helper tells them apart. */
public final class ResourceNames {
    private ResourceNames() {}

    /**
     * IsExtendedResourceName: a name with a domain that is not kubernetes.io's, such as example.com/dongle or
     * nvidia.com/gpu, advertised on a node's capacity by a device plugin or an admin.
     */
    public static boolean isExtended(String name) {
        return name.contains("/") && !name.contains("kubernetes.io/") && !name.startsWith("requests.");
    }

    /**
     * IsScalarResourceName: what the scheduler counts besides cpu, memory, ephemeral-storage and pods: extended
     * resources, hugepages, kubernetes.io-prefixed native resources and attachable volumes.
     */
    public static boolean isScalar(String name) {
        return isExtended(name) || name.startsWith("hugepages-") || name.contains("kubernetes.io/")
                || name.startsWith("attachable-volumes-");
    }
}
