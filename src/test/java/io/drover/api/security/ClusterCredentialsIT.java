package io.drover.api.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterCredentialsIT {
    private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";

    @TempDir
    Path dataDir;

    @Test
    void secondLoadKeepsCaAndTokenAndFilesAreOwnerOnly() throws Exception {
        ClusterCredentials first = ClusterCredentials.loadOrCreate(dataDir);
        ClusterCredentials second = ClusterCredentials.loadOrCreate(dataDir);

        assertThat(second.caCertificatePem()).isEqualTo(first.caCertificatePem());
        assertThat(second.adminToken()).isEqualTo(first.adminToken()).matches("[0-9a-f]{64}");
        assertThat(servingCertificate(second)).isEqualTo(servingCertificate(first));
        Path pki = dataDir.resolve("pki");
        assertThat(pki.resolve("ca.crt")).exists();
        assertThat(pki.resolve("server.crt")).exists();
        if (Files.getFileStore(pki).supportsFileAttributeView("posix")) {
            for (String secret : List.of("ca.key", "server.key", "admin.token")) {
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(pki.resolve(secret))))
                        .as(secret)
                        .isEqualTo("rw-------");
            }
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(pki))).isEqualTo("rwx------");
        }
        try (var leftovers = Files.list(pki)) {
            assertThat(leftovers.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("ca.crt", "ca.key", "server.crt", "server.key", "admin.token");
        }
    }

    @Test
    void servingCertificateChainsToCaWithLocalNamesAndServerAuth() throws Exception {
        ClusterCredentials credentials = ClusterCredentials.loadOrCreate(dataDir);
        X509Certificate ca = Pem.parseCertificate(credentials.caCertificatePem());
        X509Certificate serving = servingCertificate(credentials);

        assertThatCode(() -> serving.verify(ca.getPublicKey())).doesNotThrowAnyException();
        assertThat(serving.getIssuerX500Principal()).isEqualTo(ca.getSubjectX500Principal());
        assertThat(serving.getExtendedKeyUsage()).contains(SERVER_AUTH);
        assertThat(serving.getBasicConstraints()).isEqualTo(-1);
        assertThat(serving.getSubjectAlternativeNames())
                .contains(List.of(2, "localhost"), List.of(7, "127.0.0.1"), List.of(7, "0:0:0:0:0:0:0:1"));
        assertThat(serving.getNotAfter().toInstant()).isAfter(Instant.now().plus(Duration.ofDays(364)));

        assertThat(ca.getSubjectX500Principal().getName()).isEqualTo("CN=drover-ca");
        assertThat(ca.getBasicConstraints()).isGreaterThanOrEqualTo(0);
        assertThat(ca.getKeyUsage()[5]).as("keyCertSign").isTrue();
        assertThat(ca.getKeyUsage()[6]).as("cRLSign").isTrue();
        assertThat(ca.getNotAfter().toInstant()).isAfter(Instant.now().plus(Duration.ofDays(3649)));
        assertThatCode(() -> ca.verify(ca.getPublicKey())).doesNotThrowAnyException();
    }

    @Test
    void reissuesServingCertificateWhenAnAddressIsNew() throws Exception {
        Clock clock = Clock.systemUTC();
        ClusterCredentials before = ClusterCredentials.loadOrCreate(dataDir, clock, names("127.0.0.1"));
        ClusterCredentials after = ClusterCredentials.loadOrCreate(dataDir, clock, names("127.0.0.1", "192.0.2.77"));

        assertThat(servingCertificate(after)).isNotEqualTo(servingCertificate(before));
        assertThat(servingCertificate(after).getSubjectAlternativeNames()).contains(List.of(7, "192.0.2.77"));
        assertThat(after.caCertificatePem()).isEqualTo(before.caCertificatePem());
        assertThat(after.adminToken()).isEqualTo(before.adminToken());
    }

    @Test
    void reissuesServingCertificateWithinThirtyDaysOfExpiry() throws Exception {
        Instant start = Instant.parse("2030-01-01T00:00:00Z");
        ClusterCredentials before = ClusterCredentials.loadOrCreate(dataDir, Clock.fixed(start, ZoneOffset.UTC), names("127.0.0.1"));
        Clock day334 = Clock.fixed(start.plus(Duration.ofDays(334)), ZoneOffset.UTC);
        ClusterCredentials stillGood = ClusterCredentials.loadOrCreate(dataDir, day334, names("127.0.0.1"));
        Clock day336 = Clock.fixed(start.plus(Duration.ofDays(336)), ZoneOffset.UTC);
        ClusterCredentials renewed = ClusterCredentials.loadOrCreate(dataDir, day336, names("127.0.0.1"));

        assertThat(servingCertificate(stillGood)).isEqualTo(servingCertificate(before));
        assertThat(servingCertificate(renewed).getNotAfter()).isAfter(servingCertificate(before).getNotAfter());
        assertThat(renewed.caCertificatePem()).isEqualTo(before.caCertificatePem());
    }

    @Test
    void reissuesServingCertificateWhoseKeyWasReplaced() throws Exception {
        ClusterCredentials before = ClusterCredentials.loadOrCreate(dataDir);
        Path pki = dataDir.resolve("pki");
        // What a crash between writing server.key and server.crt leaves behind.
        Files.copy(pki.resolve("ca.key"), pki.resolve("server.key"), StandardCopyOption.REPLACE_EXISTING);

        ClusterCredentials after = ClusterCredentials.loadOrCreate(dataDir);

        assertThat(servingCertificate(after)).isNotEqualTo(servingCertificate(before));
        assertThat(KeyAndCertificate.read(pki, "server").isPair()).isTrue();
    }

    @Test
    void acceptsOnlyTheAdminToken() throws Exception {
        ClusterCredentials credentials = ClusterCredentials.loadOrCreate(dataDir);
        String token = credentials.adminToken();

        assertThat(credentials.isAdminToken(token)).isTrue();
        assertThat(credentials.isAdminToken(new String(token))).isTrue();
        assertThat(credentials.isAdminToken(null)).isFalse();
        assertThat(credentials.isAdminToken("")).isFalse();
        assertThat(credentials.isAdminToken(token.substring(1))).isFalse();
        assertThat(credentials.isAdminToken(token + "0")).isFalse();
        assertThat(credentials.isAdminToken(token.toUpperCase())).isFalse();
        String flipped = (token.charAt(0) == 'a' ? "b" : "a") + token.substring(1);
        assertThat(credentials.isAdminToken(flipped)).isFalse();
        assertThat(credentials.toString()).doesNotContain(token);
    }

    static X509Certificate servingCertificate(ClusterCredentials credentials) throws Exception {
        KeyStore store = credentials.serverKeyStore();
        String alias = store.aliases().nextElement();
        assertThat(store.getKey(alias, credentials.keyStorePassword())).isNotNull();
        return (X509Certificate) store.getCertificate(alias);
    }

    private static SubjectNames names(String... addresses) throws Exception {
        Set<InetAddress> ips = new LinkedHashSet<>();
        for (String address : addresses) {
            ips.add(InetAddress.getByName(address));
        }
        return new SubjectNames(Set.of("localhost"), ips);
    }
}
