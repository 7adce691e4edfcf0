package io.drover.controller;

import io.drover.api.resource.ResourceType;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** The API client the controllers use: HTTPS to the API server, like any other client. */
public final class ApiClients {
    private ApiClients() {}

    public static KubernetesClient connect(URI server, String caPem, String token) {
        Config config = new ConfigBuilder(Config.empty())
                .withMasterUrl(server.toString())
                .withCaCertData(Base64.getEncoder().encodeToString(caPem.getBytes(StandardCharsets.UTF_8)))
                .withOauthToken(token)
                .withRequestRetryBackoffLimit(3)
                .build();
        return new KubernetesClientBuilder().withConfig(config).build();
    }

    /** How the generic fabric8 client addresses a drover resource, without a discovery call. */
    public static ResourceDefinitionContext context(ResourceType type) {
        return new ResourceDefinitionContext.Builder()
                .withGroup(type.group())
                .withVersion(type.version())
                .withKind(type.kind())
                .withPlural(type.plural())
                .withNamespaced(type.namespaced())
                .build();
    }
}
