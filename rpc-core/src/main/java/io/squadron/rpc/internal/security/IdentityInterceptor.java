package io.squadron.rpc.internal.security;

import static java.util.Objects.requireNonNull;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.micrometer.core.instrument.MeterRegistry;
import io.squadron.proto.common.v1.ErrorReason;
import io.squadron.rpc.errors.RpcErrors;
import io.squadron.rpc.identity.Caller;
import io.squadron.rpc.internal.metrics.CallerSlot;
import io.squadron.rpc.internal.metrics.SecurityMetrics;
import io.squadron.rpc.security.SpiffeId;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Optional;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * The identity stage: finds out who is calling and puts the {@link Caller} in the gRPC {@link
 * Context} ({@link Caller#contextKey()}) for the later stages and the handler. In order:
 *
 * <ol>
 *   <li>a verified client certificate (mutual TLS) names a service: {@code
 *       spiffe://<domain>/<service>};
 *   <li>an {@code authorization: Bearer <token>} header whose SHA-256 is configured names an app:
 *       {@code app:<name>};
 *   <li>only when a caller header is configured (plaintext development mode): the header names the
 *       caller.
 * </ol>
 *
 * <p>Anything else (no identity, an unknown or malformed token, a certificate without a service
 * identity) is closed with UNAUTHENTICATED (reason {@code UNAUTHENTICATED_CALLER}) before any later
 * stage runs, and counted in {@value SecurityMetrics#DENIED}. The identity of a certificate is
 * computed once per TLS session.
 */
public final class IdentityInterceptor implements ServerInterceptor {
  /** The {@code authorization} header. */
  public static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private static final String BEARER = "Bearer ";
  private static final String SESSION_KEY = "io.squadron.rpc.security.caller";

  private final String trustDomain;
  private final AppTokens appTokens;
  private final Metadata.Key<String> callerHeader;
  private final MeterRegistry registry;

  private IdentityInterceptor(
      String trustDomain,
      AppTokens appTokens,
      Metadata.Key<String> callerHeader,
      MeterRegistry registry) {
    this.trustDomain = trustDomain;
    this.appTokens = appTokens;
    this.callerHeader = callerHeader;
    this.registry = registry;
  }

  /** Identities from client certificates and app tokens only. */
  public static IdentityInterceptor forTls(
      String trustDomain, AppTokens appTokens, MeterRegistry registry) {
    SpiffeId.of(trustDomain, "x");
    return new IdentityInterceptor(
        trustDomain,
        requireNonNull(appTokens, "appTokens"),
        null,
        requireNonNull(registry, "registry"));
  }

  /**
   * For local development without TLS: also believes the caller named in {@code header}. Anyone can
   * claim any identity this way; never use it where real traffic arrives.
   */
  public static IdentityInterceptor forPlaintextDevelopment(
      String trustDomain, AppTokens appTokens, String header, MeterRegistry registry) {
    SpiffeId.of(trustDomain, "x");
    requireNonNull(header, "header");
    return new IdentityInterceptor(
        trustDomain,
        requireNonNull(appTokens, "appTokens"),
        Metadata.Key.of(header, Metadata.ASCII_STRING_MARSHALLER),
        requireNonNull(registry, "registry"));
  }

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    Caller caller = identify(call, headers);
    if (caller == null) {
      return reject(call);
    }
    CallerSlot.record(caller);
    Context context = Context.current().withValue(Caller.contextKey(), caller);
    return Contexts.interceptCall(context, call, headers, next);
  }

  private Caller identify(ServerCall<?, ?> call, Metadata headers) {
    SSLSession session = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
    if (session != null) {
      Object cached = session.getValue(SESSION_KEY);
      if (cached instanceof Caller c) {
        return c;
      }
      X509Certificate peer = peerCertificate(session);
      if (peer != null) {
        Optional<String> service = SpiffeId.service(peer, trustDomain);
        if (service.isEmpty()) {
          return null; // verified by the CA but names no service: not a platform identity
        }
        Caller caller = new Caller(service.get());
        session.putValue(SESSION_KEY, caller);
        return caller;
      }
    }
    String authorization = headers.get(AUTHORIZATION);
    if (authorization != null) {
      if (!authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
        return null;
      }
      return appTokens
          .appFor(authorization.substring(BEARER.length()).trim())
          .map(Caller::app)
          .orElse(null);
    }
    if (callerHeader != null) {
      String claimed = headers.get(callerHeader);
      if (claimed != null && SpiffeId.isValidCaller(claimed)) {
        return new Caller(claimed);
      }
    }
    return null;
  }

  private static X509Certificate peerCertificate(SSLSession session) {
    try {
      Certificate[] chain = session.getPeerCertificates();
      return chain.length > 0 && chain[0] instanceof X509Certificate x509 ? x509 : null;
    } catch (SSLPeerUnverifiedException e) {
      return null;
    }
  }

  private <ReqT, RespT> ServerCall.Listener<ReqT> reject(ServerCall<ReqT, RespT> call) {
    MethodDescriptor<ReqT, RespT> method = call.getMethodDescriptor();
    registry
        .counter(
            SecurityMetrics.DENIED,
            "service",
            String.valueOf(method.getServiceName()),
            "method",
            String.valueOf(method.getBareMethodName()),
            "caller",
            Caller.UNKNOWN.name(),
            "reason",
            ErrorReason.UNAUTHENTICATED_CALLER.name())
        .increment();
    StatusRuntimeException error =
        RpcErrors.of(
            Status.Code.UNAUTHENTICATED,
            ErrorReason.UNAUTHENTICATED_CALLER,
            "caller not identified for "
                + method.getFullMethodName()
                + " (expected: a client certificate of the platform CA or a valid app token)");
    call.close(error.getStatus(), error.getTrailers());
    return new ServerCall.Listener<>() {};
  }
}
