package io.squadron.rpc.platform;

import static java.util.Objects.requireNonNull;

import com.typesafe.config.Config;
import io.grpc.CallCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.Metadata;
import io.grpc.SecurityLevel;
import io.grpc.Status;
import io.grpc.stub.MetadataUtils;
import io.squadron.rpc.client.ChannelFactory;
import io.squadron.rpc.internal.security.CertificateWatcher;
import io.squadron.rpc.internal.security.IdentityInterceptor;
import io.squadron.rpc.internal.security.SecurityMode;
import io.squadron.rpc.internal.security.SecuritySettings;
import io.squadron.rpc.internal.security.TlsCredentials;
import java.util.concurrent.Executor;

/**
 * The client half, from {@code squadron.security}: every channel of a {@link ChannelFactory}
 * presents this service's certificate and accepts only a server whose certificate names the service
 * it meant to call (the client's name in {@code squadron.clients}, or {@code
 * squadron.security.server-identities.<client>}). The certificate, key and CA bundle are re-read
 * when their files change (new connections use them). In plaintext-dev mode, channels are plaintext
 * and send this service's name in the caller header instead.
 *
 * <pre>{@code
 * ChannelFactory channels = ClientSecurity.configure(ChannelFactory.builder(ClientsSettings.from(config)), config)
 *     .meterRegistry(registry)
 *     .build();
 * }</pre>
 */
public final class ClientSecurity {
  private ClientSecurity() {}

  /** Configures {@code builder} from {@code root}; returns it for chaining. */
  public static ChannelFactory.Builder configure(ChannelFactory.Builder builder, Config root) {
    requireNonNull(root, "root");
    return configure(builder, SecuritySettings.from(root));
  }

  /** Configures {@code builder} from typed settings; returns it for chaining. */
  public static ChannelFactory.Builder configure(
      ChannelFactory.Builder builder, SecuritySettings settings) {
    requireNonNull(builder, "builder");
    requireNonNull(settings, "settings");
    if (settings.mode() == SecurityMode.MTLS) {
      // One rotating set of TLS material for every channel: new handshakes present the current
      // certificate.
      CertificateWatcher material = CertificateWatcher.load(settings.tls().orElseThrow());
      if (!settings.certificateCheckInterval().isZero()) {
        material.start(settings.certificateCheckInterval());
      }
      builder.onClose(material);
      builder.credentials(
          client ->
              TlsCredentials.client(
                  material, settings.trustDomain(), settings.serverIdentity(client.name())));
    } else {
      Metadata headers = new Metadata();
      headers.put(
          Metadata.Key.of(settings.callerHeader(), Metadata.ASCII_STRING_MARSHALLER),
          settings.serviceName());
      builder.credentials(client -> InsecureChannelCredentials.create());
      builder.interceptor(MetadataUtils.newAttachHeadersInterceptor(headers));
    }
    return builder;
  }

  /**
   * Per-call credentials of a client app: {@code authorization: Bearer <token>} on every call; the
   * server maps the token to {@code app:<name>}. The token is sent only on a channel with privacy
   * and integrity (TLS): on any other, the call fails with UNAUTHENTICATED before anything is sent,
   * so a misconfigured channel never leaks it.
   */
  public static CallCredentials appToken(String token) {
    requireNonNull(token, "token");
    if (token.isBlank()) {
      throw new IllegalArgumentException("token: empty (expected: the app's token)");
    }
    String value = "Bearer " + token;
    return new CallCredentials() {
      @Override
      public void applyRequestMetadata(
          RequestInfo requestInfo, Executor appExecutor, MetadataApplier applier) {
        if (requestInfo.getSecurityLevel() != SecurityLevel.PRIVACY_AND_INTEGRITY) {
          applier.fail(
              Status.UNAUTHENTICATED.withDescription(
                  "app token not sent: the channel to "
                      + requestInfo.getAuthority()
                      + " is not secure (expected: TLS, e.g. Platform.appTls)"));
          return;
        }
        Metadata headers = new Metadata();
        headers.put(IdentityInterceptor.AUTHORIZATION, value);
        applier.apply(headers);
      }

      @Override
      public String toString() {
        return "app token (hidden)";
      }
    };
  }
}
