package io.squadron.rpc.internal.security;

import static java.util.Objects.requireNonNull;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import io.squadron.rpc.config.ConfigReader;
import io.squadron.rpc.config.InvalidConfigException;
import io.squadron.rpc.security.SpiffeId;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Transport security and caller identity, read from {@code squadron.security} (defaults and
 * documentation in rpc-core's {@code reference.conf}).
 *
 * <pre>
 * squadron.security {
 *   service-name = "shuffle"
 *   cert-dir = "/var/run/squadron/certs"     # ca.crt, shuffle.crt, shuffle.key (as ./squadron certs writes them)
 *   apps { ios { token-sha256 = "9f86d0..." } }
 * }
 * </pre>
 *
 * @param mode mutual TLS or plaintext for local development
 * @param serviceName this process's own service name (its certificate names it; in plaintext mode
 *     it is the caller header it sends)
 * @param trustDomain the SPIFFE trust domain, {@code squadron}
 * @param tls the CA, certificate and key files; present in {@link SecurityMode#MTLS}
 * @param appTokens the client apps' token hashes
 * @param callerHeader the header naming the caller in plaintext mode
 * @param serverIdentities client name to the service its servers must prove to be, where they
 *     differ
 * @param certificateCheckInterval how often the TLS files are checked for a rotated certificate,
 *     key or CA bundle ({@link Duration#ZERO}: never; an admin call reloads them)
 */
public record SecuritySettings(
    SecurityMode mode,
    String serviceName,
    String trustDomain,
    Optional<TlsFiles> tls,
    AppTokens appTokens,
    String callerHeader,
    Map<String, String> serverIdentities,
    Duration certificateCheckInterval) {

  public SecuritySettings {
    requireNonNull(mode, "mode");
    SpiffeId.requireValidServiceName(serviceName);
    SpiffeId.of(trustDomain, serviceName);
    requireNonNull(tls, "tls");
    requireNonNull(appTokens, "appTokens");
    requireNonNull(callerHeader, "callerHeader");
    serverIdentities = Map.copyOf(requireNonNull(serverIdentities, "serverIdentities"));
    requireNonNull(certificateCheckInterval, "certificateCheckInterval");
    if (certificateCheckInterval.isNegative()) {
      throw new IllegalArgumentException(
          "certificateCheckInterval: " + certificateCheckInterval + " (expected: >= 0)");
    }
    if (mode == SecurityMode.MTLS && tls.isEmpty()) {
      throw new IllegalArgumentException(
          "tls: missing (expected: CA, certificate and key files in mode mtls)");
    }
  }

  /**
   * The files of mutual TLS.
   *
   * @param caFile PEM certificates of the platform CA(s): peers must chain to one of them
   * @param certFile this service's certificate chain (PEM), URI SAN {@code spiffe://<trust
   *     domain>/<service>}
   * @param keyFile its private key (unencrypted PKCS#8 PEM)
   */
  public record TlsFiles(Path caFile, Path certFile, Path keyFile) {
    public TlsFiles {
      requireNonNull(caFile, "caFile");
      requireNonNull(certFile, "certFile");
      requireNonNull(keyFile, "keyFile");
    }

    /**
     * The layout of {@code ./squadron certs}: {@code ca.crt}, {@code <service>.crt}, {@code
     * <service>.key}.
     */
    public static TlsFiles inDirectory(Path dir, String service) {
      return new TlsFiles(
          dir.resolve("ca.crt"), dir.resolve(service + ".crt"), dir.resolve(service + ".key"));
    }
  }

  /** How often TLS files are checked for rotation by default. */
  public static final Duration DEFAULT_CERTIFICATE_CHECK_INTERVAL = Duration.ofSeconds(10);

  /** Mutual TLS with the files of {@code ./squadron certs} in {@code certDir}, no app tokens. */
  public static SecuritySettings mtls(String serviceName, Path certDir) {
    return new SecuritySettings(
        SecurityMode.MTLS,
        serviceName,
        SpiffeId.DEFAULT_TRUST_DOMAIN,
        Optional.of(TlsFiles.inDirectory(certDir, serviceName)),
        AppTokens.none(),
        "x-squadron-caller",
        Map.of(),
        DEFAULT_CERTIFICATE_CHECK_INTERVAL);
  }

  /** A copy accepting these app tokens. */
  public SecuritySettings withAppTokens(AppTokens tokens) {
    return new SecuritySettings(
        mode,
        serviceName,
        trustDomain,
        tls,
        tokens,
        callerHeader,
        serverIdentities,
        certificateCheckInterval);
  }

  /** The service whose identity the servers behind client {@code clientName} must present. */
  public String serverIdentity(String clientName) {
    return serverIdentities.getOrDefault(clientName, clientName);
  }

  /** Reads {@code squadron.security}; files named in mtls mode must exist. */
  public static SecuritySettings from(Config root) {
    ConfigReader s = ConfigReader.at(root, "squadron.security");
    String modeName = s.nonEmptyString("mode");
    SecurityMode mode = SecurityMode.fromConfig(modeName);
    if (mode == null) {
      throw new InvalidConfigException(
          s.key("mode"), "'" + modeName + "' (expected: mtls or plaintext-dev)");
    }
    String service = s.string("service-name");
    if (!SpiffeId.isValidServiceName(service)) {
      throw new InvalidConfigException(
          s.key("service-name"),
          "'"
              + service
              + "' (expected: this service's name: lower-case letters, digits and inner dashes, at most 63)");
    }
    String trustDomain = s.nonEmptyString("trust-domain");
    try {
      SpiffeId.of(trustDomain, service);
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigException(s.key("trust-domain"), e.getMessage());
    }
    Optional<TlsFiles> tls = Optional.empty();
    if (mode == SecurityMode.MTLS) {
      String dir = s.string("cert-dir");
      Path ca = file(s, "ca-file", dir, "ca.crt");
      Path cert = file(s, "cert-file", dir, service + ".crt");
      Path key = file(s, "key-file", dir, service + ".key");
      tls = Optional.of(new TlsFiles(ca, cert, key));
    }
    String header = s.nonEmptyString("caller-header").toLowerCase(java.util.Locale.ROOT);
    Map<String, String> identities = new LinkedHashMap<>();
    ConfigReader ids = s.child("server-identities");
    for (String client : ids.keys()) {
      String id = ids.string("\"" + client + "\"");
      if (!SpiffeId.isValidServiceName(id)) {
        throw new InvalidConfigException(
            ids.key(client), "'" + id + "' (expected: a service name)");
      }
      identities.put(client, id);
    }
    return new SecuritySettings(
        mode,
        service,
        trustDomain,
        tls,
        appTokens(s.child("apps"), root),
        header,
        identities,
        s.duration("certificate-check-interval"));
  }

  private static AppTokens appTokens(ConfigReader apps, Config root) {
    Map<String, String> appByHash = new LinkedHashMap<>();
    for (String app : apps.keys()) {
      String key = apps.key(app) + ".token-sha256";
      if (!SpiffeId.isValidAppName(app)) {
        throw new InvalidConfigException(
            apps.key(app), "app name (expected: letters, digits, '.', '-', '_')");
      }
      ConfigReader one = apps.child("\"" + app + "\"");
      if (!one.has("token-sha256")) {
        throw new InvalidConfigException(
            key, "missing (expected: the hex SHA-256 of the app's token, or a list)");
      }
      ConfigValue value = root.getValue("squadron.security.apps.\"" + app + "\".token-sha256");
      List<String> hashes =
          value.valueType() == ConfigValueType.LIST
              ? one.strings("token-sha256")
              : List.of(one.string("token-sha256"));
      for (String hash : hashes) {
        if (!AppTokens.isSha256Hex(hash)) {
          // Never echo the value: someone may have pasted the token itself.
          throw new InvalidConfigException(
              key,
              "not a SHA-256 (expected: 64 lower-case hex digits; store the "
                  + "token's hash, never the token)");
        }
        if (appByHash.putIfAbsent(hash, app) != null) {
          throw new InvalidConfigException(key, "the same token hash is listed for two apps");
        }
      }
    }
    return AppTokens.of(appByHash);
  }

  private static Path file(ConfigReader s, String key, String dir, String defaultName) {
    String named = s.string(key);
    Path path;
    if (!named.isBlank()) {
      path = Path.of(named);
    } else if (!dir.isBlank()) {
      path = Path.of(dir).resolve(defaultName);
    } else {
      throw new InvalidConfigException(
          s.key(key),
          "missing (expected: a file, or cert-dir holding "
              + defaultName
              + "; or mode = plaintext-dev for local development)");
    }
    if (!Files.isReadable(path)) {
      throw new InvalidConfigException(s.key(key), path + " is not a readable file");
    }
    return path;
  }
}
