package io.squadron.rpc.internal.security;

import static java.util.Objects.requireNonNull;

import io.grpc.util.AdvancedTlsX509KeyManager;
import io.grpc.util.CertificateUtils;
import io.squadron.rpc.internal.security.SecuritySettings.TlsFiles;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TLS material of one process, kept in step with its files: this service's certificate chain
 * and key (served by one key manager) and the platform CA bundle (the PKIX trust every peer is
 * checked against). The files are polled and re-read when their bytes change (robust to editors
 * that replace files and to Kubernetes Secret symlink swaps); new handshakes use the new material,
 * connections already open keep theirs until they reach their maximum age. A certificate and key
 * that do not belong together (one file rewritten, the other not yet) are not applied: the old pair
 * stays until the other file follows.
 */
public final class CertificateWatcher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CertificateWatcher.class);

  private final TlsFiles files;
  private final AdvancedTlsX509KeyManager keyManager = new AdvancedTlsX509KeyManager();
  private volatile X509ExtendedTrustManager pkix;
  private byte[] lastCa;
  private byte[] lastCert;
  private byte[] lastKey;
  private ScheduledExecutorService executor;

  private CertificateWatcher(TlsFiles files) {
    this.files = files;
  }

  /**
   * Reads {@code files} now.
   *
   * @throws UncheckedIOException when a file cannot be read or holds no usable certificate or key
   */
  public static CertificateWatcher load(TlsFiles files) {
    CertificateWatcher watcher = new CertificateWatcher(requireNonNull(files, "files"));
    try {
      watcher.reload();
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot read TLS files "
              + files.certFile()
              + ", "
              + files.keyFile()
              + ", "
              + files.caFile()
              + ": "
              + e.getMessage(),
          e);
    }
    return watcher;
  }

  /**
   * Re-reads the files and applies what changed.
   *
   * @return true when new material was applied
   * @throws IOException when a file cannot be read or parsed (the material in use stays)
   */
  public synchronized boolean reload() throws IOException {
    byte[] ca = Files.readAllBytes(files.caFile());
    byte[] cert = Files.readAllBytes(files.certFile());
    byte[] key = Files.readAllBytes(files.keyFile());
    boolean changed = false;
    if (!Arrays.equals(ca, lastCa)) {
      pkix =
          ServiceTrustManager.pkix(
              ServiceTrustManager.parseCertificates(ca, files.caFile().toString()));
      lastCa = ca;
      changed = true;
    }
    if (!Arrays.equals(cert, lastCert) || !Arrays.equals(key, lastKey)) {
      X509Certificate[] chain;
      PrivateKey privateKey;
      try {
        chain = CertificateUtils.getX509Certificates(new ByteArrayInputStream(cert));
        privateKey = CertificateUtils.getPrivateKey(new ByteArrayInputStream(key));
      } catch (GeneralSecurityException | RuntimeException e) {
        throw new IOException(
            files.certFile() + " or " + files.keyFile() + ": unreadable (" + e.getMessage() + ")",
            e);
      }
      if (chain.length == 0) {
        throw new IOException(files.certFile() + ": no certificate");
      }
      if (!belongTogether(chain[0].getPublicKey(), privateKey)) {
        if (lastCert == null) {
          throw new IOException(files.keyFile() + ": not the key of " + files.certFile());
        }
        log.warn(
            "{} and {} do not belong together (one rewritten, the other not yet?); keeping the previous pair",
            files.certFile(),
            files.keyFile());
        return changed;
      }
      keyManager.updateIdentityCredentials(chain, privateKey);
      lastCert = cert;
      lastKey = key;
      changed = true;
    }
    return changed;
  }

  /** Polls the files every {@code interval} on a daemon thread. */
  public synchronized CertificateWatcher start(Duration interval) {
    requireNonNull(interval, "interval");
    if (executor != null) {
      throw new IllegalStateException("already started");
    }
    executor =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "squadron-certificate-watcher");
              t.setDaemon(true);
              return t;
            });
    executor.scheduleWithFixedDelay(
        this::poll, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    return this;
  }

  private void poll() {
    try {
      if (reload()) {
        log.info(
            "TLS material reloaded from {}, {}, {}",
            files.caFile(),
            files.certFile(),
            files.keyFile());
      }
    } catch (IOException | RuntimeException e) {
      log.error("TLS files not applied; the material in use stays: {}", e.getMessage());
    }
  }

  /** The key manager presenting this service's current certificate. */
  public X509ExtendedKeyManager keyManager() {
    return keyManager;
  }

  /** The PKIX trust of the current CA bundle. */
  public X509ExtendedTrustManager pkix() {
    return pkix;
  }

  /**
   * A trust manager for a server: client certificates are checked against the current CA bundle.
   */
  public X509ExtendedTrustManager clientTrust() {
    return new X509ExtendedTrustManager() {
      @Override
      public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
          throws CertificateException {
        pkix.checkClientTrusted(chain, authType, socket);
      }

      @Override
      public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
          throws CertificateException {
        pkix.checkClientTrusted(chain, authType, engine);
      }

      @Override
      public void checkClientTrusted(X509Certificate[] chain, String authType)
          throws CertificateException {
        pkix.checkClientTrusted(chain, authType);
      }

      @Override
      public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
          throws CertificateException {
        throw new CertificateException("a server's trust manager checks clients only");
      }

      @Override
      public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
          throws CertificateException {
        throw new CertificateException("a server's trust manager checks clients only");
      }

      @Override
      public void checkServerTrusted(X509Certificate[] chain, String authType)
          throws CertificateException {
        throw new CertificateException("a server's trust manager checks clients only");
      }

      @Override
      public X509Certificate[] getAcceptedIssuers() {
        return pkix.getAcceptedIssuers();
      }
    };
  }

  /** Stops polling. */
  @Override
  public synchronized void close() {
    if (executor != null) {
      executor.shutdownNow();
    }
  }

  private static boolean belongTogether(PublicKey publicKey, PrivateKey privateKey) {
    String algorithm =
        switch (privateKey.getAlgorithm()) {
          case "EC" -> "SHA256withECDSA";
          case "RSA" -> "SHA256withRSA";
          case "Ed25519", "EdDSA" -> "Ed25519";
          default -> null;
        };
    if (algorithm == null) {
      return true; // an algorithm we cannot check: the handshake will tell
    }
    try {
      byte[] probe = new byte[32];
      new SecureRandom().nextBytes(probe);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(privateKey);
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(publicKey);
      verifier.update(probe);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  /** The CA certificates in use (for logs and tests). */
  public List<X509Certificate> caCertificates() {
    return List.of(pkix.getAcceptedIssuers());
  }
}
