package io.squadron.infra.certs;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * JDK {@link SSLContext}s from a directory {@code ./squadron certs} wrote, for plain-Java clients
 * of the platform's HTTPS listeners (a test's {@code java.net.http.HttpClient}, a tool): trusting
 * only the platform CA, and optionally presenting one identity's certificate.
 */
public final class TlsContexts {
  private static final char[] NO_PASSWORD = new char[0];

  private TlsContexts() {}

  /**
   * A client context trusting {@code ca.crt} in {@code certDir}, presenting {@code <identity>.crt}
   * and {@code <identity>.key} when {@code identity} is present.
   */
  public static SSLContext client(Path certDir, Optional<String> identity) throws IOException {
    requireNonNull(certDir, "certDir");
    requireNonNull(identity, "identity");
    try {
      KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
      trusted.load(null, null);
      trusted.setCertificateEntry(
          "squadron-ca", Pem.readCertificate(certDir.resolve(DevCerts.CA_CERT)));
      TrustManagerFactory trust =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(trusted);
      KeyManagerFactory keys = null;
      if (identity.isPresent()) {
        X509Certificate certificate = Pem.readCertificate(certDir.resolve(identity.get() + ".crt"));
        PrivateKey key = Pem.readPrivateKey(certDir.resolve(identity.get() + ".key"));
        KeyStore own = KeyStore.getInstance(KeyStore.getDefaultType());
        own.load(null, null);
        own.setKeyEntry(identity.get(), key, NO_PASSWORD, new Certificate[] {certificate});
        keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(own, NO_PASSWORD);
      }
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys == null ? null : keys.getKeyManagers(), trust.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IOException(
          "cannot build a TLS context from " + certDir + ": " + e.getMessage(), e);
    }
  }
}
