package io.squadron.infra.certs;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;

/**
 * A certificate and its private key, issued by a {@link DevCertificateAuthority}.
 *
 * @param certificate the leaf certificate
 * @param privateKey its private key (never log it)
 */
public record IssuedCertificate(X509Certificate certificate, PrivateKey privateKey) {
  public IssuedCertificate {
    requireNonNull(certificate, "certificate");
    requireNonNull(privateKey, "privateKey");
  }

  /**
   * Writes {@code <baseName>.crt} (PEM certificate) and {@code <baseName>.key} (PKCS#8 PEM,
   * owner-only where the file system supports it) into {@code dir}.
   */
  public void writeTo(Path dir, String baseName) throws IOException {
    requireNonNull(dir, "dir");
    requireNonNull(baseName, "baseName");
    Pem.writeCertificate(dir.resolve(baseName + ".crt"), certificate);
    Pem.writePrivateKey(dir.resolve(baseName + ".key"), privateKey);
  }
}
