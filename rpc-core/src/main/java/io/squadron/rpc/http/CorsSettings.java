package io.squadron.rpc.http;

import static java.util.Objects.requireNonNull;

import io.squadron.rpc.config.ConfigReader;
import io.squadron.rpc.config.InvalidConfigException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Which other web origins may call a service's HTTP/JSON API from a browser (CORS), read from
 * {@code squadron.http.cors}. A page served by the service itself is same-origin and needs none of
 * this. A request from an origin not listed is refused with 403 before it reaches the service, and
 * so is its preflight.
 *
 * @param allowedOrigins exact origins ({@code https://shop.example.com}, scheme and host and port
 *     if not the default), or {@code *} for any; empty: no cross-origin caller
 * @param allowedMethods HTTP methods a cross-origin page may use
 * @param allowedHeaders request headers it may send, lower case
 * @param exposedHeaders response headers its scripts may read
 * @param allowCredentials whether browsers may send cookies and client certificates cross-origin
 * @param maxAge how long a browser may cache a preflight's answer
 */
public record CorsSettings(
    Set<String> allowedOrigins,
    Set<String> allowedMethods,
    Set<String> allowedHeaders,
    Set<String> exposedHeaders,
    boolean allowCredentials,
    Duration maxAge) {

  /** No cross-origin caller; the defaults for everything else. */
  public static final CorsSettings NONE =
      new CorsSettings(
          Set.of(),
          Set.of("GET", "POST", "PUT", "PATCH", "DELETE"),
          Set.of("authorization", "content-type"),
          Set.of("retry-after"),
          false,
          Duration.ofMinutes(10));

  public CorsSettings {
    allowedOrigins =
        Set.copyOf(new LinkedHashSet<>(requireNonNull(allowedOrigins, "allowedOrigins")));
    allowedMethods = Set.copyOf(requireNonNull(allowedMethods, "allowedMethods"));
    allowedHeaders = lowerCase(requireNonNull(allowedHeaders, "allowedHeaders"));
    exposedHeaders = lowerCase(requireNonNull(exposedHeaders, "exposedHeaders"));
    requireNonNull(maxAge, "maxAge");
    for (String origin : allowedOrigins) {
      String problem = originProblem(origin);
      if (problem != null) {
        throw new IllegalArgumentException(
            "allowedOrigins: '" + origin + "' (expected: " + problem + ")");
      }
    }
    if (allowCredentials && allowedOrigins.contains("*")) {
      throw new IllegalArgumentException(
          "allowCredentials: true with origin '*' (expected: the exact origins, "
              + "browsers refuse credentials for any origin)");
    }
    for (String method : allowedMethods) {
      if (!method.matches("[A-Z]+")) {
        throw new IllegalArgumentException(
            "allowedMethods: '" + method + "' (expected: upper-case HTTP methods)");
      }
    }
    if (maxAge.isNegative()) {
      throw new IllegalArgumentException("maxAge: " + maxAge + " (expected: >= 0)");
    }
  }

  /** A copy allowing {@code origins} (exact origins or {@code *}). */
  public CorsSettings withAllowedOrigins(String... origins) {
    return new CorsSettings(
        Set.of(origins), allowedMethods, allowedHeaders, exposedHeaders, allowCredentials, maxAge);
  }

  /** Whether a page from {@code origin} may call. */
  public boolean allows(String origin) {
    return allowedOrigins.contains("*") || allowedOrigins.contains(origin);
  }

  static CorsSettings from(ConfigReader cors) {
    try {
      return new CorsSettings(
          Set.copyOf(cors.strings("allowed-origins")),
          Set.copyOf(cors.strings("allowed-methods")),
          Set.copyOf(cors.strings("allowed-headers")),
          Set.copyOf(cors.strings("exposed-headers")),
          cors.bool("allow-credentials"),
          cors.duration("max-age"));
    } catch (IllegalArgumentException e) {
      String message = e.getMessage();
      String setting = message.substring(0, message.indexOf(':'));
      String key =
          switch (setting) {
            case "allowedOrigins" -> "allowed-origins";
            case "allowCredentials" -> "allow-credentials";
            case "allowedMethods" -> "allowed-methods";
            default -> "max-age";
          };
      throw new InvalidConfigException(cors.key(key), message.substring(message.indexOf(':') + 2));
    }
  }

  private static Set<String> lowerCase(Set<String> headers) {
    Set<String> lower = new LinkedHashSet<>();
    headers.forEach(h -> lower.add(h.toLowerCase(Locale.ROOT)));
    return Set.copyOf(lower);
  }

  private static String originProblem(String origin) {
    if (origin.equals("*")) {
      return null;
    }
    try {
      URI uri = new URI(origin);
      boolean ok =
          ("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))
              && uri.getHost() != null
              && uri.getRawPath().isEmpty()
              && uri.getRawQuery() == null
              && uri.getRawFragment() == null
              && uri.getRawUserInfo() == null
              && origin.equals(origin.toLowerCase(Locale.ROOT));
      return ok ? null : "scheme://host[:port] in lower case, no path or trailing slash, or *";
    } catch (URISyntaxException e) {
      return "scheme://host[:port], or *";
    }
  }
}
