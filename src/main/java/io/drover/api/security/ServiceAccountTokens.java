package io.drover.api.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.json.Mappers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Service account tokens as kube-apiserver issues them for TokenRequests: JWTs signed with the
 * cluster's service-account key (ES256, P-256), issued by {@link #ISSUER} for the audiences asked
 * for, with Kubernetes' private claims ({@code kubernetes.io}: namespace, service account name and
 * uid, and the pod, secret or node the token is bound to).
 *
 * <p>The key pair is created at the first start and kept in {@code DATA_DIR/pki} as {@code sa.key}
 * (PKCS#8, mode 0600) and {@code sa.pub}, as kubeadm keeps it, so tokens outlive a restart.
 */
public final class ServiceAccountTokens {
    /** The issuer, and the audience the API server accepts: kubeadm's defaults. */
    public static final String ISSUER = "https://kubernetes.default.svc.cluster.local";
    private static final ObjectMapper JSON = Mappers.json();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder UNB64 = Base64.getUrlDecoder();
    private static final String ALGORITHM = "SHA256withECDSAinP1363Format";

    /**
     * What a token says about its service account and the object it is bound to.
     *
     * @param bound the Pod, Secret or Node the token is bound to; null for none
     * @param node the node of a pod-bound token's pod (ServiceAccountTokenPodNodeInfo), or of a node-bound one;
     *     null for none
     * @param jti the token's unique id (ServiceAccountTokenJTI); "" for a token issued before drover wrote one
     */
    public record Claims(String namespace, String serviceAccount, String serviceAccountUid, BoundObject bound,
            BoundObject node, String jti, List<String> audiences, Instant issuedAt, Instant expires) {

        /** A new token's claims, with a fresh jti. */
        public static Claims issued(String namespace, String serviceAccount, String serviceAccountUid,
                BoundObject bound, BoundObject node, List<String> audiences, Instant issuedAt, Instant expires) {
            return new Claims(namespace, serviceAccount, serviceAccountUid, bound, node,
                    java.util.UUID.randomUUID().toString(), audiences, issuedAt, expires);
        }
    }

    /** The object a token is bound to (kind Pod, Secret or Node); the token is valid while it exists. */
    public record BoundObject(String kind, String name, String uid) {}

    /** The issuer of the long-lived tokens kept in kubernetes.io/service-account-token Secrets. */
    public static final String LEGACY_ISSUER = "kubernetes/serviceaccount";
    private static final String LEGACY = "kubernetes.io/serviceaccount/";

    /** What a Secret's long-lived token says: its service account and the Secret it is kept in. */
    public record LegacyClaims(String namespace, String serviceAccount, String serviceAccountUid, String secretName) {}

    private final PrivateKey signing;
    private final PublicKey verifying;
    private final String keyId;

    private ServiceAccountTokens(KeyPair keys) throws GeneralSecurityException {
        this.signing = keys.getPrivate();
        this.verifying = keys.getPublic();
        // As kube-apiserver's kid: the key's SHA-256, base64url.
        this.keyId = B64.encodeToString(MessageDigest.getInstance("SHA-256").digest(verifying.getEncoded()));
    }

    /** Loads the key pair from {@code dataDir/pki}, creating it at the first start. */
    public static ServiceAccountTokens loadOrCreate(Path dataDir) throws IOException {
        Path pki = dataDir.resolve("pki");
        Path keyFile = pki.resolve("sa.key");
        Path publicFile = pki.resolve("sa.pub");
        try {
            if (Files.exists(keyFile) && Files.exists(publicFile)) {
                return new ServiceAccountTokens(new KeyPair(Pem.readEcPublicKey(publicFile), Pem.readEcPrivateKey(keyFile)));
            }
            SecureFiles.createDirectory(pki, SecureFiles.PRIVATE_DIRECTORY);
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair keys = generator.generateKeyPair();
            SecureFiles.write(publicFile, Pem.publicKey(keys.getPublic()).getBytes(StandardCharsets.US_ASCII),
                    SecureFiles.PUBLIC);
            SecureFiles.write(keyFile, Pem.privateKey(keys.getPrivate()).getBytes(StandardCharsets.US_ASCII),
                    SecureFiles.SECRET);
            return new ServiceAccountTokens(keys);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot load or create the service-account key in " + pki, e);
        }
    }

    /**
     * The verifying key as a JSON Web Key Set, what /openid/v1/jwks serves so that others can check this cluster's
     * tokens (service account issuer discovery): one P-256 key, its x and y coordinates base64url, with the kid the
     * tokens carry.
     */
    public ObjectNode jwks() {
        java.security.interfaces.ECPublicKey key = (java.security.interfaces.ECPublicKey) verifying;
        ObjectNode set = JSON.createObjectNode();
        ObjectNode jwk = set.putArray("keys").addObject();
        jwk.put("use", "sig");
        jwk.put("kty", "EC");
        jwk.put("kid", keyId);
        jwk.put("crv", "P-256");
        jwk.put("alg", "ES256");
        jwk.put("x", B64.encodeToString(coordinate(key.getW().getAffineX())));
        jwk.put("y", B64.encodeToString(coordinate(key.getW().getAffineY())));
        return set;
    }

    /** An EC coordinate as JWK wants it: big-endian, exactly 32 bytes for P-256. */
    private static byte[] coordinate(java.math.BigInteger value) {
        byte[] raw = value.toByteArray();
        byte[] fixed = new byte[32];
        int copy = Math.min(raw.length, 32);
        System.arraycopy(raw, raw.length - copy, fixed, 32 - copy, copy);
        return fixed;
    }

    /** A signed token carrying {@code claims}. */
    public String issue(Claims claims) {
        ObjectNode payload = JSON.createObjectNode();
        payload.putArray("aud").addAll(claims.audiences().stream().map(JSON.getNodeFactory()::textNode).toList());
        payload.put("exp", claims.expires().getEpochSecond());
        payload.put("iat", claims.issuedAt().getEpochSecond());
        payload.put("iss", ISSUER);
        if (!claims.jti().isEmpty()) {
            payload.put("jti", claims.jti());
        }
        ObjectNode kubernetes = payload.putObject("kubernetes.io");
        kubernetes.put("namespace", claims.namespace());
        if (claims.node() != null) {
            kubernetes.putObject("node").put("name", claims.node().name()).put("uid", claims.node().uid());
        }
        if (claims.bound() != null) {
            kubernetes.putObject(claims.bound().kind().toLowerCase(Locale.ROOT))
                    .put("name", claims.bound().name()).put("uid", claims.bound().uid());
        }
        kubernetes.putObject("serviceaccount").put("name", claims.serviceAccount()).put("uid", claims.serviceAccountUid());
        payload.put("nbf", claims.issuedAt().getEpochSecond());
        payload.put("sub", "system:serviceaccount:" + claims.namespace() + ":" + claims.serviceAccount());
        return sign(payload);
    }

    private String sign(ObjectNode payload) {
        ObjectNode header = JSON.createObjectNode().put("alg", "ES256").put("kid", keyId);
        String signed = B64.encodeToString(bytes(header)) + "." + B64.encodeToString(bytes(payload));
        try {
            Signature signature = Signature.getInstance(ALGORITHM);
            signature.initSign(signing);
            signature.update(signed.getBytes(StandardCharsets.US_ASCII));
            return signed + "." + B64.encodeToString(signature.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign a service account token", e);
        }
    }

    /**
     * A long-lived token for a kubernetes.io/service-account-token Secret, as the tokens controller of
     * kube-controller-manager signs it: the legacy issuer and claims, no audience and no expiry. It is valid while
     * the Secret holds it and the service account exists.
     */
    public String issueLegacy(LegacyClaims claims) {
        ObjectNode payload = JSON.createObjectNode();
        payload.put("iss", LEGACY_ISSUER);
        payload.put(LEGACY + "namespace", claims.namespace());
        payload.put(LEGACY + "secret.name", claims.secretName());
        payload.put(LEGACY + "service-account.name", claims.serviceAccount());
        payload.put(LEGACY + "service-account.uid", claims.serviceAccountUid());
        payload.put("sub", "system:serviceaccount:" + claims.namespace() + ":" + claims.serviceAccount());
        return sign(payload);
    }

    /**
     * The claims of a long-lived token this cluster signed; empty for anything else. Whether its Secret and
     * service account still exist is the caller's to check.
     */
    public Optional<LegacyClaims> verifyLegacy(String token) {
        return verifiedPayload(token).filter(p -> LEGACY_ISSUER.equals(p.path("iss").asText()))
                .filter(p -> p.path("sub").asText().equals("system:serviceaccount:"
                        + p.path(LEGACY + "namespace").asText() + ":" + p.path(LEGACY + "service-account.name").asText()))
                .map(p -> new LegacyClaims(p.path(LEGACY + "namespace").asText(),
                        p.path(LEGACY + "service-account.name").asText(),
                        p.path(LEGACY + "service-account.uid").asText(), p.path(LEGACY + "secret.name").asText()));
    }

    /**
     * The claims of a token this cluster signed, issued for {@code audience}, and valid at {@code
     * now}; empty for anything else (another issuer's, expired, not yet valid, altered, not a JWT).
     */
    public Optional<Claims> verify(String token, String audience, Instant now) {
        return verifiedPayload(token).flatMap(payload -> claims(payload, audience, now));
    }

    /** The payload of a JWT this cluster's key signed; empty for anything else. */
    private Optional<JsonNode> verifiedPayload(String token) {
        if (token == null) {
            return Optional.empty();
        }
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3) {
            return Optional.empty();
        }
        try {
            JsonNode header = JSON.readTree(UNB64.decode(parts[0]));
            if (!"ES256".equals(header.path("alg").asText())) {
                return Optional.empty();
            }
            Signature signature = Signature.getInstance(ALGORITHM);
            signature.initVerify(verifying);
            signature.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            if (!signature.verify(UNB64.decode(parts[2]))) {
                return Optional.empty();
            }
            return Optional.of(JSON.readTree(UNB64.decode(parts[1])));
        } catch (IOException | IllegalArgumentException | GeneralSecurityException e) {
            return Optional.empty();
        }
    }

    private static Optional<Claims> claims(JsonNode payload, String audience, Instant now) {
        List<String> audiences = new ArrayList<>();
        payload.path("aud").forEach(a -> audiences.add(a.asText()));
        Instant expires = Instant.ofEpochSecond(payload.path("exp").asLong(0));
        Instant notBefore = Instant.ofEpochSecond(payload.path("nbf").asLong(0));
        if (!ISSUER.equals(payload.path("iss").asText()) || !audiences.contains(audience)
                || !now.isBefore(expires) || now.isBefore(notBefore)) {
            return Optional.empty();
        }
        JsonNode kubernetes = payload.path("kubernetes.io");
        BoundObject node = object(kubernetes, "Node");
        // A pod-bound token names its pod's node too; the node is what it is bound to only without a pod or secret.
        BoundObject bound = object(kubernetes, "Pod");
        if (bound == null) {
            bound = object(kubernetes, "Secret");
        }
        if (bound == null) {
            bound = node;
        }
        return Optional.of(new Claims(kubernetes.path("namespace").asText(),
                kubernetes.path("serviceaccount").path("name").asText(),
                kubernetes.path("serviceaccount").path("uid").asText(), bound, node, payload.path("jti").asText(""),
                audiences, Instant.ofEpochSecond(payload.path("iat").asLong(0)), expires));
    }

    private static BoundObject object(JsonNode kubernetes, String kind) {
        JsonNode object = kubernetes.get(kind.toLowerCase(Locale.ROOT));
        return object == null ? null : new BoundObject(kind, object.path("name").asText(), object.path("uid").asText());
    }

    private static byte[] bytes(ObjectNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
