package io.drover.agent.env;

import io.fabric8.kubernetes.api.model.Service;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Where configMapKeyRef, secretKeyRef and envFrom read their data. */
public interface EnvVarSources {

    /** The ConfigMap's data; empty when it does not exist. */
    Optional<Map<String, String>> configMap(String namespace, String name) throws ContainerConfigException;

    /** The Secret's data, decoded; empty when it does not exist. */
    Optional<Map<String, String>> secret(String namespace, String name) throws ContainerConfigException;

    /** The Services of a namespace, for the Service environment variables; none unless overridden. */
    default List<Service> services(String namespace) throws ContainerConfigException {
        return List.of();
    }
}
