package io.drover.server;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.security.ClusterAuthenticator;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Labels a token Secret {@code kubernetes.io/legacy-token-last-used=<today>} when its long-lived token is used, as
 * kube-apiserver's legacy service-account validator does (patchSecretWithLastUsedDate), so that an administrator
 * finds the unused ones with {@code -l kubernetes.io/legacy-token-last-used}.
 *
 * <p>The merge patch goes through the API, as kube-apiserver's goes through its loopback client, but on a virtual
 * thread of its own: the authentication it comes from is on the request's path and must neither wait for the write
 * nor fail with it (a failure is logged; the next use tries again). A Secret already being labelled for the day is
 * not labelled twice at once. Uses before the API serves ({@link #connect}) are not recorded.
 */
final class LegacyTokenLastUsed implements ClusterAuthenticator.LegacyTokenUses {
    private static final Logger log = LoggerFactory.getLogger(LegacyTokenLastUsed.class);

    /** "namespace/name=date" of the patches under way. */
    private final Set<String> underWay = ConcurrentHashMap.newKeySet();
    /** A client of the API for one patch (a patch is at most daily per Secret, so each gets its own). */
    private volatile Supplier<KubernetesClient> clients;

    /** From now on uses are recorded, with clients {@code clients} gives. */
    void connect(Supplier<KubernetesClient> clients) {
        this.clients = clients;
    }

    @Override
    public void used(ClusterAuthenticator.TokenSecret secret, String today) {
        Supplier<KubernetesClient> api = clients;
        String key = secret.namespace() + "/" + secret.name() + "=" + today;
        if (api == null || !underWay.add(key)) {
            return;
        }
        Thread.ofVirtual().name("legacy-token-last-used").start(() -> {
            try (KubernetesClient client = api.get()) {
                client.secrets().inNamespace(secret.namespace()).withName(secret.name())
                        .patch(PatchContext.of(PatchType.JSON_MERGE), patch(secret, today));
            } catch (RuntimeException e) {
                log.warn("Failed to label legacy service account token {}/{} with last-used date: {}",
                        secret.namespace(), secret.name(), e.getMessage());
            } finally {
                underWay.remove(key);
            }
        });
    }

    /** kube's patch: the Secret named with its uid (a Secret made again under the name is not labelled), the label. */
    private static String patch(ClusterAuthenticator.TokenSecret secret, String today) {
        ObjectNode patch = JsonNodeFactory.instance.objectNode();
        patch.put("kind", "Secret").put("apiVersion", "v1");
        ObjectNode metadata = patch.putObject("metadata");
        metadata.put("name", secret.name()).put("namespace", secret.namespace()).put("uid", secret.uid());
        metadata.putObject("labels").put(ClusterAuthenticator.LAST_USED_LABEL, today);
        return patch.toString();
    }
}
