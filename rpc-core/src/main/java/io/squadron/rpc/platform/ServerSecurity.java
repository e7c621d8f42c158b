package io.squadron.rpc.platform;

import static java.util.Objects.requireNonNull;

import com.typesafe.config.Config;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.squadron.rpc.config.ConfigReader;
import io.squadron.rpc.config.InvalidConfigException;
import io.squadron.rpc.internal.permissions.PermissionInterceptor;
import io.squadron.rpc.internal.permissions.PermissionPolicy;
import io.squadron.rpc.internal.permissions.PermissionSettings;
import io.squadron.rpc.internal.permissions.PolicyFileWatcher;
import io.squadron.rpc.internal.ratelimit.RateLimitInterceptor;
import io.squadron.rpc.internal.ratelimit.RateLimitSettings;
import io.squadron.rpc.internal.ratelimit.RateLimiter;
import io.squadron.rpc.internal.reload.WatchedFile;
import io.squadron.rpc.internal.security.CertificateWatcher;
import io.squadron.rpc.internal.security.IdentityInterceptor;
import io.squadron.rpc.internal.security.SecurityMode;
import io.squadron.rpc.internal.security.SecuritySettings;
import io.squadron.rpc.internal.security.TlsCredentials;
import io.squadron.rpc.security.SpiffeId;
import io.squadron.rpc.server.AdminSettings;
import io.squadron.rpc.server.InterceptorStage;
import io.squadron.rpc.server.SquadronServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one call a service's {@code Main} makes to get transport security, caller identity,
 * permissions and rate limits, all from config ({@code squadron.security}, {@code
 * squadron.permissions}, {@code squadron.rate-limits}):
 *
 * <pre>{@code
 * Config config = ConfigLoader.load(...);
 * PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
 * SquadronServer.Builder builder = SquadronServer.builder(ServerSettings.from(config)).service(new MyService());
 * ServerSecurity security = ServerSecurity.configure(builder, config, registry);
 * SquadronServer server = builder.build().start();
 * }</pre>
 *
 * <p>It sets the builder's credentials (mutual TLS, or nothing in plaintext-dev mode, with a loud
 * warning), adds the IDENTITY, PERMISSION and RATE_LIMIT stages, and, when {@code registry} is a
 * {@link PrometheusMeterRegistry}, makes it the server's registry so denials and rejections appear
 * on {@code /metrics} next to the call metrics. Keep the returned object to reload the permission
 * policy from an admin call ({@link #reloadPermissions()}).
 */
public final class ServerSecurity implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ServerSecurity.class);

  private final SecuritySettings settings;
  private final PermissionInterceptor permissions;
  private final Optional<PolicyFileWatcher> watcher;
  private final RateLimiter rateLimiter;
  private final CertificateWatcher certificates;
  private volatile WatchedFile<RateLimitSettings> rateLimitFile;

  private ServerSecurity(
      SecuritySettings settings,
      PermissionInterceptor permissions,
      Optional<PolicyFileWatcher> watcher,
      RateLimiter rateLimiter,
      CertificateWatcher certificates) {
    this.settings = settings;
    this.permissions = permissions;
    this.watcher = watcher;
    this.rateLimiter = rateLimiter;
    this.certificates = certificates;
  }

  /**
   * Keeps the rate limits in step with {@code file} ({@code squadron.rate-limits.file}) over {@code
   * base}.
   */
  private void watchRateLimits(Path file, Config base, Duration interval) {
    WatchedFile<RateLimitSettings> watched =
        new WatchedFile<>(
            file,
            "rate limits",
            (path, content) -> RateLimitSettings.fromFile(path, content, base),
            rateLimiter::update);
    try {
      watched.reload();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read squadron.rate-limits.file " + file, e);
    }
    rateLimitFile = watched.start(interval);
    log.info("rate limits from {}, checked every {}", file, interval);
  }

  /** Configures {@code builder} from {@code root} (a resolved config with rpc-core's defaults). */
  public static ServerSecurity configure(
      SquadronServer.Builder builder, Config root, MeterRegistry registry) {
    return configure(builder, root, registry, System::nanoTime);
  }

  /**
   * As {@link #configure(SquadronServer.Builder, Config, MeterRegistry)}, with the rate limiter's
   * clock.
   */
  public static ServerSecurity configure(
      SquadronServer.Builder builder, Config root, MeterRegistry registry, LongSupplier nanoTime) {
    requireNonNull(root, "root");
    SecuritySettings security = SecuritySettings.from(root);
    if (security.mode() == SecurityMode.PLAINTEXT_DEV) {
      String host = ConfigReader.at(root, "squadron.server").nonEmptyString("host");
      if (!AdminSettings.isLoopback(host)) {
        throw new InvalidConfigException(
            "squadron.security.mode",
            "plaintext-dev with squadron.server.host = '"
                + host
                + "' (expected: a loopback host such as 127.0.0.1: without TLS anyone can claim any identity, so "
                + "plaintext-dev never listens beyond this machine)");
      }
    }
    ServerSecurity configured =
        configure(
            builder,
            security,
            PermissionSettings.from(root),
            RateLimitSettings.from(root),
            registry,
            nanoTime);
    ConfigReader rateLimits = ConfigReader.at(root, "squadron.rate-limits");
    String file = rateLimits.string("file");
    if (!file.isBlank()) {
      configured.watchRateLimits(
          Path.of(file), root, rateLimits.positiveDuration("watch-interval"));
    }
    return configured;
  }

  /** Configures {@code builder} from typed settings (tests, benchmarks). */
  public static ServerSecurity configure(
      SquadronServer.Builder builder,
      SecuritySettings security,
      PermissionSettings permissionSettings,
      RateLimitSettings rateLimits,
      MeterRegistry registry,
      LongSupplier nanoTime) {
    requireNonNull(builder, "builder");
    requireNonNull(security, "security");
    requireNonNull(permissionSettings, "permissionSettings");
    requireNonNull(rateLimits, "rateLimits");
    requireNonNull(registry, "registry");
    requireNonNull(nanoTime, "nanoTime");
    if (registry instanceof PrometheusMeterRegistry prometheus) {
      builder.meterRegistry(prometheus);
    }

    IdentityInterceptor identity;
    CertificateWatcher certificates = null;
    if (security.mode() == SecurityMode.MTLS) {
      SecuritySettings.TlsFiles files = security.tls().orElseThrow();
      boolean requireCertificate = security.appTokens().isEmpty();
      certificates = CertificateWatcher.load(files);
      if (!security.certificateCheckInterval().isZero()) {
        certificates.start(security.certificateCheckInterval());
      }
      builder.credentials(TlsCredentials.server(certificates, requireCertificate));
      // The HTTP/JSON listener, when the service has one, proves the same identity and trusts the
      // same CA, rotated
      // with the gRPC port's.
      builder.httpTls(certificates.keyManager(), certificates.clientTrust());
      identity = IdentityInterceptor.forTls(security.trustDomain(), security.appTokens(), registry);
      log.info(
          "mutual TLS as {} (CA {}); client certificate {}; {}",
          SpiffeId.of(security.trustDomain(), security.serviceName()),
          files.caFile(),
          requireCertificate ? "required" : "optional (app tokens)",
          "callers without an identity get UNAUTHENTICATED");
    } else {
      identity =
          IdentityInterceptor.forPlaintextDevelopment(
              security.trustDomain(), security.appTokens(), security.callerHeader(), registry);
      log.warn(
          """

          ************************************************************************************************
          ***  PLAINTEXT DEVELOPMENT MODE (squadron.security.mode = plaintext-dev)
          ***  No TLS, and callers name themselves in the '{}' header: anyone can claim any identity.
          ***  Never run this where real traffic arrives.
          ************************************************************************************************""",
          security.callerHeader());
    }

    PermissionPolicy initial = permissionSettings.policy();
    Optional<PolicyFileWatcher> watcher = Optional.empty();
    PermissionInterceptor permissions;
    if (permissionSettings.file().isPresent()) {
      try {
        initial = PolicyFileWatcher.read(permissionSettings.file().get());
      } catch (IOException e) {
        throw new UncheckedIOException(
            "cannot read squadron.permissions.file " + permissionSettings.file().get(), e);
      }
      permissions = new PermissionInterceptor(initial, registry);
      PolicyFileWatcher w = new PolicyFileWatcher(permissionSettings.file().get(), permissions);
      try {
        w.reload();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      watcher = Optional.of(w.start(permissionSettings.watchInterval()));
    } else {
      permissions = new PermissionInterceptor(initial, registry);
    }
    if (initial.entries().isEmpty()) {
      log.warn(
          "permission policy is empty: every call will be denied (set squadron.permissions.policy)");
    }

    RateLimiter limiter = new RateLimiter(rateLimits, nanoTime);
    builder.interceptor(InterceptorStage.IDENTITY, identity);
    builder.interceptor(InterceptorStage.PERMISSION, permissions);
    builder.interceptor(InterceptorStage.RATE_LIMIT, new RateLimitInterceptor(limiter, registry));
    log.info(
        "rate limits per instance: default {}/s burst {} per (caller, method), {} override(s)",
        rateLimits.defaultLimit().rate(),
        rateLimits.defaultLimit().burst(),
        rateLimits.overrides().size());
    ServerSecurity configured =
        new ServerSecurity(security, permissions, watcher, limiter, certificates);
    builder.closeOnShutdown(configured);
    builder.adminAction(
        "reload-permissions",
        () ->
            configured.reloadPermissions()
                ? "permissions reloaded"
                : "permissions unchanged (or no file configured)");
    builder.adminAction(
        "reload-rate-limits",
        () ->
            configured.reloadRateLimits()
                ? "rate limits reloaded"
                : "rate limits unchanged (or no file configured)");
    builder.adminAction(
        "reload-certificates",
        () ->
            configured.reloadCertificates()
                ? "certificates reloaded"
                : "certificates unchanged (or no TLS)");
    return configured;
  }

  /** The settings in force. */
  public SecuritySettings settings() {
    return settings;
  }

  /** The permission stage: {@link PermissionInterceptor#update} replaces the policy at runtime. */
  public PermissionInterceptor permissions() {
    return permissions;
  }

  /**
   * Re-reads {@code squadron.permissions.file} now (an admin call); new calls see the new policy.
   *
   * @return true when the file changed and was applied; false when unchanged or no file is
   *     configured
   * @throws IOException when the file cannot be read (the old policy stays)
   * @throws io.squadron.rpc.config.InvalidConfigException when it is invalid (the old policy stays)
   */
  public boolean reloadPermissions() throws IOException {
    return watcher.isPresent() && watcher.get().reload();
  }

  /**
   * Re-reads {@code squadron.rate-limits.file} now (an admin call); calls from now on, and the
   * buckets in use, get the new limits.
   *
   * @return true when the file changed and was applied; false when unchanged or no file is
   *     configured
   * @throws IOException when the file cannot be read (the old limits stay)
   * @throws io.squadron.rpc.config.InvalidConfigException when it is invalid (the old limits stay)
   */
  public boolean reloadRateLimits() throws IOException {
    WatchedFile<RateLimitSettings> file = rateLimitFile;
    return file != null && file.reload();
  }

  /**
   * Re-reads the TLS files now (an admin call; they are also checked every {@code
   * squadron.security.certificate-check-interval}); new handshakes use what changed.
   *
   * @return true when new material was applied
   * @throws IOException when a file cannot be read or parsed (the material in use stays)
   */
  public boolean reloadCertificates() throws IOException {
    return certificates != null && certificates.reload();
  }

  /** The rate limiter (its settings and bucket count). */
  public RateLimiter rateLimiter() {
    return rateLimiter;
  }

  /** Stops watching the policy, rate-limit and TLS files. */
  @Override
  public void close() {
    watcher.ifPresent(PolicyFileWatcher::close);
    WatchedFile<RateLimitSettings> file = rateLimitFile;
    if (file != null) {
      file.close();
    }
    if (certificates != null) {
      certificates.close();
    }
  }
}
