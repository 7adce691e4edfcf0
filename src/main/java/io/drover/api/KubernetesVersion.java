package io.drover.api;

/** The Kubernetes release drover serves the API of, as /version, the node and its components name it. */
public final class KubernetesVersion {
    /** /version's gitVersion, the node's kubelet and kube-proxy versions, the components' User-Agent version. */
    public static final String GIT_VERSION = "v1.32.4-drover";

    private KubernetesVersion() {}
}
