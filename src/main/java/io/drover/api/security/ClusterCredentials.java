package io.drover.api.security;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the API server needs to serve TLS and to recognise its administrator: the cluster CA, a
 * serving certificate signed by it, and the admin bearer token, all kept in {@code DATA_DIR/pki}.
 *
 * <p>The first start creates them. Later starts load them; the serving certificate alone is
 * re-issued when it no longer lists every current address of the machine (a new interface, a DHCP
 * change) or expires within 30 days. The CA and the token never change on their own, because every
 * kubeconfig handed out embeds them.
 *
 * <p>Files in {@code DATA_DIR/pki}: {@code ca.crt}, {@code ca.key}, {@code server.crt},
 * {@code server.key}, {@code admin.token}; keys and token have mode 0600 where POSIX modes exist.
 * The service-account signing key beside them is {@link ServiceAccountTokens}'.
 */
public final class ClusterCredentials {
    private static final Logger log = LoggerFactory.getLogger(ClusterCredentials.class);
    static final Duration RENEW_BEFORE = Duration.ofDays(30);
    private static final String CA = "ca";
    private static final String SERVER = "server";
    private static final String KEY_ALIAS = "drover-apiserver";

    private final X509Certificate caCertificate;
    private final KeyAndCertificate serving;
    private final AdminToken token;
    // Protects only the in-memory key store handed to the TLS server, so a per-process random one suffices.
    private final char[] keyStorePassword = randomPassword();

    private ClusterCredentials(X509Certificate caCertificate, KeyAndCertificate serving, AdminToken token) {
        this.caCertificate = caCertificate;
        this.serving = serving;
        this.token = token;
    }

    /** Loads the credentials from {@code dataDir/pki}, creating or renewing what is missing or stale. */
    public static ClusterCredentials loadOrCreate(Path dataDir) throws IOException {
        return loadOrCreate(dataDir, Clock.systemUTC(), SubjectNames.ofThisHost());
    }

    /**
     * As {@link #loadOrCreate(Path)}, with a serving certificate that also names the {@code
     * default/kubernetes} Service (its ClusterIP and DNS names), which pods use to reach the server.
     */
    public static ClusterCredentials loadOrCreate(Path dataDir, java.net.InetAddress kubernetesServiceIp)
            throws IOException {
        return loadOrCreate(dataDir, Clock.systemUTC(), SubjectNames.ofThisHost().withKubernetesService(
                kubernetesServiceIp));
    }

    static ClusterCredentials loadOrCreate(Path dataDir, Clock clock, SubjectNames names) throws IOException {
        Path pki = dataDir.resolve("pki");
        SecureFiles.createDirectory(pki, SecureFiles.PRIVATE_DIRECTORY);
        try {
            CertificateAuthority ca = loadOrCreateCa(pki, clock);
            KeyAndCertificate serving = loadOrIssueServing(pki, ca, names, clock);
            AdminToken token = AdminToken.loadOrCreate(pki.resolve("admin.token"));
            return new ClusterCredentials(ca.keyAndCertificate().certificate(), serving, token);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot load or create the cluster credentials in " + pki, e);
        }
    }

    private static CertificateAuthority loadOrCreateCa(Path pki, Clock clock) throws IOException, GeneralSecurityException {
        KeyAndCertificate stored = KeyAndCertificate.read(pki, CA);
        if (stored == null) {
            CertificateAuthority created = CertificateAuthority.create(clock);
            created.keyAndCertificate().write(pki, CA);
            log.info("created cluster CA in {}", pki);
            return created;
        }
        // The CA is written once, so a mismatch means someone replaced a file. Creating a new CA
        // here would silently break every kubeconfig already handed out.
        if (!stored.isPair()) {
            throw new GeneralSecurityException(pki.resolve("ca.key") + " does not belong to " + pki.resolve("ca.crt")
                    + " (expected: the pair created together; delete both to create a new CA)");
        }
        return new CertificateAuthority(stored);
    }

    private static KeyAndCertificate loadOrIssueServing(Path pki, CertificateAuthority ca, SubjectNames names, Clock clock)
            throws IOException, GeneralSecurityException {
        KeyAndCertificate stored = KeyAndCertificate.read(pki, SERVER);
        String reason = stored == null ? "none stored" : staleness(stored, ca, names, clock.instant());
        if (reason == null) {
            return stored;
        }
        KeyAndCertificate issued = ca.issueServing(names, clock);
        issued.write(pki, SERVER);
        log.info("issued serving certificate ({}) for {} {}, valid until {}",
                reason, names.dnsNames(), names.addresses(), issued.certificate().getNotAfter().toInstant());
        return issued;
    }

    /** Why {@code stored} must be re-issued, or null when it is still good. */
    private static String staleness(KeyAndCertificate stored, CertificateAuthority ca, SubjectNames names, Instant now)
            throws GeneralSecurityException {
        if (!stored.isPair()) {
            return "key does not match certificate"; // a crash between writing the two files
        }
        if (!ca.signed(stored.certificate())) {
            return "not signed by the current CA";
        }
        if (!names.coveredBy(stored.certificate())) {
            return "host addresses changed";
        }
        if (stored.certificate().getNotAfter().toInstant().isBefore(now.plus(RENEW_BEFORE))) {
            return "expires within " + RENEW_BEFORE.toDays() + " days";
        }
        return null;
    }

    /** The CA certificate in PEM, for a kubeconfig's certificate-authority-data. */
    public String caCertificatePem() {
        return Pem.certificate(caCertificate);
    }

    /**
     * A new in-memory PKCS#12 key store with one entry: the serving key and its chain (serving
     * certificate, CA certificate), protected by {@link #keyStorePassword()} both as store and as key
     * password. Fit for Jetty's {@code SslContextFactory.Server.setKeyStore}.
     */
    public KeyStore serverKeyStore() {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry(KEY_ALIAS, serving.key(), keyStorePassword, new Certificate[] {serving.certificate(), caCertificate});
            return store;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build an in-memory PKCS12 key store", e);
        }
    }

    /** The password of {@link #serverKeyStore()} and of its key entry; a copy the caller may wipe. */
    public char[] keyStorePassword() {
        return keyStorePassword.clone();
    }

    /** The admin bearer token, for kubeconfigs. */
    public String adminToken() {
        return token.value();
    }

    /** Whether {@code candidate} (a bearer token from a request; null allowed) is the admin token, in constant time. */
    public boolean isAdminToken(String candidate) {
        return token.matches(candidate);
    }

    @Override
    public String toString() {
        return "ClusterCredentials[ca=" + caCertificate.getSubjectX500Principal() + ", serving until "
                + serving.certificate().getNotAfter().toInstant() + "]";
    }

    private static char[] randomPassword() {
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(random).toCharArray();
    }
}
