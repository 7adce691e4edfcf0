package io.drover.api.security;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** PEM encoding of certificates, PKCS#8 EC private keys and X.509 public keys, the formats openssl and kubectl read. */
final class Pem {
    private Pem() {}

    private static final Pattern PRIVATE_KEY =
            Pattern.compile("-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");

    private static final Pattern PUBLIC_KEY =
            Pattern.compile("-----BEGIN PUBLIC KEY-----([A-Za-z0-9+/=\\s]+)-----END PUBLIC KEY-----");

    static String certificate(X509Certificate certificate) {
        try {
            return encode("CERTIFICATE", certificate.getEncoded());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot encode certificate " + certificate.getSubjectX500Principal(), e);
        }
    }

    static String privateKey(PrivateKey key) {
        return encode("PRIVATE KEY", key.getEncoded());
    }

    static String publicKey(PublicKey key) {
        return encode("PUBLIC KEY", key.getEncoded());
    }

    static PublicKey readEcPublicKey(Path file) throws IOException, GeneralSecurityException {
        Matcher m = PUBLIC_KEY.matcher(Files.readString(file, StandardCharsets.US_ASCII));
        if (!m.find()) {
            throw new GeneralSecurityException(file + ": no PEM public key (expected: -----BEGIN PUBLIC KEY-----)");
        }
        return KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(Base64.getMimeDecoder().decode(m.group(1))));
    }

    static X509Certificate readCertificate(Path file) throws IOException, GeneralSecurityException {
        return parseCertificate(Files.readString(file, StandardCharsets.US_ASCII));
    }

    static X509Certificate parseCertificate(String pem) throws GeneralSecurityException {
        var factory = CertificateFactory.getInstance("X.509");
        return (X509Certificate) factory.generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
    }

    static PrivateKey readEcPrivateKey(Path file) throws IOException, GeneralSecurityException {
        Matcher m = PRIVATE_KEY.matcher(Files.readString(file, StandardCharsets.US_ASCII));
        if (!m.find()) {
            throw new GeneralSecurityException(file + ": no PKCS#8 PEM block (expected: -----BEGIN PRIVATE KEY-----)");
        }
        byte[] der = Base64.getMimeDecoder().decode(m.group(1));
        return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der));
    }

    private static String encode(String type, byte[] der) {
        // RFC 7468: base64 in lines of 64 characters between the BEGIN and END lines.
        String body = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
        return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
    }
}
