package io.squadron.rpc.internal.security;

import static java.util.Objects.requireNonNull;

import io.squadron.rpc.security.SpiffeId;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Trusts a peer only when its chain verifies against the platform CA (PKIX: signatures, validity
 * dates, CA constraints) and, for a server, its certificate names the expected service ({@code
 * spiffe://<domain>/<service>}). The SPIFFE check replaces host-name verification: services are
 * reached by addresses that change, identities do not.
 */
public final class ServiceTrustManager extends X509ExtendedTrustManager {
  private final Supplier<X509ExtendedTrustManager> pkix;
  private final String trustDomain;
  private final String expectedService;

  private ServiceTrustManager(
      Supplier<X509ExtendedTrustManager> pkix, String trustDomain, String expectedService) {
    this.pkix = pkix;
    this.trustDomain = trustDomain;
    this.expectedService = expectedService;
  }

  /**
   * Trusts servers certified by {@code caCertificates} as {@code expectedService} in {@code
   * trustDomain}.
   */
  public static ServiceTrustManager forServer(
      Collection<X509Certificate> caCertificates, String trustDomain, String expectedService) {
    requireNonNull(caCertificates, "caCertificates");
    SpiffeId.of(trustDomain, expectedService);
    X509ExtendedTrustManager fixed = pkix(caCertificates);
    return new ServiceTrustManager(() -> fixed, trustDomain, expectedService);
  }

  /**
   * As {@link #forServer(Collection, String, String)} over the CA bundle {@code pkix} gives now (it
   * may rotate).
   */
  public static ServiceTrustManager forServer(
      Supplier<X509ExtendedTrustManager> pkix, String trustDomain, String expectedService) {
    requireNonNull(pkix, "pkix");
    SpiffeId.of(trustDomain, expectedService);
    return new ServiceTrustManager(pkix, trustDomain, expectedService);
  }

  /** The certificates in a PEM file (a CA bundle). */
  public static List<X509Certificate> readCertificates(Path pemFile) throws IOException {
    requireNonNull(pemFile, "pemFile");
    return parseCertificates(Files.readAllBytes(pemFile), pemFile.toString());
  }

  /** The certificates in PEM {@code bytes} read from {@code source}. */
  static List<X509Certificate> parseCertificates(byte[] bytes, String source) throws IOException {
    try (InputStream in = new java.io.ByteArrayInputStream(bytes)) {
      List<X509Certificate> certificates = new ArrayList<>();
      for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        certificates.add((X509Certificate) c);
      }
      if (certificates.isEmpty()) {
        throw new IOException(source + ": no certificate");
      }
      return certificates;
    } catch (CertificateException e) {
      throw new IOException(source + ": unreadable certificates", e);
    }
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    checkServerTrusted(chain, authType);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    checkServerTrusted(chain, authType);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    // The two-argument form: chain validation without the JDK's host-name check.
    pkix.get().checkServerTrusted(chain, authType);
    Optional<String> service = SpiffeId.service(chain[0], trustDomain);
    if (service.isEmpty()) {
      throw new CertificateException(
          "server certificate carries no spiffe://"
              + trustDomain
              + "/ identity "
              + "(expected: "
              + expectedService
              + ")");
    }
    if (!service.get().equals(expectedService)) {
      throw new CertificateException(
          "server certificate names service '"
              + service.get()
              + "' (expected: '"
              + expectedService
              + "')");
    }
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    pkix.get().checkClientTrusted(chain, authType);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    pkix.get().checkClientTrusted(chain, authType);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    pkix.get().checkClientTrusted(chain, authType);
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return pkix.get().getAcceptedIssuers();
  }

  static X509ExtendedTrustManager pkix(Collection<X509Certificate> caCertificates) {
    if (caCertificates.isEmpty()) {
      throw new IllegalArgumentException("caCertificates: empty (expected: the platform CA)");
    }
    try {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      int i = 0;
      for (X509Certificate ca : caCertificates) {
        store.setCertificateEntry("ca-" + i++, ca);
      }
      TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
      factory.init(store);
      for (TrustManager tm : factory.getTrustManagers()) {
        if (tm instanceof X509ExtendedTrustManager x509) {
          return x509;
        }
      }
      throw new IllegalStateException("no X509ExtendedTrustManager from PKIX");
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot build a trust manager", e);
    }
  }
}
