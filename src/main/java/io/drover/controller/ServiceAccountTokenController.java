package io.drover.controller;

import io.drover.api.security.ServiceAccountTokens;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/**
 * kube-controller-manager's tokens controller: a kubernetes.io/service-account-token Secret (the documented way to
 * make a long-lived token) gets a token of its service account, the cluster's CA and its namespace, and the account's
 * uid annotation; a Secret whose service account does not exist (or is another one now, by uid) is deleted, so
 * deleting an account deletes its token Secrets. The account is read from the API, not the informer's cache: a cache
 * that has not seen a new account yet must not get its Secret deleted.
 */
final class ServiceAccountTokenController implements Reconciler {
    static final String TYPE = "kubernetes.io/service-account-token";
    static final String NAME_ANNOTATION = "kubernetes.io/service-account.name";
    static final String UID_ANNOTATION = "kubernetes.io/service-account.uid";

    private final KubernetesClient client;
    private final SharedIndexInformer<Secret> secrets;
    private final TokenSigning signing;

    ServiceAccountTokenController(KubernetesClient client, SharedIndexInformer<Secret> secrets, TokenSigning signing) {
        this.client = client;
        this.secrets = secrets;
        this.signing = signing;
    }

    @Override
    public Result reconcile(String key) {
        Secret secret = secrets.getStore().getByKey(key);
        if (secret == null || !TYPE.equals(secret.getType()) || secret.getMetadata().getDeletionTimestamp() != null) {
            return Result.done();
        }
        String namespace = secret.getMetadata().getNamespace();
        Map<String, String> annotations = secret.getMetadata().getAnnotations() == null ? Map.of()
                : secret.getMetadata().getAnnotations();
        ServiceAccount account = client.serviceAccounts().inNamespace(namespace)
                .withName(annotations.getOrDefault(NAME_ANNOTATION, "")).get();
        String wantedUid = annotations.getOrDefault(UID_ANNOTATION, "");
        if (account == null || !wantedUid.isEmpty() && !wantedUid.equals(account.getMetadata().getUid())) {
            delete(secret);
            return Result.done();
        }
        Map<String, String> data = secret.getData() == null ? Map.of() : secret.getData();
        String ca = encode(signing.caCertificatePem());
        String ns = encode(namespace);
        boolean needsToken = data.getOrDefault("token", "").isEmpty();
        if (!needsToken && ca.equals(data.get("ca.crt")) && ns.equals(data.get("namespace"))
                && account.getMetadata().getUid().equals(wantedUid)) {
            return Result.done();
        }
        Secret filled = client.getKubernetesSerialization().clone(secret);
        Map<String, String> newData = new HashMap<>(data);
        newData.put("ca.crt", ca);
        newData.put("namespace", ns);
        if (needsToken) {
            newData.put("token", encode(signing.tokens().issueLegacy(new ServiceAccountTokens.LegacyClaims(namespace,
                    account.getMetadata().getName(), account.getMetadata().getUid(), secret.getMetadata().getName()))));
        }
        filled.setData(newData);
        Map<String, String> newAnnotations = new HashMap<>(annotations);
        newAnnotations.put(NAME_ANNOTATION, account.getMetadata().getName());
        newAnnotations.put(UID_ANNOTATION, account.getMetadata().getUid());
        filled.getMetadata().setAnnotations(newAnnotations);
        try {
            client.secrets().inNamespace(namespace).resource(filled).update();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404 && e.getCode() != 409) {
                throw e;
            }
            // Gone, or changed meanwhile: the informer's next event brings the newer Secret here again.
        }
        return Result.done();
    }

    private void delete(Secret secret) {
        try {
            client.secrets().inNamespace(secret.getMetadata().getNamespace()).resource(secret).delete();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404 && e.getCode() != 409) {
                throw e;
            }
        }
    }

    /** The keys of the token Secrets that name {@code account}, which its deletion (or creation) concerns. */
    Iterable<String> secretsOf(ServiceAccount account) {
        return secrets.getStore().list().stream()
                .filter(s -> account.getMetadata().getNamespace().equals(s.getMetadata().getNamespace()))
                .filter(s -> s.getMetadata().getAnnotations() != null && account.getMetadata().getName()
                        .equals(s.getMetadata().getAnnotations().get(NAME_ANNOTATION)))
                .map(Keys::of).toList();
    }

    private static String encode(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
