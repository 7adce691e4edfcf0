package io.drover.api.security;

import java.math.BigInteger;
import java.net.InetAddress;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The cluster's own certificate authority: an EC P-256 key and a self-signed certificate that
 * kubeconfigs trust, and that signs the API server's serving certificate.
 *
 * <p>Bouncy Castle is used only to build certificates; keys and signatures come from the JDK's
 * providers, so Bouncy Castle is never registered as a security provider.
 */
final class CertificateAuthority {
    static final String SIGNATURE_ALGORITHM = "SHA256withECDSA";
    static final Duration CA_VALIDITY = Duration.ofDays(3650);
    static final Duration SERVING_VALIDITY = Duration.ofDays(365);
    // Certificates start an hour in the past so a client whose clock is a little behind accepts them.
    private static final Duration BACKDATE = Duration.ofHours(1);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final KeyAndCertificate ca;

    CertificateAuthority(KeyAndCertificate ca) {
        this.ca = ca;
    }

    /** A new CA, CN "drover-ca", valid for ten years. */
    static CertificateAuthority create(Clock clock) throws GeneralSecurityException {
        KeyPair keys = newKeyPair();
        X500Principal name = new X500Principal("CN=drover-ca");
        Instant now = clock.instant();
        var builder = new JcaX509v3CertificateBuilder(
                name, serialNumber(), Date.from(now.minus(BACKDATE)), Date.from(now.plus(CA_VALIDITY)), name, keys.getPublic());
        try {
            var extensions = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(keys.getPublic()));
        } catch (CertIOException e) {
            throw new GeneralSecurityException("cannot encode CA extensions", e);
        }
        X509Certificate certificate = sign(builder, keys.getPrivate());
        return new CertificateAuthority(new KeyAndCertificate(keys.getPrivate(), certificate));
    }

    KeyAndCertificate keyAndCertificate() {
        return ca;
    }

    /** A new key and a certificate for it, for TLS servers reachable under {@code names}, valid for a year. */
    KeyAndCertificate issueServing(SubjectNames names, Clock clock) throws GeneralSecurityException {
        KeyPair keys = newKeyPair();
        Instant now = clock.instant();
        var builder = new JcaX509v3CertificateBuilder(
                ca.certificate(), serialNumber(), Date.from(now.minus(BACKDATE)), Date.from(now.plus(SERVING_VALIDITY)),
                new X500Principal("CN=drover-apiserver"), keys.getPublic());
        try {
            var extensions = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
                    .addExtension(Extension.subjectAlternativeName, false, generalNames(names))
                    .addExtension(Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(keys.getPublic()))
                    .addExtension(Extension.authorityKeyIdentifier, false, extensions.createAuthorityKeyIdentifier(ca.certificate()));
        } catch (CertIOException e) {
            throw new GeneralSecurityException("cannot encode serving certificate extensions for " + names, e);
        }
        return new KeyAndCertificate(keys.getPrivate(), sign(builder, ca.key()));
    }

    /** Whether this CA signed {@code certificate}. */
    boolean signed(X509Certificate certificate) {
        try {
            certificate.verify(ca.certificate().getPublicKey());
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static GeneralNames generalNames(SubjectNames names) {
        List<GeneralName> entries = new ArrayList<>();
        names.dnsNames().stream().sorted().forEach(dns -> entries.add(new GeneralName(GeneralName.dNSName, dns)));
        for (InetAddress address : names.addresses()) {
            // RFC 5280 4.2.1.6: the address in network byte order, 4 octets for IPv4 and 16 for IPv6.
            entries.add(new GeneralName(GeneralName.iPAddress, new DEROctetString(address.getAddress())));
        }
        return new GeneralNames(entries.toArray(GeneralName[]::new));
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signer) throws GeneralSecurityException {
        try {
            var contentSigner = new JcaContentSignerBuilder(SIGNATURE_ALGORITHM).build(signer);
            return new JcaX509CertificateConverter().getCertificate(builder.build(contentSigner));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException("cannot sign with " + SIGNATURE_ALGORITHM, e);
        }
    }

    private static KeyPair newKeyPair() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    // RFC 5280: positive, at most 20 octets; random so a re-issued certificate never repeats one.
    private static BigInteger serialNumber() {
        return new BigInteger(128, RANDOM).setBit(127);
    }
}
