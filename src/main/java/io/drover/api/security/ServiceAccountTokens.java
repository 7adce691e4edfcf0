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
    /** The audiences the API server accepts (kube-apiserver's --api-audiences): what a TokenRequest gets by default. */
    public static final List<String> API_AUDIENCES = Audiences.API;
    private static final ObjectMapper JSON = Mappers.json();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder UNB64 = Base64.getUrlDecoder();
    private static final String ALGORITHM = "SHA256withECDSAinP1363Format";
    /** go-jose's DefaultLeeway, which kube-apiserver checks a token's exp and nbf with (clocks of its clients differ). */
    static final java.time.Duration LEEWAY = java.time.Duration.ofMinutes(1);
    /** go-jose's ErrCryptoFailure: what kube-apiserver says of a token its keys did not sign. */
    static final String CRYPTO_FAILURE = "go-jose/go-jose: error in cryptographic primitive";

    /**
     * What a token says about its service account and the object it is bound to.
     *
     * @param bound the Pod, Secret or Node the token is bound to; null for none
     * @param node the node of a pod-bound token's pod (ServiceAccountTokenPodNodeInfo), or of a node-bound one;
     *     null for none
     * @param jti the token's unique id (ServiceAccountTokenJTI); "" for a token issued before drover wrote one
     * @param warnAfter when a token whose expiry was extended should have expired (the {@code kubernetes.io}
     *     warnafter claim); null for a token used as issued
     */
    public record Claims(String namespace, String serviceAccount, String serviceAccountUid, BoundObject bound,
            BoundObject node, String jti, List<String> audiences, Instant issuedAt, Instant expires,
            Instant warnAfter) {

        /** A new token's claims, with a fresh jti. */
        public static Claims issued(String namespace, String serviceAccount, String serviceAccountUid,
                BoundObject bound, BoundObject node, List<String> audiences, Instant issuedAt, Instant expires) {
            return new Claims(namespace, serviceAccount, serviceAccountUid, bound, node,
                    java.util.UUID.randomUUID().toString(), audiences, issuedAt, expires, null);
        }

        /** These claims expiring at {@code extended} instead, warning after {@code warnAfter} (claims.go). */
        public Claims extended(Instant extended, Instant warnAfter) {
            return new Claims(namespace, serviceAccount, serviceAccountUid, bound, node, jti, audiences, issuedAt,
                    extended, warnAfter);
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
        if (claims.warnAfter() != null) {
            kubernetes.put("warnafter", claims.warnAfter().getEpochSecond());
        }
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
     * The claims of a long-lived token this cluster signed (the legacy issuer's), for {@code audiences}: as
     * kube-apiserver's legacy service-account authenticator, such a token has no audience of its own and is good
     * for the API server's alone. Empty for a token of another issuer; whether its Secret and service account still
     * exist is the caller's to check.
     *
     * @throws InvalidTokenException when its signature, the audiences asked for or its claims are wrong
     */
    public Optional<LegacyClaims> verifyLegacy(String token, List<String> audiences) throws InvalidTokenException {
        if (unverifiedPayload(token, LEGACY_ISSUER).isEmpty()) {
            return Optional.empty();
        }
        JsonNode payload = verifiedPayload(token);
        requireAudience(Audiences.API, audiences);
        String subject = payload.path("sub").asText("");
        String namespace = payload.path(LEGACY + "namespace").asText("");
        String secretName = payload.path(LEGACY + "secret.name").asText("");
        String serviceAccount = payload.path(LEGACY + "service-account.name").asText("");
        String serviceAccountUid = payload.path(LEGACY + "service-account.uid").asText("");
        // legacyValidator.Validate's checks, in its order and words.
        if (subject.isEmpty()) {
            throw new InvalidTokenException("sub claim is missing");
        }
        if (namespace.isEmpty()) {
            throw new InvalidTokenException("namespace claim is missing");
        }
        if (secretName.isEmpty()) {
            throw new InvalidTokenException("secretName claim is missing");
        }
        if (serviceAccount.isEmpty()) {
            throw new InvalidTokenException("serviceAccountName claim is missing");
        }
        if (serviceAccountUid.isEmpty()) {
            throw new InvalidTokenException("serviceAccountUID claim is missing");
        }
        if (!subject.equals("system:serviceaccount:" + namespace + ":" + serviceAccount)) {
            throw new InvalidTokenException("sub claim is invalid");
        }
        return Optional.of(new LegacyClaims(namespace, serviceAccount, serviceAccountUid, secretName));
    }

    /**
     * The claims of a token this cluster signed for one of {@code audiences} and valid at {@code now}, give or take
     * go-jose's leeway of a minute ({@link #LEEWAY}), as kube-apiserver's service-account JWT authenticator checks it.
     * Empty for a token of another issuer, or none that can be read as a JWT; whether the objects it names still
     * exist is the caller's to check.
     *
     * @throws InvalidTokenException when its signature, audiences or validity period are wrong
     */
    public Optional<Claims> verify(String token, List<String> audiences, Instant now) throws InvalidTokenException {
        if (unverifiedPayload(token, ISSUER).isEmpty()) {
            return Optional.empty();
        }
        JsonNode payload = verifiedPayload(token);
        List<String> tokenAudiences = new ArrayList<>();
        payload.path("aud").forEach(a -> tokenAudiences.add(a.asText()));
        requireAudience(tokenAudiences, audiences);
        Instant expires = Instant.ofEpochSecond(payload.path("exp").asLong(0));
        Instant notBefore = Instant.ofEpochSecond(payload.path("nbf").asLong(0));
        // go-jose's Claims.Validate: expired once now - leeway is after exp, not yet valid while now + leeway is before nbf.
        if (now.minus(LEEWAY).isAfter(expires)) {
            throw new InvalidTokenException("service account token has expired");
        }
        if (now.plus(LEEWAY).isBefore(notBefore)) {
            throw new InvalidTokenException("service account token is not valid yet");
        }
        return Optional.of(claims(payload, tokenAudiences, expires));
    }

    /** jwtTokenAuthenticator's audience check: the token must be good for one of the audiences asked for. */
    private static void requireAudience(List<String> tokenAudiences, List<String> wanted) throws InvalidTokenException {
        if (Audiences.intersect(tokenAudiences, wanted).isEmpty()) {
            throw new InvalidTokenException("token audiences " + Audiences.quoted(tokenAudiences)
                    + " is invalid for the target audiences " + Audiences.quoted(wanted));
        }
    }

    /**
     * The payload of a JWT whose (not yet verified) issuer is {@code issuer}: which of kube-apiserver's
     * authenticators takes a token up (hasCorrectIssuer). Empty for anything else.
     */
    private static Optional<JsonNode> unverifiedPayload(String token, String issuer) {
        if (token == null || token.strip().startsWith("{")) {
            return Optional.empty();
        }
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3) {
            return Optional.empty();
        }
        try {
            JsonNode payload = JSON.readTree(UNB64.decode(parts[1]));
            return payload != null && issuer.equals(payload.path("iss").asText()) ? Optional.of(payload) : Optional.empty();
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The payload of a JWT this cluster's key signed; refused with go-jose's words when the key did not sign it. */
    private JsonNode verifiedPayload(String token) throws InvalidTokenException {
        String[] parts = token.split("\\.", -1);
        try {
            JsonNode header = JSON.readTree(UNB64.decode(parts[0]));
            if (header != null && "ES256".equals(header.path("alg").asText())) {
                Signature signature = Signature.getInstance(ALGORITHM);
                signature.initVerify(verifying);
                signature.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
                if (signature.verify(UNB64.decode(parts[2]))) {
                    return JSON.readTree(UNB64.decode(parts[1]));
                }
            }
        } catch (IOException | IllegalArgumentException | GeneralSecurityException e) {
            // refused below, as any other signature that does not verify
        }
        throw new InvalidTokenException(CRYPTO_FAILURE);
    }

    private static Claims claims(JsonNode payload, List<String> audiences, Instant expires) {
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
        return new Claims(kubernetes.path("namespace").asText(),
                kubernetes.path("serviceaccount").path("name").asText(),
                kubernetes.path("serviceaccount").path("uid").asText(), bound, node, payload.path("jti").asText(""),
                audiences, Instant.ofEpochSecond(payload.path("iat").asLong(0)), expires,
                kubernetes.hasNonNull("warnafter") ? Instant.ofEpochSecond(kubernetes.path("warnafter").asLong()) : null);
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
