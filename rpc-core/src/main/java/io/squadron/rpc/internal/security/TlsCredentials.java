package io.squadron.rpc.internal.security;

import static java.util.Objects.requireNonNull;

import io.grpc.ChannelCredentials;
import io.grpc.ServerCredentials;
import io.grpc.TlsChannelCredentials;
import io.grpc.TlsServerCredentials;
import io.squadron.rpc.internal.security.SecuritySettings.TlsFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.cert.X509Certificate;
import java.util.List;

/** gRPC transport credentials for mutual TLS from {@link TlsFiles}. */
public final class TlsCredentials {
  private TlsCredentials() {}

  /**
   * Server credentials over {@code material}, which may rotate: new handshakes present the current
   * certificate and check client certificates against the current CA bundle. When {@code
   * requireClientCertificate} is false a client may connect without one (client apps with a token),
   * and the identity stage rejects calls that have neither.
   */
  public static ServerCredentials server(
      CertificateWatcher material, boolean requireClientCertificate) {
    requireNonNull(material, "material");
    return TlsServerCredentials.newBuilder()
        .keyManager(material.keyManager())
        .trustManager(material.clientTrust())
        .clientAuth(
            requireClientCertificate
                ? TlsServerCredentials.ClientAuth.REQUIRE
                : TlsServerCredentials.ClientAuth.OPTIONAL)
        .build();
  }

  /**
   * Channel credentials over {@code material}, which may rotate: the current certificate is
   * presented, and only a server certified by the current CA bundle as {@code expectedService} is
   * accepted.
   */
  public static ChannelCredentials client(
      CertificateWatcher material, String trustDomain, String expectedService) {
    requireNonNull(material, "material");
    return TlsChannelCredentials.newBuilder()
        .keyManager(material.keyManager())
        .trustManager(ServiceTrustManager.forServer(material::pkix, trustDomain, expectedService))
        .build();
  }

  /**
   * Server credentials presenting this service's certificate. Client certificates must chain to the
   * CA; when {@code requireClientCertificate} is false a client may connect without one (client
   * apps with a token), and the identity stage rejects calls that have neither.
   */
  public static ServerCredentials server(TlsFiles files, boolean requireClientCertificate) {
    requireNonNull(files, "files");
    try {
      return TlsServerCredentials.newBuilder()
          .keyManager(files.certFile().toFile(), files.keyFile().toFile())
          .trustManager(files.caFile().toFile())
          .clientAuth(
              requireClientCertificate
                  ? TlsServerCredentials.ClientAuth.REQUIRE
                  : TlsServerCredentials.ClientAuth.OPTIONAL)
          .build();
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot read TLS files "
              + files.certFile()
              + ", "
              + files.keyFile()
              + ", "
              + files.caFile(),
          e);
    }
  }

  /**
   * Channel credentials presenting this service's certificate and accepting only a server certified
   * by the CA as {@code expectedService}.
   */
  public static ChannelCredentials client(
      TlsFiles files, String trustDomain, String expectedService) {
    requireNonNull(files, "files");
    return client(files, caCertificates(files), trustDomain, expectedService);
  }

  /**
   * Channel credentials of a client app: no client certificate (the app sends a token, see {@code
   * Platform.appToken}), and only a server certified by the CA in {@code caFile} as {@code
   * expectedService} is accepted.
   */
  public static ChannelCredentials forApp(
      java.nio.file.Path caFile, String trustDomain, String expectedService) {
    requireNonNull(caFile, "caFile");
    try {
      return TlsChannelCredentials.newBuilder()
          .trustManager(
              ServiceTrustManager.forServer(
                  ServiceTrustManager.readCertificates(caFile), trustDomain, expectedService))
          .build();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read CA file " + caFile, e);
    }
  }

  /**
   * As {@link #client(TlsFiles, String, String)} with the CA certificates read once by the caller.
   */
  public static ChannelCredentials client(
      TlsFiles files, List<X509Certificate> ca, String trustDomain, String expectedService) {
    try {
      return TlsChannelCredentials.newBuilder()
          .keyManager(files.certFile().toFile(), files.keyFile().toFile())
          .trustManager(ServiceTrustManager.forServer(ca, trustDomain, expectedService))
          .build();
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot read TLS files " + files.certFile() + ", " + files.keyFile(), e);
    }
  }

  /** The CA certificates of {@code files}. */
  public static List<X509Certificate> caCertificates(TlsFiles files) {
    try {
      return ServiceTrustManager.readCertificates(files.caFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
