package io.drover.api.storage;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.api.ApiException;
import io.drover.store.KeyValue;
import io.drover.store.Store;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Kubernetes' ServiceAccount admission on a pod's create: a pod without one runs as its namespace's "default",
 * and one naming a ServiceAccount that does not exist is refused (403), as there. The "default" account is made
 * by the ServiceAccount controller just after its namespace, so a pod created at once waits up to about 1.5 s
 * for it, as the plugin's ten live lookups do. A pod that names no imagePullSecrets gets the account's. Tokens are
 * not mounted: the process runtime mounts no volumes yet.
 */
final class ServiceAccountAdmission {
    static final String DEFAULT = "default";
    private static final int DEFAULT_ATTEMPTS = 10;

    private final Store store;
    private final ObjectCodec codec;

    ServiceAccountAdmission(Store store, ObjectCodec codec) {
        this.store = store;
        this.codec = codec;
    }

    /**
     * Sets the pod's serviceAccountName (and its deprecated alias) and checks that the account exists;
     * {@code podName} is the name admission errors give the pod.
     */
    void admit(ObjectNode pod, String namespace, String podName) {
        ObjectNode spec = pod.withObject("spec");
        String account = spec.path("serviceAccountName").asText("");
        if (account.isEmpty()) {
            account = DEFAULT;
            spec.put("serviceAccountName", account);
            spec.put("serviceAccount", account);
        }
        int attempts = account.equals(DEFAULT) ? DEFAULT_ATTEMPTS : 1;
        // The plugin's retry interval: one random pause of 100-200 ms.
        Duration pause = Duration.ofMillis(100 + ThreadLocalRandom.current().nextLong(100));
        for (int attempt = 0; attempt < attempts; attempt++) {
            if (attempt > 0 && !sleep(pause)) {
                break;
            }
            Optional<KeyValue> found = store.get("/registry/serviceaccounts/" + namespace + "/" + account);
            if (found.isPresent()) {
                copyImagePullSecrets(codec.decode(found.get()), spec);
                return;
            }
        }
        throw new ApiException(403, "Forbidden", "pods \"" + podName + "\" is forbidden: error looking up service "
                + "account " + namespace + "/" + account + ": serviceaccount \"" + account + "\" not found");
    }

    /** The plugin's Admit: a pod without imagePullSecrets gets the names of the account's. */
    private static void copyImagePullSecrets(ObjectNode account, ObjectNode spec) {
        if (!spec.path("imagePullSecrets").isEmpty() || account.path("imagePullSecrets").isEmpty()) {
            return;
        }
        ArrayNode secrets = spec.putArray("imagePullSecrets");
        account.path("imagePullSecrets").forEach(secret -> secrets.addObject().put("name",
                secret.path("name").asText("")));
    }

    private static boolean sleep(Duration pause) {
        try {
            Thread.sleep(pause);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
