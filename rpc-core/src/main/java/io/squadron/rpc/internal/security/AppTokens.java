package io.squadron.rpc.internal.security;

import static java.util.Objects.requireNonNull;

import io.squadron.rpc.security.SpiffeId;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Client-app tokens, kept in config only as SHA-256 hashes: a token maps to the app {@code
 * app:<name>} when its hash is listed under {@code squadron.security.apps.<name>.token-sha256}. The
 * tokens themselves are never stored, logged or echoed.
 */
public final class AppTokens {
  private static final AppTokens NONE = new AppTokens(Map.of());
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Map<String, String> appByHash;

  private AppTokens(Map<String, String> appByHash) {
    this.appByHash = Map.copyOf(appByHash);
  }

  /** No app may call. */
  public static AppTokens none() {
    return NONE;
  }

  /**
   * Tokens by their lower-case hex SHA-256, each naming its app (without the {@code app:} prefix).
   */
  public static AppTokens of(Map<String, String> appByTokenSha256) {
    requireNonNull(appByTokenSha256, "appByTokenSha256");
    appByTokenSha256.forEach(
        (hash, app) -> {
          if (!isSha256Hex(hash)) {
            throw new IllegalArgumentException(
                "token hash of app " + app + " (expected: 64 lower-case hex digits)");
          }
          if (!SpiffeId.isValidAppName(app)) {
            throw new IllegalArgumentException(
                "app: '" + app + "' (expected: letters, digits, '.', '-', '_')");
          }
        });
    return new AppTokens(appByTokenSha256);
  }

  /** Whether no app token is configured. */
  public boolean isEmpty() {
    return appByHash.isEmpty();
  }

  /** The app a token belongs to (its name without {@code app:}), or empty for an unknown token. */
  public Optional<String> appFor(String token) {
    if (token == null || token.isEmpty() || appByHash.isEmpty()) {
      return Optional.empty();
    }
    return Optional.ofNullable(appByHash.get(sha256Hex(token)));
  }

  /** The lower-case hex SHA-256 of {@code token}'s UTF-8 bytes: the value to put in config. */
  public static String sha256Hex(String token) {
    requireNonNull(token, "token");
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
  }

  /** A new random token (256 bits, URL-safe base64) for an app. */
  public static String generate() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  static boolean isSha256Hex(String value) {
    return value != null
        && value.length() == 64
        && value.toLowerCase(Locale.ROOT).equals(value)
        && value.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
  }

  /** {@code AppTokens}: prints a new token and the hash to put in config. */
  public static void main(String[] args) {
    String token = generate();
    System.out.println("token (give to the app, keep secret): " + token);
    System.out.println("token-sha256 (put in squadron.security.apps.<name>): " + sha256Hex(token));
  }
}
