package io.drover.api.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;

/**
 * A private key and its certificate, stored as {@code NAME.key} (PKCS#8 PEM, mode 0600) and
 * {@code NAME.crt} (PEM) in one directory.
 */
record KeyAndCertificate(PrivateKey key, X509Certificate certificate) {

    /** Reads {@code dir/name.key} and {@code dir/name.crt}; null when either is missing. */
    static KeyAndCertificate read(Path dir, String name) throws IOException, GeneralSecurityException {
        Path keyFile = dir.resolve(name + ".key");
        Path certFile = dir.resolve(name + ".crt");
        if (!Files.exists(keyFile) || !Files.exists(certFile)) {
            return null;
        }
        return new KeyAndCertificate(Pem.readEcPrivateKey(keyFile), Pem.readCertificate(certFile));
    }

    /** Writes the key before the certificate; {@link #isPair()} catches a crash between the two. */
    void write(Path dir, String name) throws IOException {
        SecureFiles.write(dir.resolve(name + ".key"), Pem.privateKey(key).getBytes(StandardCharsets.US_ASCII), SecureFiles.SECRET);
        SecureFiles.write(dir.resolve(name + ".crt"), Pem.certificate(certificate).getBytes(StandardCharsets.US_ASCII), SecureFiles.PUBLIC);
    }

    /** Whether the key belongs to the certificate, proven by signing with one and verifying with the other. */
    boolean isPair() throws GeneralSecurityException {
        byte[] probe = "drover key pair check".getBytes(StandardCharsets.US_ASCII);
        Signature signer = Signature.getInstance(CertificateAuthority.SIGNATURE_ALGORITHM);
        signer.initSign(key);
        signer.update(probe);
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance(CertificateAuthority.SIGNATURE_ALGORITHM);
        verifier.initVerify(certificate.getPublicKey());
        verifier.update(probe);
        return verifier.verify(signature);
    }
}
