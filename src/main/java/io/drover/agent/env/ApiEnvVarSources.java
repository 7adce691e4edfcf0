package io.drover.agent.env;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads ConfigMaps, Secrets and Services through the API at each container start, as the kubelet's
 * configMapManager does (a change shows in the next start, not in a running container's env).
 */
public final class ApiEnvVarSources implements EnvVarSources {
    private final KubernetesClient client;

    public ApiEnvVarSources(KubernetesClient client) {
        this.client = client;
    }

    @Override
    public Optional<Map<String, String>> configMap(String namespace, String name) throws ContainerConfigException {
        try {
            ConfigMap cm = client.configMaps().inNamespace(namespace).withName(name).get();
            return cm == null ? Optional.empty()
                    : Optional.of(cm.getData() == null ? Map.of() : new LinkedHashMap<>(cm.getData()));
        } catch (KubernetesClientException e) {
            throw new ContainerConfigException("couldn't get configMap " + namespace + "/" + name + ": "
                    + e.getMessage());
        }
    }

    @Override
    public Optional<Map<String, String>> secret(String namespace, String name) throws ContainerConfigException {
        try {
            Secret secret = client.secrets().inNamespace(namespace).withName(name).get();
            if (secret == null) {
                return Optional.empty();
            }
            Map<String, String> data = new LinkedHashMap<>();
            if (secret.getData() != null) {
                secret.getData().forEach((k, v) -> data.put(k,
                        new String(Base64.getDecoder().decode(v == null ? "" : v), StandardCharsets.UTF_8)));
            }
            return Optional.of(data);
        } catch (KubernetesClientException e) {
            throw new ContainerConfigException("couldn't get secret " + namespace + "/" + name + ": " + e.getMessage());
        }
    }

    @Override
    public List<Service> services(String namespace) throws ContainerConfigException {
        try {
            return client.services().inNamespace(namespace).list().getItems();
        } catch (KubernetesClientException e) {
            throw new ContainerConfigException("failed to list services when setting up env vars: " + e.getMessage());
        }
    }
}
